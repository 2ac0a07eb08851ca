# APLT = the semi-supervised TSN ResNet-18 (FixMatch, Eq. 1-2) + a
# prototype classifier trained with the margin loss (Eq. 6-9), predicting
# at test time (section 3.5). The prototype head takes its classes and
# feature width from the wrapped cls_head. Offline phases label with the
# paper's options (../labelers.py).
_base_ = ['./ssl_tsn_r18.py', '../labelers.py']

model = dict(
    type='APLTRecognizer',
    prototype_head=dict(
        type='PrototypeHead', normalize=True, temperature=0.1),
    offline_labeler={{_base_.paper_labeler}},
    semi_train_cfg=dict(
        margin_weight=1.0, margin_view='strong', margin_targets='offline'),
    semi_test_cfg=dict(predict_with='prototype_head'))
