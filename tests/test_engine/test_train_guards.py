"""Runs that would finish with wrong results stop with a clear error."""
import glob
import os.path as osp
import shutil

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from aplt_mm.datasets import VideoListDataset
from aplt_mm.engine.hooks.data_contract_hook import data_class_count
from aplt_mm.engine.runtime import unknown_key_warnings
from conftest import REPO_ROOT, run_tool, tiny_cfg_options
from conftest import FIXMATCH, SUPERVISED, semi_options

# Its module fixture trains once: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group('train_guards')


def supervised_options(data, work_dir, max_epochs=1):
    return tiny_cfg_options(data, work_dir, max_epochs) + [
        f'train_dataloader.dataset.ann_file={data["labeled"]}',
        f'model.cls_head.num_classes={data["num_classes"]}',
        'train_dataloader.batch_size=3',
    ]


@pytest.fixture(scope='module')
def supervised_ckpt(tiny_data, tmp_path_factory):
    """A labeled-only checkpoint of one epoch (3 classes)."""
    work_dir = tmp_path_factory.mktemp('supervised') / 'work'
    run_tool(['tools/train.py', SUPERVISED, '--cfg-options',
              *supervised_options(tiny_data, work_dir)])
    return str(work_dir / 'epoch_1.pth')


def test_labeled_only_run_stops_on_nan_without_a_checkpoint(
        tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    proc = run_tool(['tools/train.py', SUPERVISED, '--cfg-options',
                     *supervised_options(tiny_data, work_dir, max_epochs=2),
                     'optim_wrapper.optimizer.lr=1e30'],
                    check=False)
    assert proc.returncode != 0
    assert 'FloatingPointError: loss' in proc.stderr
    assert 'training diverged. Lower the learning rate ' \
        '(optim_wrapper.optimizer.lr)' in proc.stderr
    assert not glob.glob(str(work_dir / '*.pth'))


@pytest.mark.parametrize('config, options, message', [
    (SUPERVISED, ['model.cls_head.num_classes=2'],
     'model.cls_head.num_classes=2 but train_dataloader.dataset.num_classes '
     'is 3'),
    (FIXMATCH, ['model.recognizer.cls_head.num_classes=4'],
     'model.recognizer.cls_head.num_classes=4 but '
     'train_dataloader.dataset.num_classes is 3'),
])
def test_model_and_data_class_counts_are_compared(tiny_data, tmp_path,
                                                  config, options, message):
    work_dir = tmp_path / 'work'
    opts = (supervised_options(tiny_data, work_dir) if config == SUPERVISED
            else semi_options(tiny_data, work_dir, 1))
    proc = run_tool(['tools/train.py', config, '--cfg-options', *opts,
                     *options], check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert 'Epoch(train)' not in proc.stdout + proc.stderr


def test_data_without_num_classes_is_bounded_by_its_labels(tiny_data):
    dataset = VideoListDataset(
        tiny_data['labeled'], pipeline=[],
        data_prefix=dict(video=tiny_data['videos']))
    assert data_class_count(dataset, 'train_dataloader') == (
        'the largest label in train_dataloader.dataset.ann_file '
        f'({tiny_data["labeled"]}) + 1', 3, False)


def test_loader_batch_size_other_than_the_sampler_mix_is_refused(
        tiny_data, tmp_path):
    # Without the batch sampler, the hook still compares the two keys.
    opts = semi_options(tiny_data, tmp_path / 'work', 1) + [
        'train_dataloader.batch_size=8', 'train_dataloader.batch_sampler=None'
    ]
    proc = run_tool(['tools/train.py', FIXMATCH, '--cfg-options', *opts],
                    check=False)
    assert proc.returncode != 0
    assert ('train_dataloader.batch_size=8 does not match '
            'train_dataloader.sampler, whose batches hold labeled_batch_size '
            '* (1 + unlabeled_ratio) = 2 * (1 + 2) = 6 clips') in proc.stderr


def semi_loader_cfg(tiny_data, **loader):
    return dict(
        sampler=dict(type='SemiSupervisedSampler', labeled_batch_size=2,
                     unlabeled_ratio=2, seed=0),
        batch_sampler=dict(type='SemiSupervisedBatchSampler'),
        dataset=dict(
            type='SemiVideoDataset', ann_file=tiny_data['labeled'],
            unlabeled_ann_file=tiny_data['unlabeled'],
            data_prefix=dict(video=tiny_data['videos']), pipeline=[]),
        **loader)


@pytest.mark.parametrize('batch_size', [6, None])
def test_batch_sampler_makes_every_batch_hold_the_mix(tiny_data, batch_size):
    loader = Runner.build_dataloader(
        semi_loader_cfg(tiny_data, batch_size=batch_size))
    loader.batch_sampler.sampler.set_epoch(1)
    # pseudo_collate turns the batch's info dicts into a dict of lists.
    batches = [list(batch['is_labeled']) for batch in loader]
    assert batches == [[True] * 2 + [False] * 4] * 3


def test_batch_sampler_refuses_another_batch_size(tiny_data):
    with pytest.raises(ValueError,
                       match=r'train_dataloader.batch_size=8 does not match'):
        Runner.build_dataloader(semi_loader_cfg(tiny_data, batch_size=8))


def test_misspelt_top_level_key_warns_with_a_suggestion():
    cfg = Config(dict(trian_cfg=dict(max_epochs=1), data_root='x',
                      test_pipeline=[], train_cfg=dict()))
    assert unknown_key_warnings(cfg) == [
        "Unknown top-level config key 'trian_cfg' is ignored by the runner. "
        "Did you mean 'train_cfg'?"
    ]


def test_no_project_config_gets_a_misspelling_warning():
    configs = [
        p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'),
                             recursive=True) if '_base_' not in p
    ]
    assert len(configs) > 20
    for path in configs:
        assert unknown_key_warnings(Config.fromfile(path)) == [], path


def test_fresh_run_into_another_runs_work_dir_is_refused(
        tiny_data, tmp_path, supervised_ckpt):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    shutil.copy(supervised_ckpt, work_dir / 'epoch_1.pth')
    proc = run_tool(['tools/train.py', SUPERVISED, '--cfg-options',
                     *supervised_options(tiny_data, work_dir),
                     'trian_cfg.max_epochs=2'], check=False)
    assert proc.returncode != 0
    assert ("Unknown top-level config key 'trian_cfg' is ignored by the "
            "runner. Did you mean 'train_cfg'?") in proc.stdout + proc.stderr
    assert (f'train.py: error: work dir {work_dir} already holds '
            'checkpoints of another run (epoch_1.pth); a new run would mix '
            'its checkpoints with them. Continue that run with --resume'
            ) in proc.stderr


def test_auto_resume_from_a_corrupt_checkpoint_offers_the_previous(
        tiny_data, tmp_path, supervised_ckpt):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    shutil.copy(supervised_ckpt, work_dir / 'epoch_1.pth')
    with open(supervised_ckpt, 'rb') as f:
        (work_dir / 'epoch_2.pth').write_bytes(f.read()[:1000])
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_2.pth'))
    proc = run_tool(['tools/train.py', SUPERVISED, '--resume',
                     '--cfg-options',
                     *supervised_options(tiny_data, work_dir, 3)],
                    check=False)
    assert proc.returncode != 0
    assert (f'train.py: error: cannot read checkpoint {work_dir}/epoch_2.pth '
            '(truncated or not a checkpoint?)') in proc.stderr
    assert (f'The previous checkpoint {work_dir}/epoch_1.pth reads fine: '
            f'resume from it with --resume {work_dir}/epoch_1.pth'
            ) in proc.stderr


def test_test_tool_refuses_a_checkpoint_of_another_kind(
        tiny_data, tmp_path, supervised_ckpt):
    opts = semi_options(tiny_data, tmp_path / 'work', 1)
    proc = run_tool(['tools/test.py', FIXMATCH, supervised_ckpt,
                     '--cfg-options', *opts], check=False)
    assert proc.returncode != 0
    err = proc.stderr
    assert f'test.py: error: {supervised_ckpt} does not fit the model of ' \
        f'{FIXMATCH} (SemiRecognizer):' in err
    # BatchNorm's num_batches_tracked (20) is filled by its module: not
    # counted missing.
    assert 'keys missing in the checkpoint: 102 (recognizer.* 102), e.g. ' \
        'recognizer.backbone.conv1.conv.weight' in err
    assert 'keys of the checkpoint the model does not have: 122 ' \
        '(backbone.* 120, cls_head.* 2)' in err
    assert 'It looks like a checkpoint of a labeled-only config (plain ' \
        'recognizer: keys under backbone. and cls_head.) with 3 classes, ' \
        "saved by run 'supervised_r18_demo_" in err
    assert 'Or pass --partial-load' in err
    assert 'acc/top1' not in proc.stdout + err
    assert len(err.strip().splitlines()) < 10


def test_test_tool_names_shape_mismatches_and_loads_partially_on_request(
        tiny_data, tmp_path, supervised_ckpt):
    opts = supervised_options(tiny_data, tmp_path / 'work') + [
        'model.cls_head.num_classes=4'
    ]
    proc = run_tool(['tools/test.py', SUPERVISED, supervised_ckpt,
                     '--cfg-options', *opts], check=False)
    assert proc.returncode != 0
    assert 'keys of another shape: 2: cls_head.fc_cls.weight: checkpoint ' \
        '(3, 512), model (4, 512); cls_head.fc_cls.bias: checkpoint (3,), ' \
        'model (4,)' in proc.stderr
    proc = run_tool(['tools/test.py', SUPERVISED, supervised_ckpt,
                     '--partial-load', '--cfg-options', *opts])
    log = proc.stdout + proc.stderr
    assert 'fits the model only in part' in log
    assert 'acc/top1' in log
