# ST-GCN on MSR Action3D inside SemiRecognizer: a Table 1 baseline config
# sets `model.algorithm`.
_base_ = ['./stgcn_msr3d.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    # Only `type` here: a child's algorithm dict merges into this one.
    algorithm=dict(type='FixMatch'),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
