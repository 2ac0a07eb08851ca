# Table 3 "SSL + KM": plain k-means pseudo-labels (clusters matched to
# classes on the labeled clips), no labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

custom_hooks = [
    dict(
        type='APLTOfflineHook',
        warmup_epochs=15,
        interval=10,
        clustering='kmeans',
        labeled_aug_copies=0,
        adaptive_threshold=False)
]
