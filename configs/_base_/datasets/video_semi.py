# What every semi-supervised video dataset shares: the batch mix, the
# paper's TSN pipelines (8 segments of 1 frame at 224x224) and the three
# loaders. A dataset file (ma12_semi.py, smg5_semi.py...) inherits this
# and states once, as top-level keys:
#   data_root        dir the list paths are relative to
#   ann_file_train   the full labeled training list (`<path> <label>`)
#   ann_file_val     validation list
#   ann_file_test    test list
#   num_classes      number of classes; a config combining a model with
#                    the dataset passes it to the model's cls_head
#   label_ratio      labeled fraction of every class of ann_file_train,
#                    drawn at load time with tools/make_split.py's rule
# and fills them into the loaders (the loaders here are built before a
# child's keys exist). A run changes the ratio or the draw with
#   --cfg-options train_dataloader.dataset.label_ratio=0.25 \
#       train_dataloader.dataset.split_seed=1
# or trains on two lists of its own (an official split) with
#   train_dataloader.dataset.ann_file=LABELED.txt \
#   train_dataloader.dataset.unlabeled_ann_file=UNLABELED.txt \
#   train_dataloader.dataset.label_ratio=None

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
# The meta keys every semi-supervised component reads (SemiVideoDataset).
pack_semi = dict(
    type='PackActionInputs',
    collect_keys=('weak', 'strong'),
    meta_keys=('sample_idx', 'is_labeled', 'unlabeled_index', 'true_label',
               'num_unlabeled'))
train_pipeline = decode + [
    dict(type='MultiView', weak=weak_ops + format_2d,
         strong=strong_ops + format_2d),
    pack_semi,
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
    # ann_file, label_ratio, data_prefix, num_classes: the dataset file's.
    dataset=dict(
        type='SemiVideoDataset', split_seed=0, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoListDataset', pipeline=test_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VideoListDataset', pipeline=test_pipeline, test_mode=True))

val_evaluator = dict(type='MicroActionMetric')
test_evaluator = val_evaluator
