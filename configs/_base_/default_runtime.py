# Runtime shared by every aplt_mm config (MMAction2's defaults, plus the
# plugin import and a fixed seed so runs and the semi-supervised sampler are
# reproducible).
default_scope = 'mmaction'
custom_imports = dict(imports=['aplt_mm'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', interval=1, save_best='auto',
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # Keeps checkpoints loadable by torch.load(weights_only=True), torch
    # >= 2.6's default, so --resume and tools/test.py need no unsafe loading.
    weights_only_checkpoint=dict(type='WeightsOnlyCheckpointHook'),
    # Stops any model on a NaN/inf loss, before a checkpoint is saved.
    finite_loss=dict(type='FiniteLossHook'),
    # Compares the model's and the data's class counts (and the semi-
    # supervised batch composition) before the first iteration.
    data_contract=dict(type='DataContractHook'),
    # Random states in checkpoints: --resume continues bit for bit.
    random_state=dict(type='RandomStateHook'))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # tools/train.py and tools/test.py switch to gloo on machines without
    # CUDA.
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)

randomness = dict(seed=0, diff_rank_seed=False, deterministic=False)

log_level = 'INFO'
load_from = None
resume = False
