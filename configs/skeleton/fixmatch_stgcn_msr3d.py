# FixMatch with ST-GCN on MSR Action3D skeletons.
_base_ = ['./_base_/ssl_stgcn_msr3d.py']
