# supervised_stgcn_msr3d.py with AAGCN as the backbone (see
# aplt_aagcn_msr3d.py).
_base_ = ['./supervised_stgcn_msr3d.py']

model = dict(
    backbone=dict(type='AAGCN', graph_cfg=dict(mode='spatial'), num_person=1))
