# FixMatch on the demo dataset (25% labels), TSN ResNet-18 from scratch.
_base_ = [
    '_base_/models/ssl_tsn_r18.py', '_base_/datasets/demo_semi.py',
    '_base_/schedules/demo_sgd_cosine.py', '_base_/default_runtime.py'
]

model = dict(recognizer=dict(backbone=dict(pretrained=None)))
default_hooks = dict(logger=dict(interval=10))
