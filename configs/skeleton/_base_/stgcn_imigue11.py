# ST-GCN on iMiGUE-11 skeletons: 2-D OpenPose keypoints (18, MMAction2's
# `openpose` layout) with scores. Point it at your pickle: one line each
# for the file, the split names, the classes, the labeled ratio and the
# graph.
_base_ = [
    '../../_base_/models/stgcn.py', '../../_base_/datasets/pose2d_semi.py',
    '../../_base_/schedules/skeleton_sgd_cosine.py',
    '../../_base_/default_runtime.py'
]

ann_file = 'data/imigue11_pose/imigue11.pkl'
train_split, val_split, test_split = 'train', 'val', 'test'
num_classes = 11
label_ratio = 0.3
graph_layout = 'openpose'

model = dict(
    backbone=dict(
        graph_cfg=dict(layout=graph_layout, mode='stgcn_spatial'),
        in_channels=3),
    cls_head=dict(num_classes=num_classes))
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        split=train_split,
        label_ratio=label_ratio,
        num_classes=num_classes))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, split=val_split, num_classes=num_classes))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file, split=test_split, num_classes=num_classes))
default_hooks = dict(logger=dict(interval=10))
