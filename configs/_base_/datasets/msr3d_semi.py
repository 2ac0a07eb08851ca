# MSR Action3D (real Kinect skeletons, 20 actions) rendered into 64x64
# videos by tools/data/skeleton_to_videos.py, cross-subject split (odd
# subjects train, even test). Validation uses clips carved from the
# training subjects, never the test list. Layout under data/msr3d/:
# videos/{train,test}/*.mp4, {train,test}.txt, classes.txt and
# splits/25p/{train,val}.txt, written by
#   tools/make_split.py --ann data/msr3d/train.txt --ratio 0.25 \
#       --val-ratio 0.1 --seed 0 --out-dir data/msr3d/splits/25p
# (val.txt: 10% of each class, train.txt: the rest; the same clips for
# every --ratio of seed 0). The labeled part is label_ratio of every class
# of that train.txt, drawn at load time with make_split.py's rule and
# split_seed 0: the clips it writes to labeled.txt at that --ratio.
# The demo's settings, but 8 frames per clip: the actions span 13-196
# frames, so 8 segments keep their temporal order readable where the
# demo's 4 suffice.
_base_ = ['./demo_semi.py']

data_root = 'data/msr3d'
ann_file_train = 'data/msr3d/splits/25p/train.txt'
ann_file_val = 'data/msr3d/splits/25p/val.txt'
ann_file_test = 'data/msr3d/test.txt'
num_classes = 20
label_ratio = 0.25

decode = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=8),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 56)),
]
# No flip: every subject performs the one-arm and one-leg actions with the
# same side, so a mirrored clip is one the test split never shows (labeled
# only: +3.5 top-1 on the 64 px render over 3 seeds, +14.5 on a 112 px
# render over 2; docs/benchmarks.md, "The video recipe").
weak_ops = [
    dict(type='RandomResizedCrop', area_range=(0.5, 1.0)),
    dict(type='Resize', scale=(48, 48), keep_ratio=False),
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
        num_clips=8,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 56)),
    dict(type='CenterCrop', crop_size=48),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_train,
        label_ratio=label_ratio,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        pipeline=test_pipeline))
