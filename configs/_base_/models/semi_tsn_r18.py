# The semi-supervised wrapper around TSN ResNet-18: swap the backbone (and
# head) of `model.recognizer` to use another MMAction2 recognizer.
_base_ = ['./tsn_r18.py']

model = dict(
    _delete_=True,
    type='APLTRecognizer',
    recognizer={{_base_.model}},
    # FixMatch: no prototype classifier, so no margin loss.
    semi_train_cfg=dict(
        fixmatch_threshold=0.95, unlabeled_weight=1.0, margin_weight=0.0),
    semi_test_cfg=dict(predict_with='cls_head'),
    data_preprocessor=dict(
        type='MultiViewDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))
