# APLT on MA-12 (50% labels) with X3D-S (Recognizer3D): one 8-frame clip per
# video, NCTHW. Trains from scratch unless you point `pretrained` at X3D
# weights.
_base_ = [
    '../_base_/models/aplt_tsn_r18.py', '../_base_/datasets/ma12_semi_3d.py',
    '../_base_/schedules/sgd_cosine_55e.py', '../_base_/default_runtime.py'
]

model = dict(
    recognizer=dict(
        _delete_=True,
        type='Recognizer3D',
        backbone=dict(type='X3D', gamma_w=1, gamma_b=2.25, gamma_d=2.2),
        cls_head=dict(
            type='X3DHead',
            in_channels=432,
            num_classes={{_base_.num_classes}},
            spatial_type='avg',
            dropout_ratio=0.5,
            fc1_bias=False,
            average_clips='prob')),
    data_preprocessor=dict(format_shape='NCTHW'))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
