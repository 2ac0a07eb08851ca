# MSR Action3D benchmark: SoftMatch (Chen et al. 2023), 25% labels, TSN
# ResNet-18 from scratch; the data and schedule of the FixMatch / APLT
# benchmark.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='SoftMatch',
        ema_momentum=0.999,
        unlabeled_weight=1.0,
        uniform_alignment=True))
