# What the MSR Action3D Table 1 baselines share: TSN ResNet-18 from scratch
# in a SemiRecognizer, the MSR data and the CPU-sized 30-epoch schedule of
# the FixMatch / APLT benchmark. A baseline sets `model.algorithm`.
_base_ = [
    './models/ssl_tsn_r18.py', './datasets/msr3d_semi.py',
    './schedules/cpu_sgd_cosine_30e.py', './default_runtime.py'
]

model = dict(
    recognizer=dict(
        backbone=dict(pretrained=None),
        cls_head=dict(num_classes={{_base_.num_classes}})))
default_hooks = dict(logger=dict(interval=10))
