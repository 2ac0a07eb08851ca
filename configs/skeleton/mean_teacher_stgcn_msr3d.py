# Mean Teacher (Tarvainen & Valpola 2017) with ST-GCN on MSR Action3D
# skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='MeanTeacher',
        ema_decay=0.999,
        unlabeled_weight=100.0,
        rampup_end=0.3))
custom_hooks = [dict(type='MeanTeacherHook')]
