# SoftMatch (Chen et al. 2023) with ST-GCN on MSR Action3D skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='SoftMatch',
        ema_momentum=0.999,
        unlabeled_weight=1.0,
        uniform_alignment=True))
