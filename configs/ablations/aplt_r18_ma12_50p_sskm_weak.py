# Table 3 "SSL + SSKM (W)": semi-supervised k-means; the margin loss trains
# on weak views. No labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(semi_train_cfg=dict(margin_view='weak'))
custom_hooks = [
    dict(
        type='APLTOfflineHook',
        warmup_epochs=15,
        interval=10,
        clustering='seeded_kmeans',
        labeled_aug_copies=0,
        adaptive_threshold=False)
]
