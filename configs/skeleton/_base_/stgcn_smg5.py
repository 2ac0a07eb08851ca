# ST-GCN on SMG-5 skeletons: 3-D Kinect v2 joints (25, MMAction2's
# `nturgb+d` layout). Point it at your pickle: one line each for the file,
# the split names, the classes, the labeled ratio and the graph.
_base_ = [
    '../../_base_/models/stgcn.py',
    '../../_base_/datasets/kinect_v2_pose_semi.py',
    '../../_base_/schedules/skeleton_sgd_cosine.py',
    '../../_base_/default_runtime.py'
]

ann_file = 'data/smg5_pose/smg5.pkl'
train_split, val_split, test_split = 'train', 'val', 'test'
num_classes = 5
label_ratio = 0.2
graph_layout = 'nturgb+d'

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
