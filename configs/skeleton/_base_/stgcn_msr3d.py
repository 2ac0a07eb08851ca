# ST-GCN on MSR Action3D skeletons: the model bound to the dataset's graph
# and classes; every MSR skeleton config builds on it.
_base_ = [
    '../../_base_/models/stgcn.py', '../../_base_/datasets/msr3d_pose_semi.py',
    '../../_base_/schedules/skeleton_sgd_cosine.py',
    '../../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(
        graph_cfg=dict(
            _delete_=True,
            layout={{_base_.graph_layout}},
            mode='stgcn_spatial')),
    cls_head=dict(num_classes={{_base_.num_classes}}))
default_hooks = dict(logger=dict(interval=10))
