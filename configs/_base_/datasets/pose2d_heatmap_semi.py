# 2-D skeletons (pose-estimator keypoints in pixels, `keypoint_score`,
# `img_shape`: the pickle of pose2d_semi.py) as PoseC3D's joint heatmap
# volumes. Each view crops the clip to its body box (MMAction2's
# PoseCompact), resizes it and renders one Gaussian per joint and frame
# (GeneratePoseTarget), so joints drawn with score 0 (missing, dropped)
# leave no trace. The loaders are pose_semi.py's.
#
# Weak view: MMAction2's PoseC3D training augmentation without the flip
# (micro-action classes are often left/right specific; add
# Flip(left_kp=..., right_kp=...) where they are not). Strong view: the
# skeleton strong ops of pose2d_semi.py in image terms: a temporal crop,
# rotation / shear before the box is cut (so the crop follows the body),
# a wider crop, then joint jitter in heatmap pixels (of the 56-px box) and
# joint dropout.
_base_ = ['./pose_semi.py']

clip_len = 48
heatmap_size = 56

box = [
    dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
    dict(type='Resize', scale=(-1, 64)),
]
render = [
    dict(type='GeneratePoseTarget', sigma=0.6, use_score=True, with_kp=True,
         with_limb=False),
    dict(type='FormatShape', input_format='NCTHW_Heatmap'),
]
sample = [dict(type='UniformSampleFrames', clip_len=clip_len),
          dict(type='PoseDecode')]
weak_ops = sample + box + [
    dict(type='RandomResizedCrop', area_range=(0.56, 1.0)),
    dict(type='Resize', scale=(heatmap_size, heatmap_size), keep_ratio=False),
] + render
strong_ops = [dict(type='RandomTemporalCrop', ratio=(0.6, 1.))] + sample + [
    dict(type='RandomSkeletonAffine', rotation=(0, 0, 30), scale=(0.8, 1.2),
         shear=0.3),
] + box + [
    dict(type='RandomResizedCrop', area_range=(0.3, 1.0)),
    dict(type='Resize', scale=(heatmap_size, heatmap_size), keep_ratio=False),
    dict(type='JointJitter', std=1.0),
    dict(type='RandomJointDropout', joint_prob=0.15),
] + render
train_pipeline = [
    dict(type='MultiView', weak=weak_ops, strong=strong_ops),
    dict(
        type='PackActionInputs',
        collect_keys=('weak', 'strong'),
        meta_keys=('sample_idx', 'is_labeled', 'unlabeled_index',
                   'true_label', 'num_unlabeled')),
]
labeled_train_pipeline = weak_ops + [dict(type='PackActionInputs')]
test_pipeline = [
    dict(type='UniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
] + box + [
    dict(type='CenterCrop', crop_size=64),
] + render + [dict(type='PackActionInputs')]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
