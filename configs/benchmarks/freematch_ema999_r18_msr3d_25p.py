# freematch_r18_msr3d_25p with the published EMA momentum (0.999,
# fixed) instead of the one scaled to the schedule: the second row of the
# baseline table.
_base_ = ['./freematch_r18_msr3d_25p.py']

model = dict(algorithm=dict(ema_time_fraction=None))
