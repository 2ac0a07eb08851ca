# Labeled-only baseline on MA-12 with 50% of the training clips labeled:
# TSN ResNet-18 trained on the labeled list with the weak augmentation.
_base_ = [
    '_base_/models/tsn_r18.py', '_base_/datasets/ma12_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

train_dataloader = dict(
    _delete_=True,
    batch_size={{_base_.labeled_batch_size}},
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VideoListDataset',
        ann_file={{_base_.ann_file_labeled}},
        data_prefix=dict(video={{_base_.data_root}}),
        num_classes={{_base_.num_classes}},
        pipeline={{_base_.labeled_train_pipeline}}))
