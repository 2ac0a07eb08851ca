# APLT paper, section 4.1: SGD (momentum 0.9, weight decay 5e-4), lr 0.002
# with cosine decay, 55 epochs (15 warm-up + 40).
max_epochs = 55
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.002, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=40, norm_type=2))

# The paper gives no batch size; lr 0.002 is used as is for the configs'
# batch. Enable to scale lr linearly with the total batch over all GPUs.
auto_scale_lr = dict(enable=False, base_batch_size=8)
