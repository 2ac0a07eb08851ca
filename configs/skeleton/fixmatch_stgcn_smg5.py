# FixMatch with ST-GCN on SMG-5 skeletons; data options in
# ./_base_/stgcn_smg5.py.
_base_ = ['./_base_/stgcn_smg5.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    algorithm=dict(type='FixMatch', threshold=0.95, unlabeled_weight=1.0),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
