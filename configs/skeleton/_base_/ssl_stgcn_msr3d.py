# ST-GCN on MSR Action3D inside SemiRecognizer: FixMatch unless a config
# sets `model.algorithm` (the Table 1 baselines); APLT adds the prototype
# branch (../aplt_stgcn_msr3d.py).
_base_ = ['./stgcn_msr3d.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    # Only `type` here: a child's algorithm dict merges into this one.
    algorithm=dict(type='FixMatch'),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
