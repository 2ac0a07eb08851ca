# MSR Action3D benchmark: UDA (Xie et al. 2020), 25% labels, TSN ResNet-18 from
# scratch; the data and schedule of the FixMatch / APLT benchmark.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='UDA',
        temperature=0.4,
        threshold=0.8,
        unlabeled_weight=1.0,
        tsa_schedule='linear'))
