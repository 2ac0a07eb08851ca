# MSR Action3D benchmark: Pseudo-Label (Lee 2013), 50% labels.
_base_ = ['./pseudo_label_r18_msr3d_25p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/msr3d/splits/50p/labeled.txt',
        unlabeled_ann_file='data/msr3d/splits/50p/unlabeled.txt'))
