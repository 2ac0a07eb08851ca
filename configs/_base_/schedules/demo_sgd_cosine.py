# A CPU-sized schedule for the demo: the paper's optimizer, but from scratch
# (no pretrained weights here), so a higher lr and fewer epochs.
_base_ = ['./sgd_cosine_55e.py']

max_epochs = 12
train_cfg = dict(max_epochs=max_epochs, val_interval=4)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
