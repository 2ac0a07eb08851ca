# APLT-robust with ST-GCN on MSR Action3D skeletons: aplt_stgcn_msr3d.py
# with the recommended offline phase (../_base_/labelers.py) and the
# training choices measured on two skeleton datasets (docs/benchmarks.md,
# "BatchNorm over the views"): the margin loss at a tenth of the paper's
# weight (at 1 it degrades the features of both classifiers) and one
# BatchNorm batch per view (labeled clips normalised with labeled
# statistics).
_base_ = ['./aplt_stgcn_msr3d.py']

model = dict(
    offline_labeler={{_base_.robust_labeler}},
    view_forward='per_view',
    semi_train_cfg=dict(margin_weight=0.1))
