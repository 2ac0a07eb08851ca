# MA-12 (12 classes of MA-52, see tools/build_subset.py), semi-supervised.
# Layout under data/ma12/ (docs/data_preparation.md):
#   videos/                       clips; list paths are relative to it
#   ma12_{train,val,test}.txt     `<path> <label>` lists
#   splits/<ratio>/{labeled,unlabeled}.txt   tools/make_split.py output
data_root = 'data/ma12/videos'
ann_file_labeled = 'data/ma12/splits/50p/labeled.txt'
ann_file_unlabeled = 'data/ma12/splits/50p/unlabeled.txt'
ann_file_val = 'data/ma12/ma12_val.txt'
ann_file_test = 'data/ma12/ma12_test.txt'
num_classes = 12

# B_l labeled + mu * B_l unlabeled clips per batch and GPU.
labeled_batch_size = 8
unlabeled_ratio = 2

decode = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
]
# Weak augmentation: random resized crop + flip.
weak_ops = [
    dict(type='RandomResizedCrop', area_range=(0.25, 1.0)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
# Strong augmentation: weak + RandAugment (torchvision; one draw of ops and
# magnitudes for the whole clip, so every frame gets the same change) +
# random erasing (one rectangle for the whole clip).
strong_ops = weak_ops + [
    dict(type='TorchVisionWrapper', op='RandAugment', num_ops=2, magnitude=10),
    dict(type='RandomErasing', erase_prob=0.5),
]
format_2d = [dict(type='FormatShape', input_format='NCHW')]
train_pipeline = decode + [
    dict(type='MultiView', weak=weak_ops + format_2d,
         strong=strong_ops + format_2d),
    dict(
        type='PackActionInputs',
        collect_keys=('weak', 'strong'),
        meta_keys=('sample_idx', 'is_labeled', 'unlabeled_index',
                   'true_label', 'num_unlabeled')),
]
# The labeled-only baseline trains on the weak view.
labeled_train_pipeline = decode + weak_ops + format_2d + [
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(
        type='SampleFrames',
        clip_len=1,
        frame_interval=1,
        num_clips=8,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    batch_size=labeled_batch_size * (1 + unlabeled_ratio),
    num_workers=4,
    persistent_workers=True,
    sampler=dict(
        type='SemiSupervisedSampler',
        labeled_batch_size=labeled_batch_size,
        unlabeled_ratio=unlabeled_ratio),
    # Cuts batches at the sampler's labeled/unlabeled blocks and refuses a
    # batch_size other than labeled_batch_size * (1 + unlabeled_ratio).
    batch_sampler=dict(type='SemiSupervisedBatchSampler'),
    dataset=dict(
        type='SemiVideoDataset',
        ann_file=ann_file_labeled,
        unlabeled_ann_file=ann_file_unlabeled,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoListDataset',
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoListDataset',
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='MicroActionMetric')
test_evaluator = val_evaluator
