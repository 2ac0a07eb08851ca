# MSR Action3D benchmark: labeled-only, 50% labels.
_base_ = ['./supervised_r18_msr3d_25p.py']

train_dataloader = dict(
    dataset=dict(ann_file='data/msr3d/splits/50p/labeled.txt'))
