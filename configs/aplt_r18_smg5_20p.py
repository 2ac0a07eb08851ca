# APLT on SMG-5 (5 classes, see tools/build_subset.py) with 20% of the
# training clips labeled; otherwise the MA-12 settings. Data, classes and
# ratio: _base_/datasets/smg5_semi.py (docs/data_preparation.md).
_base_ = [
    '_base_/models/aplt_tsn_r18.py', '_base_/datasets/smg5_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

num_classes = {{_base_.num_classes}}  # SMG-5's, from its dataset base
model = dict(
    recognizer=dict(cls_head=dict(num_classes=num_classes)))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
