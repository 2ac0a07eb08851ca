# APLT-robust with ST-GCN on MSR Action3D skeletons: aplt_stgcn_msr3d.py
# with the recommended offline phase (../_base_/labelers.py).
_base_ = ['./aplt_stgcn_msr3d.py']

model = dict(offline_labeler={{_base_.robust_labeler}})
