# MSR Action3D benchmark: fully supervised reference, every training clip
# but the validation ones (splits/25p/train.txt, what make_split.py
# --val-ratio leaves after carving val.txt).
_base_ = ['./supervised_r18_msr3d_25p.py']

train_dataloader = dict(
    dataset=dict(ann_file='data/msr3d/splits/25p/train.txt'))
