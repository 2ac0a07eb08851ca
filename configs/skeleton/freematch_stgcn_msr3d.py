# FreeMatch (Wang et al. 2023) with ST-GCN on MSR Action3D skeletons.
# The EMA follows the schedule as in every MSR benchmark config: time
# constant 5% of the run's optimizer steps T, m = 1 - 1 / (0.05 T) (440
# steps: 0.955; ema_time_fraction, see scheduled_momentum).
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='FreeMatch',
        ema_momentum=0.999,
        ema_time_fraction=0.05,
        unlabeled_weight=1.0,
        fairness_weight=0.01))
