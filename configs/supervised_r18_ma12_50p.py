# Labeled-only baseline on MA-12 with 50% of the training clips labeled:
# TSN ResNet-18 trained on the labeled part of the split (the clips the
# semi-supervised configs label) with the weak augmentation. Other ratios:
# --cfg-options train_dataloader.dataset.label_ratio=0.25 (0.1, 0.4...).
_base_ = [
    '_base_/models/tsn_r18.py', '_base_/datasets/ma12_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

train_dataloader = dict(
    batch_size={{_base_.labeled_batch_size}},
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True),
    batch_sampler=None,  # plain batches of labeled clips
    # The dataset base's list, label_ratio and split_seed: its labeled part.
    dataset=dict(
        type='VideoListDataset', pipeline={{_base_.labeled_train_pipeline}}))
