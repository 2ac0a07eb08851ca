# iMiGUE-11 (11 classes of iMiGUE, see tools/build_subset.py --dataset
# imigue), semi-supervised: the paper's pipelines (video_semi.py) on these
# lists. Layout under data/imigue11/, as MA-12's (docs/data_preparation.md):
#   videos/                           clips; list paths are relative to it
#   imigue11_{train,val,test}.txt     `<path> <label>` lists
# The labeled part is label_ratio of every class of imigue11_train.txt,
# drawn at load time with tools/make_split.py's rule and split_seed 0: the
# clips make_split.py --ratio 0.3 --seed 0 writes to labeled.txt.
_base_ = ['./video_semi.py']

data_root = 'data/imigue11/videos'
ann_file_train = 'data/imigue11/imigue11_train.txt'
ann_file_val = 'data/imigue11/imigue11_val.txt'
ann_file_test = 'data/imigue11/imigue11_test.txt'
num_classes = 11
label_ratio = 0.3

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
