# The built-in demo dataset (tools/make_demo_data.py): 12 procedural
# micro-actions rendered at 64x64. Sized for a 2-core CPU: 4 frames per
# clip (TSN segments) at 48x48, 2 workers. Layout under data/demo/:
#   videos/{train,val,test}/*.mp4, {train,val,test}.txt, classes.txt
# The labeled part is label_ratio of every class of train.txt, drawn at
# load time with tools/make_split.py's rule and split_seed 0: the clips
# make_split.py --ratio 0.25 --seed 0 writes to labeled.txt.
_base_ = ['./video_semi.py']

data_root = 'data/demo'
ann_file_train = 'data/demo/train.txt'
ann_file_val = 'data/demo/val.txt'
ann_file_test = 'data/demo/test.txt'
num_classes = 12
label_ratio = 0.25

# The pipelines of video_semi.py at the demo's scale.
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
    {{_base_.pack_semi}},
]
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
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_train,
        label_ratio=label_ratio,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline))
