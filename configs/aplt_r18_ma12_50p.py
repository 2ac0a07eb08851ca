# APLT on MA-12 with 50% of the training clips labeled (paper, section 4.1):
# TSN ResNet-18, 8-frame clips, FixMatch warm-up for 15 epochs, then an
# offline phase (SSKM + labeled-augmentation + self-adaptive thresholds)
# every 10 epochs, 55 epochs in all; the prototype classifier predicts.
# Other label ratios (Table 1: 10, 25, 40%) are the dataset option, e.g.
#   --cfg-options train_dataloader.dataset.label_ratio=0.25
_base_ = [
    '_base_/models/aplt_tsn_r18.py', '_base_/datasets/ma12_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]

custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
