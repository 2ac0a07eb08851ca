# Fully supervised reference on the demo dataset: every training clip
# labeled.
_base_ = ['./supervised_r18_demo.py']

# The whole training list: no labeled part drawn.
train_dataloader = dict(dataset=dict(label_ratio=None))
