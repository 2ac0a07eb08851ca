# Table 3 "SSL + SSKM (S)": semi-supervised k-means; the margin loss trains
# on strong views. No labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

custom_hooks = [
    dict(
        type='APLTOfflineHook',
        warmup_epochs=15,
        interval=10,
        clustering='seeded_kmeans',
        labeled_aug_copies=0,
        adaptive_threshold=False)
]
