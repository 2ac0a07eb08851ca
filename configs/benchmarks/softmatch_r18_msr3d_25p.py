# MSR Action3D benchmark: SoftMatch (Chen et al. 2023), 25% labels, TSN
# ResNet-18 from scratch; the data and schedule of the FixMatch / APLT
# benchmark.
# The EMA momentum follows the schedule: its time constant is 5% of the
# run's optimizer steps T, m = 1 - 1 / (0.05 T) (ema_time_fraction, see
# scheduled_momentum); 0.999 assumes 10^5+ steps. The paper configs
# (configs/baselines/) keep the published 0.999.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='SoftMatch',
        ema_momentum=0.999,
        ema_time_fraction=0.05,
        unlabeled_weight=1.0,
        uniform_alignment=True))
