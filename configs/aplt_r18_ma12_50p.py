# APLT on MA-12 with 50% of the training clips labeled (paper, section 4.1):
# TSN ResNet-18, 8-frame clips, FixMatch warm-up for 15 epochs, then an
# offline phase (SSKM + labeled-augmentation + self-adaptive thresholds)
# every 10 epochs, 55 epochs in all; the prototype classifier predicts.
_base_ = [
    '_base_/models/aplt_tsn_r18.py', '_base_/datasets/ma12_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
