# MSR Action3D benchmark: labeled-only TSN ResNet-18 (from scratch) on 25% of
# the cross-subject training clips.
_base_ = [
    '../_base_/models/tsn_r18.py', '../_base_/datasets/msr3d_semi.py',
    '../_base_/schedules/cpu_sgd_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(backbone=dict(pretrained=None), cls_head=dict(num_classes=20))
default_hooks = dict(logger=dict(interval=10))
train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VideoListDataset',
        ann_file={{_base_.ann_file_labeled}},
        data_prefix=dict(video={{_base_.data_root}}),
        num_classes={{_base_.num_classes}},
        pipeline={{_base_.labeled_train_pipeline}}))
