# Table 3 "SSL + SSKM (S) + LA": with labeled-augmentation, no thresholding.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(offline_labeler=dict(selection='all'))
