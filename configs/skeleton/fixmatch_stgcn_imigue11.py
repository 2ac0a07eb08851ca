# FixMatch with ST-GCN on iMiGUE-11 skeletons; data options in
# ./_base_/stgcn_imigue11.py.
_base_ = ['./_base_/stgcn_imigue11.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    algorithm=dict(type='FixMatch', threshold=0.95, unlabeled_weight=1.0),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
