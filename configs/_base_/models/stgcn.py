# ST-GCN (MMAction2's RecognizerGCN + STGCN + GCNHead) for 3-D joints.
# A dataset base gives the graph (`graph_cfg.layout`: 'nturgb+d',
# 'openpose', 'coco' or a custom dict) and `num_classes`. CPU-sized: 6 GCN
# blocks of 16-64 channels (MMAction2's NTU configs: 10 blocks of 64-256),
# so features are 64-wide.
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='STGCN',
        graph_cfg=dict(layout='nturgb+d', mode='stgcn_spatial'),
        in_channels=3,
        base_channels=16,
        num_stages=6,
        inflate_stages=[3, 5],
        down_stages=[3, 5]),
    cls_head=dict(
        type='GCNHead', num_classes=60, in_channels=64, dropout=0.),
    # Joint coordinates need no mean / std.
    data_preprocessor=dict(type='ActionDataPreprocessor'))
