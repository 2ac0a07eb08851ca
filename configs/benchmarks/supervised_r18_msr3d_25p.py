# MSR Action3D benchmark: labeled-only TSN ResNet-18 (from scratch) on 25% of
# the cross-subject training clips (the labeled part of the semi-supervised
# configs' split; 50%: --cfg-options train_dataloader.dataset.label_ratio=0.5).
_base_ = [
    '../_base_/models/tsn_r18.py', '../_base_/datasets/msr3d_semi.py',
    '../_base_/schedules/cpu_sgd_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(pretrained=None),
    cls_head=dict(num_classes={{_base_.num_classes}}))
default_hooks = dict(logger=dict(interval=10))
train_dataloader = dict(
    batch_size={{_base_.labeled_batch_size}},
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True),
    batch_sampler=None,  # plain batches of labeled clips
    # The dataset base's list, label_ratio and split_seed: its labeled part.
    dataset=dict(
        type='VideoListDataset', pipeline={{_base_.labeled_train_pipeline}}))
