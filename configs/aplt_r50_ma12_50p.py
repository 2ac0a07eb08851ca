# APLT with a ResNet-50 backbone on MA-12, 50% labels (Table 1, right);
# other ratios: --cfg-options train_dataloader.dataset.label_ratio=0.25
_base_ = ['./aplt_r18_ma12_50p.py']

model = dict(
    recognizer=dict(
        backbone=dict(depth=50, pretrained='torchvision://resnet50'),
        cls_head=dict(in_channels=2048)))
