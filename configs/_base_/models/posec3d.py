# PoseC3D (MMAction2's Recognizer3D + ResNet3dSlowOnly + I3DHead) on joint
# heatmap volumes [N, V, T, H, W], one channel per joint: the SlowOnly-R50
# of MMAction2's PoseC3D keypoint configs (3 stages of 4, 6, 3 blocks,
# 512-wide features, no downsampling in the stem). A dataset config sets
# `in_channels` (its joints: 17 COCO, 18 OpenPose) and `num_classes`. GPU
# sized: a semi-supervised step of 8 + 16 clips (40 volumes) is minutes
# on a 2-core CPU.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowOnly',
        depth=50,
        pretrained=None,
        in_channels=17,
        base_channels=32,
        num_stages=3,
        out_indices=(2, ),
        stage_blocks=(4, 6, 3),
        conv1_stride_s=1,
        pool1_stride_s=1,
        inflate=(0, 1, 1),
        spatial_strides=(2, 2, 2),
        temporal_strides=(1, 1, 2),
        dilations=(1, 1, 1)),
    cls_head=dict(
        type='I3DHead',
        in_channels=512,
        num_classes=60,
        dropout_ratio=0.5,
        average_clips='prob'),
    # Heatmaps are in [0, 1]: no mean / std.
    data_preprocessor=dict(
        type='ActionDataPreprocessor', format_shape='NCTHW'))
