# MSR Action3D benchmark: FlexMatch (Zhang et al. 2021), 25% labels, TSN
# ResNet-18 from scratch; the data and schedule of the FixMatch / APLT
# benchmark.
# FlexMatch keeps no EMA; its threshold warm-up ends when the unlabeled
# clips have been predicted confidently, whatever the number of steps,
# so the schedule rule of the EMA baselines does not apply.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='FlexMatch',
        threshold=0.95,
        unlabeled_weight=1.0,
        threshold_warmup=True))
