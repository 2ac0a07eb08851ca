# UDA (Xie et al. 2020) on MA-12 with 25% of the training clips labeled.
_base_ = ['./uda_r18_ma12_50p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/ma12/splits/25p/labeled.txt',
        unlabeled_ann_file='data/ma12/splits/25p/unlabeled.txt'))
