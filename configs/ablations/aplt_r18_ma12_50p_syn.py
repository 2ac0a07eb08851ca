# Table 4 "APLT, SYN": the prototype classifier's own online predictions on
# the weak view (confidence >= margin_threshold) train it every iteration,
# instead of the offline clustering labels. Prototypes are still rebuilt in
# the offline phases.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(semi_train_cfg=dict(margin_targets='online'))
