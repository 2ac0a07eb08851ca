# UDA (Xie et al. 2020): sharpened soft targets, TSA. A Table 1 baseline on
# MA-12 with 50% of the training clips labeled; TSN ResNet-18, 8-frame clips,
# the data and schedule of FixMatch / APLT.
_base_ = [
    '../_base_/models/ssl_tsn_r18.py', '../_base_/datasets/ma12_semi.py',
    '../_base_/schedules/sgd_cosine_55e.py', '../_base_/default_runtime.py'
]

model = dict(
    algorithm=dict(
        type='UDA',
        temperature=0.4,
        threshold=0.8,
        unlabeled_weight=1.0,
        tsa_schedule='linear'))
