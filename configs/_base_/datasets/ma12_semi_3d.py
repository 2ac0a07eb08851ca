# MA-12 for 3-D backbones (X3D, SlowOnly, TimeSformer...): the same lists
# and augmentations as ma12_semi.py, but one 8-frame clip per video
# (frame interval 4) formatted NCTHW.
_base_ = ['./ma12_semi.py']

decode = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='SampleFrames', clip_len=8, frame_interval=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
]
weak_ops = [
    dict(type='RandomResizedCrop', area_range=(0.25, 1.0)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
]
strong_ops = weak_ops + [
    dict(type='TorchVisionWrapper', op='RandAugment', num_ops=2, magnitude=10),
    dict(type='RandomErasing', erase_prob=0.5),
]
format_3d = [dict(type='FormatShape', input_format='NCTHW')]
train_pipeline = decode + [
    dict(type='MultiView', weak=weak_ops + format_3d,
         strong=strong_ops + format_3d),
    {{_base_.pack_semi}},
]
labeled_train_pipeline = decode + weak_ops + format_3d + [
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(
        type='SampleFrames',
        clip_len=8,
        frame_interval=4,
        num_clips=1,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
