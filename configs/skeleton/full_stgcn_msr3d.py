# Fully supervised ST-GCN on MSR Action3D (every training clip labeled): the
# reference the semi-supervised runs approach.
_base_ = ['./_base_/stgcn_msr3d.py']

train_dataloader = dict(
    _delete_=True,
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='PoseListDataset',
        ann_file={{_base_.ann_file}},
        split={{_base_.train_split}},
        num_classes={{_base_.num_classes}},
        pipeline={{_base_.labeled_train_pipeline}}))
# Twice the semi-supervised runs' 40 epochs: at 40, one seed of three
# underfit its training clips (docs/skeleton_recipe.md, three seeds each).
train_cfg = dict(max_epochs=80)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=80,
        eta_min=0,
        by_epoch=True,
        convert_to_iter_based=True)
]
