# MSR Action3D skeletons (real Kinect-v1 3-D joints, 20 actions) as a pose
# pickle (tools/data/skeleton_to_pose.py), cross-subject: train on subjects
# 1, 3, 5, 7, validate on 9, test on the even subjects. The labeled part is
# drawn from the training split at load time: `label_ratio` of every class
# (tools/make_split.py's rule) with `split_seed`; a run sets them with
# --cfg-options train_dataloader.dataset.label_ratio=0.5 ...split_seed=1.
_base_ = ['./pose_semi.py']

ann_file = 'data/msr3d_pose/msr3d.pkl'
train_split = 'xsub_train'
val_split = 'xsub_val'
test_split = 'xsub_test'
label_ratio = 0.25
num_classes = 20
# Kinect v1 (20 joints) as an MMAction2 graph:
# aplt_mm.skeleton.layouts.graph_layout(KINECT_V1_20, 'neck').
graph_layout = dict(
    num_node=20,
    inward=[(3, 6), (2, 3), (19, 2), (0, 2), (1, 2), (4, 6), (5, 6), (7, 0),
            (9, 7), (11, 9), (8, 1), (10, 8), (12, 10), (13, 4), (15, 13),
            (17, 15), (14, 5), (16, 14), (18, 16)],
    center=2)
# Limbs for RandomJointDropout: arm a, arm b, leg a, leg b.
limbs = [[7, 9, 11], [8, 10, 12], [13, 15, 17], [14, 16, 18]]

clip_len = 24

# "Decoding": centre on the head of the first frame, turn the body upright
# (hip centre -> neck along z, shoulder b -> a along x) and scale it to a
# unit hip-centre -> neck length (subjects' height, camera distance).
decode = [
    dict(type='PreNormalize3D', zaxis=[6, 2], xaxis=[1, 0]),
    dict(type='NormalizeBodySize', bone=(6, 2)),
]
sample = [
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
]
weak_ops = [
    dict(type='RandomSkeletonAffine', rotation=(10, 10, 20),
         scale=(0.9, 1.1), isotropic=True),
]
strong_ops = [
    dict(type='RandomTemporalCrop', ratio=(0.6, 1.)),
    dict(type='RandomSkeletonAffine', rotation=(20, 20, 45),
         scale=(0.8, 1.2), shear=0.3),
    dict(type='JointJitter', std=0.04),
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
# Labeled-only and fully supervised runs train on the weak view.
labeled_train_pipeline = decode + weak_ops + sample + [
    dict(type='PackActionInputs')
]
test_pipeline = decode + [
    dict(type='UniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs'),
]

# CPU-sized: one loader worker each.
train_dataloader = dict(
    num_workers=1,
    dataset=dict(
        ann_file=ann_file,
        split=train_split,
        label_ratio=label_ratio,
        num_classes=num_classes,
        pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(
        ann_file=ann_file,
        split=val_split,
        num_classes=num_classes,
        pipeline=test_pipeline))
test_dataloader = dict(
    num_workers=1,
    dataset=dict(
        ann_file=ann_file,
        split=test_split,
        num_classes=num_classes,
        pipeline=test_pipeline))
