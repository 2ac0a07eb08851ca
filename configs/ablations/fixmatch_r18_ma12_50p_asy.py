# Table 4 "FixMatch, ASY": FixMatch whose pseudo-labels come from the
# parametric classifier in the offline phases (confidence >= 0.95) and stay
# fixed between them. No prototype classifier: APLTRecognizer only for
# its offline table.
_base_ = ['../fixmatch_r18_ma12_50p.py']

model = dict(
    type='APLTRecognizer',
    offline_labeler=dict(type='ClassifierLabeler', threshold=0.95),
    semi_train_cfg=dict(fixmatch_targets='offline', margin_weight=0.0))
custom_hooks = [dict(type='APLTOfflineHook', warmup_epochs=15, interval=10)]
