# APLT on SMG-5 (5 classes, see tools/build_subset.py) with 20% of the
# training clips labeled; otherwise the MA-12 settings. Data under
# data/smg5/ in the MA-12 layout (docs/data_preparation.md).
_base_ = ['./aplt_r18_ma12_50p.py']

data_root = 'data/smg5/videos'
num_classes = 5
model = dict(
    recognizer=dict(cls_head=dict(num_classes=num_classes)))
train_dataloader = dict(
    dataset=dict(
        ann_file='data/smg5/splits/20p/labeled.txt',
        unlabeled_ann_file='data/smg5/splits/20p/unlabeled.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
val_dataloader = dict(
    dataset=dict(
        ann_file='data/smg5/smg5_val.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
test_dataloader = dict(
    dataset=dict(
        ann_file='data/smg5/smg5_test.txt',
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
