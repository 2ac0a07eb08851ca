# APLT with a ResNet-50 backbone on MA-12, 10% labels.
_base_ = ['./aplt_r50_ma12_50p.py']

train_dataloader = dict(
    dataset=dict(
        ann_file='data/ma12/splits/10p/labeled.txt',
        unlabeled_ann_file='data/ma12/splits/10p/unlabeled.txt'))
