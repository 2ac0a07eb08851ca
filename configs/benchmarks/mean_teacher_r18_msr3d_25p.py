# MSR Action3D benchmark: Mean Teacher (Tarvainen & Valpola 2017), 25% labels,
# TSN ResNet-18
# from scratch; the data and schedule of the FixMatch / APLT benchmark.
_base_ = [
    '../_base_/models/ssl_tsn_r18.py', '../_base_/datasets/msr3d_semi.py',
    '../_base_/schedules/cpu_sgd_cosine_30e.py', '../_base_/default_runtime.py'
]

model = dict(
    recognizer=dict(
        backbone=dict(pretrained=None), cls_head=dict(num_classes=20)),
    algorithm=dict(
        type='MeanTeacher',
        ema_decay=0.999,
        unlabeled_weight=100.0,
        rampup_end=0.3))
default_hooks = dict(logger=dict(interval=10))

custom_hooks = [dict(type='MeanTeacherHook')]
