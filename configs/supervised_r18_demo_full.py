# Fully supervised reference on the demo dataset: every training clip
# labeled.
_base_ = ['./supervised_r18_demo.py']

train_dataloader = dict(dataset=dict(ann_file='data/demo/train.txt'))
