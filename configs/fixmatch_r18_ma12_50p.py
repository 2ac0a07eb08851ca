# FixMatch (the APLT paper's warm-up method and Table 1 baseline) on MA-12
# with 50% of the training clips labeled; TSN ResNet-18, 8-frame clips.
# Other ratios: --cfg-options train_dataloader.dataset.label_ratio=0.25
_base_ = [
    '_base_/models/ssl_tsn_r18.py', '_base_/datasets/ma12_semi.py',
    '_base_/schedules/sgd_cosine_55e.py', '_base_/default_runtime.py'
]
