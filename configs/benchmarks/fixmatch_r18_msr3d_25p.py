# MSR Action3D benchmark: FixMatch, 25% labels, TSN ResNet-18 from scratch
# (50%: --cfg-options train_dataloader.dataset.label_ratio=0.5).
_base_ = [
    '../_base_/models/ssl_tsn_r18.py', '../_base_/datasets/msr3d_semi.py',
    '../_base_/schedules/cpu_sgd_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    recognizer=dict(
        backbone=dict(pretrained=None),
        cls_head=dict(num_classes={{_base_.num_classes}})))
default_hooks = dict(logger=dict(interval=10))
