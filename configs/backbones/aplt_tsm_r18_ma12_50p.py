# APLT on MA-12 (50% labels) with a TSM ResNet-18: temporal shift in every
# block; otherwise the TSN setup (8 segments, NCHW). To train from scratch
# set both pretrained=None and pretrained2d=False on the backbone.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(
    recognizer=dict(
        backbone=dict(
            type='ResNetTSM',
            depth=18,
            pretrained='torchvision://resnet18',
            num_segments=8,
            shift_div=8,
            norm_eval=False),
        cls_head=dict(
            _delete_=True,
            type='TSMHead',
            num_classes={{_base_.num_classes}},
            in_channels=512,
            num_segments=8,
            spatial_type='avg',
            consensus=dict(type='AvgConsensus', dim=1),
            dropout_ratio=0.5,
            init_std=0.001,
            is_shift=True,
            average_clips='prob')),
    prototype_head=dict(backbone_name='tsm', num_segments=8))
