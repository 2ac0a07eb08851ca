# 3-D Kinect v2 skeletons (25 joints, MMAction2's `nturgb+d` layout; SMG) as a
# pose pickle: `keypoint` [M, T, 25, 3] in metres, missing joints 0.
# The pipelines (the loaders are pose_semi.py's); a dataset config
# (configs/skeleton/_base_/stgcn_smg5.py) sets the file, split names,
# classes, ratio and graph layout; see docs/data_preparation.md.
_base_ = ['./pose_semi.py']

clip_len = 24
num_person = 1

# Centre on the spine of the first frame, turn the body upright.
decode = [dict(type='PreNormalize3D')]
# Arms (with hands) and legs of the Kinect v2 layout, for limb dropout.
limbs = [[4, 5, 6, 7, 21, 22], [8, 9, 10, 11, 23, 24], [12, 13, 14, 15],
         [16, 17, 18, 19]]
sample = [
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=num_person),
]
weak_ops = [
    dict(type='RandomSkeletonAffine', rotation=(10, 10, 20),
         scale=(0.9, 1.1), isotropic=True),
]
strong_ops = [
    dict(type='RandomTemporalCrop', ratio=(0.6, 1.)),
    dict(type='RandomSkeletonAffine', rotation=(20, 20, 45),
         scale=(0.8, 1.2), shear=0.3),
    dict(type='JointJitter', std=0.02),
    dict(type='RandomJointDropout', joint_prob=0.1, parts=limbs,
         part_prob=0.3),
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
    dict(type='FormatGCNInput', num_person=num_person),
    dict(type='PackActionInputs'),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
