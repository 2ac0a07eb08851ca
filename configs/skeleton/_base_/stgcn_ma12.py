# ST-GCN on MA-12 skeletons: 2-D COCO keypoints with scores, e.g. from a
# pose estimator (MA-52's own pose release has another layout: give its
# graph as a dict, see docs/data_preparation.md). Point it at your pickle:
# one line each for the file, the split names, the classes, the labeled
# ratio and the graph.
_base_ = [
    '../../_base_/models/stgcn.py', '../../_base_/datasets/pose2d_semi.py',
    '../../_base_/schedules/skeleton_sgd_cosine.py',
    '../../_base_/default_runtime.py'
]

ann_file = 'data/ma12_pose/ma12.pkl'
train_split, val_split, test_split = 'train', 'val', 'test'
num_classes = 12
label_ratio = 0.5
graph_layout = 'coco'

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
