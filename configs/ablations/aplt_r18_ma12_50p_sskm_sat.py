# Table 3 "SSL + SSKM (S) + SAT": self-adaptive thresholds, no
# labeled-augmentation. (+ LA + SAT is the main config,
# configs/aplt_r18_ma12_50p.py.)
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(offline_labeler=dict(labeled_aug='off'))
