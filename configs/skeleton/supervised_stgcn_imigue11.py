# Labeled-only ST-GCN on iMiGUE-11 skeletons: the labeled part of the
# semi-supervised split in the batches the semi-supervised runs draw
# (LabeledPartSampler), so it takes as many optimizer steps.
_base_ = ['./_base_/stgcn_imigue11.py']

train_dataloader = dict(
    batch_size={{_base_.labeled_batch_size}},
    sampler=dict(type='LabeledPartSampler'),
    batch_sampler=None,  # plain batches of labeled clips
    dataset=dict(pipeline={{_base_.labeled_train_pipeline}}))
