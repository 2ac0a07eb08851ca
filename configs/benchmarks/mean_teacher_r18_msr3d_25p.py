# MSR Action3D benchmark: Mean Teacher (Tarvainen & Valpola 2017), 25% labels,
# TSN ResNet-18 from scratch; the data and schedule of the FixMatch / APLT
# benchmark.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='MeanTeacher',
        ema_decay=0.999,
        unlabeled_weight=100.0,
        rampup_end=0.3))

custom_hooks = [dict(type='MeanTeacherHook')]
