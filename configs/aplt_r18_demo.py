# APLT on the demo dataset (25% labels), TSN ResNet-18 from scratch: the
# README's quick start. The paper's schedule shrunk to 12 epochs: warm-up 4,
# offline phases after epochs 4, 7 and 10.
_base_ = [
    '_base_/models/aplt_tsn_r18.py', '_base_/datasets/demo_semi.py',
    '_base_/schedules/demo_sgd_cosine.py', '_base_/default_runtime.py'
]

model = dict(recognizer=dict(backbone=dict(pretrained=None)))
default_hooks = dict(logger=dict(interval=10))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=4, interval=3)]
