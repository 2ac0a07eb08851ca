# 2-D skeletons from a pose estimator (OpenPose, COCO keypoints) as a pose
# pickle: `keypoint` [M, T, V, 2] in pixels, `keypoint_score` [M, T, V] and
# `img_shape` (h, w) per clip, as MMAction2's pose extraction writes them.
# The pipelines (the loaders are pose_semi.py's); a dataset config
# (configs/skeleton/_base_/stgcn_{ma12,imigue11}.py) sets the file, split
# names, classes, ratio and graph layout; see docs/data_preparation.md.
_base_ = ['./pose_semi.py']

clip_len = 24
num_person = 1

# Pixels to [-1, 1] about the image centre (img_shape of each clip).
decode = [dict(type='PreNormalize2D')]
# The score joins x, y as a third channel.
sample = [
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='FormatGCNInput', num_person=num_person),
]
weak_ops = [
    dict(type='RandomSkeletonAffine', rotation=(0, 0, 10),
         scale=(0.9, 1.1), isotropic=True),
]
strong_ops = [
    dict(type='RandomTemporalCrop', ratio=(0.6, 1.)),
    dict(type='RandomSkeletonAffine', rotation=(0, 0, 30),
         scale=(0.8, 1.2), shear=0.3),
    dict(type='JointJitter', std=0.01),
    dict(type='RandomJointDropout', joint_prob=0.15),
]
train_pipeline = decode + [
    dict(type='MultiView', weak=weak_ops + sample, strong=strong_ops + sample),
    dict(
        type='PackActionInputs',
        collect_keys=('weak', 'strong'),
        meta_keys=('sample_idx', 'is_labeled', 'unlabeled_index',
                   'true_label', 'num_unlabeled')),
]
labeled_train_pipeline = decode + weak_ops + sample + [
    dict(type='PackActionInputs')
]
test_pipeline = decode + [
    dict(type='UniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='GenSkeFeat', dataset='coco', feats=['j']),
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
