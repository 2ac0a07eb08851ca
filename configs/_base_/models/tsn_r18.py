# TSN-style ResNet-18 (APLT paper's default backbone), ImageNet-pretrained.
model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='ResNet',
        pretrained='torchvision://resnet18',
        depth=18,
        norm_eval=False),
    cls_head=dict(
        type='TSNHead',
        # MA-12's (and the demo's); a config on another dataset passes
        # its dataset base's (the base's `num_classes` variable).
        num_classes=12,
        in_channels=512,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.4,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
