# The semi-supervised wrapper around TSN ResNet-18: `model.algorithm`
# selects the algorithm (FixMatch: the APLT paper's warm-up method and
# Table 1 baseline; PseudoLabel, MeanTeacher, UDA, FlexMatch, FreeMatch,
# SoftMatch); swap the backbone (and head) of `model.recognizer` to use
# another MMAction2 recognizer.
_base_ = ['./tsn_r18.py']

model = dict(
    _delete_=True,
    type='SemiRecognizer',
    recognizer={{_base_.model}},
    # Only `type` here: a child's algorithm dict merges into this one, so
    # options of another algorithm would leak into it.
    algorithm=dict(type='FixMatch'),
    data_preprocessor=dict(
        type='MultiViewDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
