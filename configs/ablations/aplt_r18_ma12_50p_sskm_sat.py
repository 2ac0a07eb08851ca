# Table 3 "SSL + SSKM (S) + SAT": self-adaptive thresholds, no
# labeled-augmentation. (+ LA + SAT is the main config,
# configs/aplt_r18_ma12_50p.py.)
_base_ = ['../aplt_r18_ma12_50p.py']

custom_hooks = [
    dict(
        type='APLTOfflineHook',
        warmup_epochs=15,
        interval=10,
        clustering='seeded_kmeans',
        labeled_aug_copies=0,
        adaptive_threshold=True)
]
