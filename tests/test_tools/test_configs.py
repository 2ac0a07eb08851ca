"""Every shipped config builds; backbone swaps train a step."""
import glob
import os.path as osp

import pytest
import torch
from mmaction.registry import HOOKS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from conftest import REPO_ROOT, make_video_list

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


def cls_head(cfg):
    return cfg.model.get('recognizer', cfg.model).cls_head


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(
    p, osp.join(REPO_ROOT, 'configs')))
def test_one_class_count_per_config(path):
    """The model's heads and every loader take the dataset base's
    num_classes."""
    cfg = Config.fromfile(path)
    num_classes = cfg.num_classes
    assert cls_head(cfg).num_classes == num_classes
    if 'prototype_head' in cfg.model:
        assert cfg.model.prototype_head.get('num_classes',
                                            num_classes) == num_classes
    for split in ('train', 'val', 'test'):
        assert cfg[f'{split}_dataloader'].dataset.num_classes == num_classes


@pytest.mark.parametrize('name,base,num_classes', [
    ('aplt_r18_smg5_20p.py', 'smg5_semi.py', 5),
    ('aplt_r18_imigue11_30p.py', 'imigue11_semi.py', 11),
    ('benchmarks/aplt_r18_msr3d_25p.py', 'msr3d_semi.py', 20),
    ('aplt_r18_ma12_50p.py', 'ma12_semi.py', 12),
])
def test_class_count_comes_from_the_dataset_base(name, base, num_classes):
    base_cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', base))
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', name))
    assert base_cfg.num_classes == num_classes
    assert cls_head(cfg).num_classes == base_cfg.num_classes
    # The prototype head takes its classes from the cls_head.
    assert 'num_classes' not in cfg.model.prototype_head
    assert MODELS.build(cfg.model).prototype_head.num_classes == num_classes
    # The data too: the dataset base's lists and ratio.
    dataset = cfg.train_dataloader.dataset
    assert (dataset.ann_file, dataset.label_ratio) == (
        base_cfg.ann_file_train, base_cfg.label_ratio)


@pytest.fixture(scope='module')
def ratio_data(tmp_path_factory):
    """A training list of real mp4s, 5 / 6 / 7 clips of 3 classes."""
    root = str(tmp_path_factory.mktemp('ratio_configs'))
    ann = make_video_list(root, 'train', 7)
    with open(ann) as f:
        lines = f.readlines()
    keep = [line for line in lines if not line.startswith(
        ('train_0_5', 'train_0_6', 'train_1_6'))]
    with open(ann, 'w') as f:
        f.writelines(keep)
    return dict(ann=ann, videos=osp.join(root, 'videos'), num_classes=3)


def build_train_dataset(name, data, ratio=None):
    """The config's train dataset on ``data``, with the ratio given as
    ``--cfg-options`` text would give it."""
    from mmaction.registry import DATASETS
    from mmengine.config import DictAction
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', name))
    options = {
        'train_dataloader.dataset.ann_file': data['ann'],
        'train_dataloader.dataset.data_prefix.video': data['videos'],
        'train_dataloader.dataset.num_classes': data['num_classes'],
    }
    if ratio is not None:
        options['train_dataloader.dataset.label_ratio'] = \
            DictAction._parse_iterable(ratio)
    cfg.merge_from_dict(options)
    return DATASETS.build(cfg.train_dataloader.dataset)


@pytest.mark.parametrize('name,default', [('aplt_r18_ma12_50p.py', 0.5),
                                          ('fixmatch_r18_demo.py', 0.25),
                                          ('baselines/uda_r18_ma12_50p.py',
                                           0.5)])
def test_ratio_option_reaches_the_built_dataset(name, default, ratio_data,
                                                tmp_path):
    """``--cfg-options train_dataloader.dataset.label_ratio=R`` trains on
    make_split.py's split of ratio R; the labeled-only config of the same
    dataset keeps its labeled part."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'make_split', osp.join(REPO_ROOT, 'tools', 'make_split.py'))
    make_split = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_split)
    supervised = ('supervised_r18_demo.py' if 'demo' in name else
                  'supervised_r18_ma12_50p.py')
    for ratio in (None, '0.25', '0.4'):
        value = default if ratio is None else float(ratio)
        out = tmp_path / str(value)
        make_split.main(['--ann', ratio_data['ann'], '--ratio', str(value),
                         '--seed', '0', '--out-dir', str(out)])
        with open(out / 'labeled.txt') as f:
            labeled = [osp.join(ratio_data['videos'], line.split()[0])
                       for line in f if line.strip()]
        with open(out / 'unlabeled.txt') as f:
            unlabeled = [osp.join(ratio_data['videos'], line.split()[0])
                         for line in f if line.strip()]
        dataset = build_train_dataset(name, ratio_data, ratio)
        assert dataset.label_ratio == value
        assert [dataset.get_data_info(i)['filename']
                for i in range(len(dataset))] == labeled + unlabeled
        assert dataset.num_labeled == len(labeled)
        part = build_train_dataset(supervised, ratio_data, ratio)
        assert [part.get_data_info(i)['filename']
                for i in range(len(part))] == labeled


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
