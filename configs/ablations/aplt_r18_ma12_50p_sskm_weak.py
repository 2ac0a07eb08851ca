# Table 3 "SSL + SSKM (W)": semi-supervised k-means; the margin loss trains
# on weak views. No labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(
    offline_labeler=dict(labeled_aug='off', selection='all'),
    semi_train_cfg=dict(margin_view='weak'))
