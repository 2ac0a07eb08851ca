# APLT with 2s-AGCN's adaptive graph backbone (MMAction2's AAGCN: learned
# and attention-weighted adjacency) on MSR Action3D skeletons; the rest as
# aplt_stgcn_msr3d.py.
_base_ = ['./aplt_stgcn_msr3d.py']

model = dict(
    recognizer=dict(
        backbone=dict(
            _delete_=True,
            type='AAGCN',
            graph_cfg=dict(layout={{_base_.graph_layout}}, mode='spatial'),
            in_channels=3,
            num_person=1,
            base_channels=16,
            num_stages=6,
            inflate_stages=[3, 5],
            down_stages=[3, 5])))
