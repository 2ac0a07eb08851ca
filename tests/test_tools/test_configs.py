"""Every shipped config builds; backbone swaps train a step."""
import glob
import os.path as osp

import pytest
import torch
from mmaction.registry import HOOKS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from conftest import REPO_ROOT

CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)


def load(path):
    cfg = Config.fromfile(path)
    model = cfg.model.get('recognizer', cfg.model)
    # No downloads in tests: every backbone starts from scratch (GCNs take
    # no `pretrained`).
    if model.type != 'RecognizerGCN':
        model.backbone.pretrained = None
    if model.backbone.type == 'ResNetTSM':
        # ResNetTSM loads 2-D weights unless told not to, even without a URL.
        model.backbone.pretrained2d = False
    return cfg


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(
    p, osp.join(REPO_ROOT, 'configs')))
def test_config_builds(path):
    cfg = load(path)
    model = MODELS.build(cfg.model)
    assert model is not None
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)
    assert cfg.custom_imports.imports == ['aplt_mm']
    assert cfg.default_hooks.weights_only_checkpoint.type == \
        'WeightsOnlyCheckpointHook'
    # Every model is guarded against NaN losses, class-count mismatches
    # and inexact resumes.
    for name, hook in (('finite_loss', 'FiniteLossHook'),
                       ('data_contract', 'DataContractHook'),
                       ('random_state', 'RandomStateHook')):
        assert cfg.default_hooks[name].type == hook
        HOOKS.build(cfg.default_hooks[name])
    loader = cfg.train_dataloader
    if loader.sampler.type == 'SemiSupervisedSampler':
        assert loader.batch_sampler.type == 'SemiSupervisedBatchSampler'
        assert loader.batch_size == loader.sampler.labeled_batch_size * (
            1 + loader.sampler.unlabeled_ratio)


def semi_batch(input_shape, num_classes=12):
    """2 labeled + 2 unlabeled clips with uint8 weak and strong views."""
    g = torch.Generator().manual_seed(0)
    views = {
        name: [
            torch.randint(0, 255, input_shape, generator=g,
                          dtype=torch.uint8) for _ in range(4)
        ]
        for name in ('weak', 'strong')
    }
    samples = []
    for i in range(4):
        labeled = i < 2
        sample = ActionDataSample().set_gt_labels(i % num_classes if labeled
                                                  else -1)
        sample.set_metainfo(
            dict(is_labeled=labeled, unlabeled_index=-1 if labeled else i - 2,
                 true_label=i % num_classes))
        samples.append(sample)
    return dict(inputs=views, data_samples=samples)


# Tiny sizes so a CPU step takes seconds; the structure is the config's.
SWAPS = {
    'backbones/aplt_tsm_r18_ma12_50p.py': ((8, 3, 32, 32), {}),
    'backbones/aplt_x3d_s_ma12_50p.py': ((1, 3, 8, 32, 32), {}),
    'backbones/aplt_timesformer_ma12_50p.py': ((1, 3, 8, 32, 32), {
        'model.recognizer.backbone.img_size': 32,
        'model.recognizer.backbone.embed_dims': 64,
        'model.recognizer.backbone.num_heads': 2,
        'model.recognizer.backbone.num_transformer_layers': 1,
        'model.recognizer.cls_head.in_channels': 64,
        'model.prototype_head.in_channels': 64,
    }),
}


@pytest.mark.parametrize('name', sorted(SWAPS))
def test_backbone_swap_trains_warmup_and_online_steps(name):
    shape, options = SWAPS[name]
    cfg = load(osp.join(REPO_ROOT, 'configs', name))
    cfg.merge_from_dict(options)
    model = MODELS.build(cfg.model)
    model.init_weights()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.offline_schedule_attached = True  # as APLTOfflineHook does
    # Warm-up step: FixMatch only.
    log = model.train_step(semi_batch(shape), optim)
    assert {'loss_sup', 'loss_unsup'} <= set(log)
    assert 'loss_margin_sup' not in log
    # Online step: prototypes and pseudo-labels installed.
    dim = model.prototype_head.in_channels
    model.prototype_head.set_prototypes(torch.randn(12, dim))
    model.offline_labels = torch.tensor([3, -1])
    log = model.train_step(semi_batch(shape), optim)
    assert {'loss_margin_sup', 'loss_margin_unsup'} <= set(log)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log.values())
    # Test time: the prototype classifier scores a plain batch.
    model.eval()
    batch = semi_batch(shape)
    data = model.data_preprocessor(
        dict(inputs=batch['inputs']['weak'][:1],
             data_samples=batch['data_samples'][:1]), False)
    with torch.no_grad():
        pred = model.predict(data['inputs'], data['data_samples'])
    assert pred[0].pred_scores.item.shape == (12, )
