# APLT on iMiGUE-11 (11 classes, see tools/build_subset.py) with 30% of the
# training clips labeled; otherwise the MA-12 settings. Data under
# data/imigue11/ in the MA-12 layout (docs/data_preparation.md).
_base_ = ['./aplt_r18_ma12_50p.py']

data_root = 'data/imigue11/videos'
num_classes = 11
model = dict(
    recognizer=dict(cls_head=dict(num_classes=num_classes)))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/imigue11/splits/30p/labeled.txt',
        unlabeled_ann_file='data/imigue11/splits/30p/unlabeled.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/imigue11/imigue11_val.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
test_dataloader = dict(
    dataset=dict(
        ann_file='data/imigue11/imigue11_test.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
