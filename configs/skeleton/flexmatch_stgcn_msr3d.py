# FlexMatch (Zhang et al. 2021) with ST-GCN on MSR Action3D skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']

model = dict(
    algorithm=dict(
        type='FlexMatch',
        threshold=0.95,
        unlabeled_weight=1.0,
        threshold_warmup=True))
