# APLT with ST-GCN on iMiGUE-11 skeletons; data options in
# ./_base_/stgcn_imigue11.py.
_base_ = ['./_base_/stgcn_imigue11.py', '../_base_/labelers.py']

model = dict(
    _delete_=True,
    type='APLTRecognizer',
    recognizer={{_base_.model}},
    prototype_head=dict(
        type='PrototypeHead',
        backbone_name='gcn',
        normalize=True,
        temperature=0.1),
    algorithm=dict(type='FixMatch', threshold=0.95, unlabeled_weight=1.0),
    offline_labeler={{_base_.paper_labeler}},
    semi_train_cfg=dict(
        margin_weight=1.0,
        margin_view='strong',
        margin_targets='offline'),
    semi_test_cfg=dict(predict_with='prototype_head'),
    data_preprocessor=dict(type='MultiViewDataPreprocessor'))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=10, interval=5)]
