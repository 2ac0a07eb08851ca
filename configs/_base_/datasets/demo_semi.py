# The built-in demo dataset (tools/make_demo_data.py): 12 procedural
# micro-actions rendered at 64x64. Sized for a 2-core CPU: 4 frames per
# clip (TSN segments) at 48x48. Layout under data/demo/:
#   videos/{train,val,test}/*.mp4, {train,val,test}.txt, classes.txt,
#   splits/<ratio>/{labeled,unlabeled}.txt (tools/make_split.py)
data_root = 'data/demo'
ann_file_labeled = 'data/demo/splits/25p/labeled.txt'
ann_file_unlabeled = 'data/demo/splits/25p/unlabeled.txt'
ann_file_val = 'data/demo/val.txt'
ann_file_test = 'data/demo/test.txt'
num_classes = 12

labeled_batch_size = 8
unlabeled_ratio = 2

decode = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=4),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 56)),
]
weak_ops = [
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(48, 48), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
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
        num_clips=4,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 56)),
    dict(type='CenterCrop', crop_size=48),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    batch_size=labeled_batch_size * (1 + unlabeled_ratio),
    num_workers=2,
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
    batch_size=16,
    num_workers=2,
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
    batch_size=16,
    num_workers=2,
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
