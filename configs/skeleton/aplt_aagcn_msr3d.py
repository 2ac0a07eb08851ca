# APLT with 2s-AGCN's adaptive graph backbone (MMAction2's AAGCN: learned
# and attention-weighted adjacency) on MSR Action3D skeletons: ST-GCN's
# widths and strides, AAGCN's own graph mode, one person per clip (its
# input BatchNorm spans persons x channels x joints).
_base_ = ['./aplt_stgcn_msr3d.py']

model = dict(
    recognizer=dict(
        backbone=dict(
            type='AAGCN', graph_cfg=dict(mode='spatial'), num_person=1)))
