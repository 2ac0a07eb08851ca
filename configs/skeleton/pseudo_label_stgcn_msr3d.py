# Pseudo-Label (Lee 2013) with ST-GCN on MSR Action3D skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='PseudoLabel',
        threshold=0.95,
        unlabeled_weight=1.0,
        rampup_start=0.0,
        rampup_end=0.4))
