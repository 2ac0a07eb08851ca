# Table 3 "SSL + KM": plain k-means pseudo-labels (clusters matched to
# classes on the labeled clips), no labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(
    offline_labeler=dict(
        clustering='kmeans', labeled_aug='off', selection='all'))
