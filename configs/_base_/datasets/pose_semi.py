# The loaders every pose-pickle dataset shares (SemiPoseDataset for
# training, PoseListDataset for val/test, B_l labeled + mu * B_l unlabeled
# clips per batch). A modality base (pose2d_semi.py, kinect_v2_pose_semi.py,
# msr3d_pose_semi.py) adds its pipelines; a dataset config sets the file,
# split names, classes and ratio.
labeled_batch_size = 8
unlabeled_ratio = 2

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
    dataset=dict(type='SemiPoseDataset', split_seed=0))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseListDataset', test_mode=True))
test_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseListDataset', test_mode=True))
val_evaluator = dict(type='MicroActionMetric')
test_evaluator = val_evaluator
