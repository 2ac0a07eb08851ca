# Pseudo-Label (Lee 2013): confident hard labels, ramped weight. A Table 1
# baseline on MA-12 with 50% of the training clips labeled; TSN ResNet-18,
# 8-frame clips, the data and schedule of FixMatch / APLT.
_base_ = [
    '../_base_/models/ssl_tsn_r18.py', '../_base_/datasets/ma12_semi.py',
    '../_base_/schedules/sgd_cosine_55e.py', '../_base_/default_runtime.py'
]

model = dict(
    algorithm=dict(
        type='PseudoLabel',
        threshold=0.95,
        unlabeled_weight=1.0,
        rampup_start=0.0,
        rampup_end=0.4))
