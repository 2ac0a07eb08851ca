# UDA (Xie et al. 2020) with ST-GCN on MSR Action3D skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='UDA',
        temperature=0.4,
        threshold=0.8,
        unlabeled_weight=1.0,
        tsa_schedule='linear'))
