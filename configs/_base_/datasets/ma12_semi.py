# MA-12 (12 classes of MA-52, see tools/build_subset.py), semi-supervised:
# the paper's pipelines (video_semi.py) on these lists. Layout under
# data/ma12/ (docs/data_preparation.md):
#   videos/                       clips; list paths are relative to it
#   ma12_{train,val,test}.txt     `<path> <label>` lists
# The labeled part is label_ratio of every class of ma12_train.txt, drawn
# at load time with tools/make_split.py's rule and split_seed 0: the clips
# make_split.py --ratio 0.5 --seed 0 writes to labeled.txt.
_base_ = ['./video_semi.py']

data_root = 'data/ma12/videos'
ann_file_train = 'data/ma12/ma12_train.txt'
ann_file_val = 'data/ma12/ma12_val.txt'
ann_file_test = 'data/ma12/ma12_test.txt'
num_classes = 12
label_ratio = 0.5

train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_train,
        label_ratio=label_ratio,
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
val_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        num_classes=num_classes))
