# MSR Action3D benchmark: APLT, 25% labels, TSN ResNet-18 from scratch. The
# paper's schedule scaled to 30 epochs: warm-up 10, a phase every 5. 50%:
# --cfg-options train_dataloader.dataset.label_ratio=0.5 (as for every
# MSR benchmark config; tools/benchmark.py sets the split of each run).
_base_ = [
    '../_base_/models/aplt_tsn_r18.py', '../_base_/datasets/msr3d_semi.py',
    '../_base_/schedules/cpu_sgd_cosine_30e.py',
    '../_base_/default_runtime.py'
]

model = dict(
    recognizer=dict(
        backbone=dict(pretrained=None),
        cls_head=dict(num_classes={{_base_.num_classes}})))
default_hooks = dict(logger=dict(interval=10))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=10, interval=5)]
