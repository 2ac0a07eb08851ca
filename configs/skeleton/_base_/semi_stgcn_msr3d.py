# ST-GCN on MSR Action3D inside APLTRecognizer, without a prototype head:
# FixMatch (Eq. 1-2). APLT adds the prototype head and the offline hook.
_base_ = ['./stgcn_msr3d.py']

model = dict(
    _delete_=True,
    type='APLTRecognizer',
    recognizer={{_base_.model}},
    semi_train_cfg=dict(
        fixmatch_threshold=0.95, unlabeled_weight=1.0, margin_weight=0.0),
    semi_test_cfg=dict(predict_with='cls_head'),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
