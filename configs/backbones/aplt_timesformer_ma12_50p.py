# APLT on MA-12 (50% labels) with TimeSformer (divided space-time
# attention, ViT-B/16 on 8 frames of 224x224; Recognizer3D). The class
# token is the clip feature for both classifiers.
_base_ = [
    '../_base_/models/aplt_tsn_r18.py', '../_base_/datasets/ma12_semi_3d.py',
    '../_base_/schedules/sgd_cosine_55e.py', '../_base_/default_runtime.py'
]

model = dict(
    recognizer=dict(
        _delete_=True,
        type='Recognizer3D',
        backbone=dict(
            type='TimeSformer',
            pretrained=('https://download.openmmlab.com/mmaction/recognition'
                        '/timesformer/vit_base_patch16_224.pth'),
            num_frames=8,
            img_size=224,
            patch_size=16,
            embed_dims=768,
            in_channels=3,
            dropout_ratio=0.,
            transformer_layers=None,
            attention_type='divided_space_time',
            norm_cfg=dict(type='LN', eps=1e-6)),
        cls_head=dict(
            type='TimeSformerHead',
            num_classes={{_base_.num_classes}},
            in_channels=768,
            average_clips='prob')),
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        format_shape='NCTHW'))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
