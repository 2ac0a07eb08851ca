# APLT = the semi-supervised TSN ResNet-18 + a prototype classifier trained
# with the margin loss (Eq. 6-9), predicting at test time (section 3.5).
# Offline phases label with the paper's options (../labelers.py).
_base_ = ['./semi_tsn_r18.py', '../labelers.py']

model = dict(
    prototype_head=dict(
        type='PrototypeHead',
        num_classes=12,
        in_channels=512,
        normalize=True,
        temperature=0.1),
    offline_labeler={{_base_.paper_labeler}},
    semi_train_cfg=dict(
        margin_weight=1.0, margin_view='strong', margin_targets='offline'),
    semi_test_cfg=dict(predict_with='prototype_head'))
