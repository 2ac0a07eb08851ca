# PoseC3D on MA-12 skeletons: 2-D COCO keypoints with scores (the pickle of
# stgcn_ma12.py) rendered as joint heatmaps. Point it at your pickle: one
# line each for the file, the split names, the classes, the labeled ratio
# and the joints (a heatmap channel each).
_base_ = [
    '../../_base_/models/posec3d.py',
    '../../_base_/datasets/pose2d_heatmap_semi.py',
    '../../_base_/schedules/skeleton_sgd_cosine.py',
    '../../_base_/default_runtime.py'
]

ann_file = 'data/ma12_pose/ma12.pkl'
train_split, val_split, test_split = 'train', 'val', 'test'
num_classes = 12
label_ratio = 0.5
num_joints = 17

model = dict(
    backbone=dict(in_channels=num_joints),
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
