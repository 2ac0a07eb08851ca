# Table 5 "Variant II": FixMatch training only (no margin loss); one offline
# phase after the last epoch builds the prototype classifier, which
# predicts at test time.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(semi_train_cfg=dict(margin_weight=0.0))
custom_hooks = [
    dict(
        type='APLTOfflineHook',
        warmup_epochs=55,
        interval=10,
        final_phase=True)
]
