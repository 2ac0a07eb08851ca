# MSR Action3D benchmark: SoftMatch (Chen et al. 2023), 50% labels.
_base_ = ['./softmatch_r18_msr3d_25p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/msr3d/splits/50p/labeled.txt',
        unlabeled_ann_file='data/msr3d/splits/50p/unlabeled.txt'))
