# APLT with ST-GCN on SMG-5 skeletons: FixMatch with the prototype branch
# (as aplt_stgcn_msr3d.py); data options in ./_base_/stgcn_smg5.py.
_base_ = ['./fixmatch_stgcn_smg5.py', '../_base_/labelers.py']

model = dict(
    type='APLTRecognizer',
    prototype_head=dict(
        type='PrototypeHead',
        backbone_name='gcn',
        normalize=True,
        temperature=0.1),
    offline_labeler={{_base_.paper_labeler}},
    semi_train_cfg=dict(
        margin_weight=1.0, margin_view='strong', margin_targets='offline'),
    semi_test_cfg=dict(predict_with='prototype_head'))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=10, interval=5)]
