# APLT on iMiGUE-11 (11 classes, see tools/build_subset.py) with 30% of the
# training clips labeled; otherwise the MA-12 settings. Data, classes and
# ratio: _base_/datasets/imigue11_semi.py (docs/data_preparation.md).
_base_ = [
    '_base_/models/aplt_tsn_r18.py', '_base_/datasets/imigue11_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

num_classes = {{_base_.num_classes}}  # iMiGUE-11's, from its dataset base
model = dict(
    recognizer=dict(cls_head=dict(num_classes=num_classes)))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
