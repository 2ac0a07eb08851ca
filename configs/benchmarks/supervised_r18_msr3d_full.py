# MSR Action3D benchmark: fully supervised reference, every training clip
# but the validation ones (splits/25p/train.txt, what make_split.py
# --val-ratio leaves after carving val.txt).
_base_ = ['./supervised_r18_msr3d_25p.py']

# The dataset base's training list, without drawing a labeled part.
train_dataloader = dict(dataset=dict(label_ratio=None))
