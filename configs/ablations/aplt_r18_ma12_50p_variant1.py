# Table 5 "Variant I": no prototype classifier in training; the offline
# clustering pseudo-labels train the parametric classifier (cross-entropy
# on strong views), which also predicts at test time.
_base_ = ['../aplt_r18_ma12_50p.py']

model = dict(
    semi_train_cfg=dict(margin_weight=0.0, offline_ce_weight=1.0),
    semi_test_cfg=dict(predict_with='cls_head'))
