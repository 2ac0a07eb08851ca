# APLT with ST-GCN on MSR Action3D skeletons: FixMatch warm-up, then an
# offline phase (clustering, prototypes) every `interval` epochs and the
# margin loss against the prototypes; the prototype classifier predicts.
# Offline phases label with the paper's options (../_base_/labelers.py).
_base_ = ['./_base_/ssl_stgcn_msr3d.py', '../_base_/labelers.py']

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
