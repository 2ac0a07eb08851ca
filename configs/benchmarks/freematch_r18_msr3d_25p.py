# MSR Action3D benchmark: FreeMatch (Wang et al. 2023), 25% labels, TSN
# ResNet-18 from scratch; the data and schedule of the FixMatch / APLT
# benchmark.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='FreeMatch',
        ema_momentum=0.999,
        unlabeled_weight=1.0,
        fairness_weight=0.01))
