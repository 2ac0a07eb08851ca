# MSR Action3D benchmark: Pseudo-Label (Lee 2013), 25% labels, TSN ResNet-18
# from scratch; the data and schedule of the FixMatch / APLT benchmark.
_base_ = ['../_base_/ssl_r18_msr3d.py']

model = dict(
    algorithm=dict(
        type='PseudoLabel',
        threshold=0.95,
        unlabeled_weight=1.0,
        rampup_start=0.0,
        rampup_end=0.4))
