# Labeled-only baseline on the demo dataset (25% labels), from scratch:
# the labeled part of the semi-supervised configs' split.
_base_ = [
    '_base_/models/tsn_r18.py', '_base_/datasets/demo_semi.py',
    '_base_/schedules/demo_sgd_cosine.py', '_base_/default_runtime.py'
]

model = dict(backbone=dict(pretrained=None))
default_hooks = dict(logger=dict(interval=10))
train_dataloader = dict(
    batch_size={{_base_.labeled_batch_size}},
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True),
    batch_sampler=None,  # plain batches of labeled clips
    # The dataset base's list, label_ratio and split_seed: its labeled part.
    dataset=dict(
        type='VideoListDataset', pipeline={{_base_.labeled_train_pipeline}}))
