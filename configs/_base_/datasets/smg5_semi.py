# SMG-5 (5 classes of SMG, see tools/build_subset.py --dataset smg),
# semi-supervised: the paper's pipelines (video_semi.py) on these lists.
# Layout under data/smg5/, as MA-12's (docs/data_preparation.md):
#   videos/                       clips; list paths are relative to it
#   smg5_{train,val,test}.txt     `<path> <label>` lists
# The labeled part is label_ratio of every class of smg5_train.txt, drawn
# at load time with tools/make_split.py's rule and split_seed 0: the clips
# make_split.py --ratio 0.2 --seed 0 writes to labeled.txt.
_base_ = ['./video_semi.py']

data_root = 'data/smg5/videos'
ann_file_train = 'data/smg5/smg5_train.txt'
ann_file_val = 'data/smg5/smg5_val.txt'
ann_file_test = 'data/smg5/smg5_test.txt'
num_classes = 5
label_ratio = 0.2

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
