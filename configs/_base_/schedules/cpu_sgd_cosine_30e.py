# The CPU benchmarks' schedule: the demo's optimizer for 30 epochs.
_base_ = ['./demo_sgd_cosine.py']

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
