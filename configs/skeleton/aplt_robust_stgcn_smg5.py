# APLT-robust with ST-GCN on SMG-5 skeletons: the choices of
# aplt_robust_stgcn_msr3d.py (recommended offline options, margin weight
# 0.1, one BatchNorm batch per view) on aplt_stgcn_smg5.py.
_base_ = ['./aplt_stgcn_smg5.py']

model = dict(
    offline_labeler={{_base_.robust_labeler}},
    view_forward='per_view',
    semi_train_cfg=dict(margin_weight=0.1))
