# Pseudo-Label (Lee 2013) on MA-12 with 40% of the training clips labeled.
_base_ = ['./pseudo_label_r18_ma12_50p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/ma12/splits/40p/labeled.txt',
        unlabeled_ann_file='data/ma12/splits/40p/unlabeled.txt'))
