# MSR Action3D benchmark: fully supervised reference (all training clips).
_base_ = ['./supervised_r18_msr3d_25p.py']

train_dataloader = dict(dataset=dict(ann_file='data/msr3d/train.txt'))
