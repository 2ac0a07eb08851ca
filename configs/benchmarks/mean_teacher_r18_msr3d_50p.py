# MSR Action3D benchmark: Mean Teacher (Tarvainen & Valpola 2017), 50% labels.
_base_ = ['./mean_teacher_r18_msr3d_25p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/msr3d/splits/50p/labeled.txt',
        unlabeled_ann_file='data/msr3d/splits/50p/unlabeled.txt'))
