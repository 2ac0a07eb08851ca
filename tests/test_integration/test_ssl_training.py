"""Every Table 1 baseline trains, resumes and tests through the tools."""
import os
import os.path as osp
import shutil

import pytest
import torch

from conftest import REPO_ROOT, run_dist_train, run_tool, semi_options

HELPERS = osp.join(REPO_ROOT, 'tests', 'helpers')
# The helpers first, then this checkout's aplt_mm where PYTHONPATH sets it.
PYTHONPATH = os.pathsep.join(
    p for p in (HELPERS, os.environ.get('PYTHONPATH')) if p)
# FlexMatch trains, checkpoints and resumes in its EMAHook test below.
METHODS = ('pseudo_label', 'mean_teacher', 'uda', 'freematch', 'softmatch')
# State each stateful algorithm must carry through a checkpoint.
STATE = {
    'mean_teacher': ('algorithm.teacher.steps',
                     'algorithm.teacher.module.cls_head.fc_cls.weight'),
    'flexmatch': ('algorithm.selected_label', ),
    'freematch': ('algorithm.global_threshold', 'algorithm.class_probs',
                  'algorithm.label_hist'),
    'softmatch':
    ('algorithm.class_mean', 'algorithm.conf_mean', 'algorithm.conf_var'),
}


def config(method):
    return osp.join(REPO_ROOT, 'configs', 'benchmarks',
                    f'{method}_r18_msr3d_25p.py')


def options(data, work_dir, max_epochs, *extra):
    return semi_options(data, work_dir, max_epochs) + [
        f'model.recognizer.cls_head.num_classes={data["num_classes"]}',
        'default_hooks.checkpoint.interval=1',
        # Tiny clips: 4 frames of 32 px.
        'train_dataloader.dataset.pipeline.1.num_clips=2',
        'val_dataloader.dataset.pipeline.1.num_clips=2',
        'test_dataloader.dataset.pipeline.1.num_clips=2',
    ] + list(extra)


@pytest.mark.parametrize('method', METHODS)
def test_baseline_trains_resumes_and_tests(method, tiny_data, tmp_path):
    first, resumed = tmp_path / 'first', tmp_path / 'resumed'
    proc = run_tool([
        'tools/train.py',
        config(method), '--cfg-options', *options(tiny_data, first, 1)
    ])
    log = proc.stdout + proc.stderr
    for key in ('loss_sup', 'loss_unsup', 'mask_ratio', 'acc/top1'):
        assert key in log, key
    ckpt = first / 'epoch_1.pth'
    saved = torch.load(ckpt, weights_only=True)['state_dict']
    if method not in STATE:
        # Stateless: its schedules follow the iteration, nothing to resume.
        proc = run_tool([
            'tools/test.py',
            config(method),
            str(ckpt), '--cfg-options', *options(tiny_data, first, 1)
        ])
        assert 'acc/mean1' in proc.stdout + proc.stderr
        return

    # --resume into another work dir: the state as training restarts is the
    # checkpoint's, then training goes on to epoch 2.
    shutil.copy(ckpt, tmp_path / 'epoch_1.pth')
    proc = run_tool([
        'tools/train.py',
        config(method), '--resume',
        str(tmp_path / 'epoch_1.pth'), '--cfg-options',
        *options(tiny_data, resumed, 2,
                 "custom_imports.imports=['aplt_mm','rank_state_dump_hook']",
                 'default_hooks.state_dump.type=StateBeforeTrainDumpHook')
    ],
                    env=dict(os.environ, PYTHONPATH=PYTHONPATH))
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 1' in log and 'Epoch(train) [2]' in log
    restored = torch.load(resumed / 'state_before_train.pt')
    for key in STATE[method]:
        assert key in saved, key
        assert torch.equal(restored[key], saved[key]), key
    after = torch.load(
        resumed / 'epoch_2.pth', weights_only=True)['state_dict']
    if method == 'flexmatch':
        assert len(after['algorithm.selected_label']) == 12
    if method in ('freematch', 'softmatch', 'mean_teacher'):
        # It went on from the checkpoint's state.
        assert not all(torch.equal(after[k], saved[k]) for k in STATE[method])

    proc = run_tool([
        'tools/test.py',
        config(method),
        str(resumed / 'epoch_2.pth'), '--cfg-options',
        *options(tiny_data, resumed, 2)
    ])
    assert 'acc/mean1' in proc.stdout + proc.stderr


@pytest.mark.parametrize('method', ['flexmatch', 'softmatch'])
def test_baseline_state_is_the_same_on_every_gloo_rank(method, tiny_data,
                                                       tmp_path):
    work_dir = tmp_path / 'work'
    opts = options(
        tiny_data, work_dir, 1,
        "custom_imports.imports=['aplt_mm','rank_state_dump_hook']",
        'default_hooks.rank_state_dump.type=RankStateDumpHook',
        'train_dataloader.sampler.labeled_batch_size=1',
        'train_dataloader.batch_size=3')
    if method == 'flexmatch':
        # Every prediction is recorded: the table must hold every rank's.
        opts.append('model.algorithm.threshold=0.0')
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    run_dist_train(config(method), 2, opts, env=env)
    states = [torch.load(work_dir / f'rank{r}_state.pt') for r in (0, 1)]
    for key in STATE[method]:
        assert torch.equal(states[0][key], states[1][key]), key
    if method == 'flexmatch':
        # 12 unlabeled clips, 6 per rank: both ranks recorded all 12.
        assert (states[0]['algorithm.selected_label'] >= 0).all()
    else:
        # The statistics moved from their initial values.
        assert states[0]['algorithm.conf_var'].item() != 1.0


def test_flexmatch_with_ema_hook_trains_resumes_and_refuses_a_shrunk_list(
        tiny_data, tmp_path):
    first, resumed = tmp_path / 'first', tmp_path / 'resumed'
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    ema = [
        'default_hooks.ema.type=EMAHook',
        "custom_imports.imports=['aplt_mm','rank_state_dump_hook']",
        'default_hooks.state_dump.type=StateBeforeTrainDumpHook'
    ]
    run_tool([
        'tools/train.py',
        config('flexmatch'), '--cfg-options',
        *options(tiny_data, first, 1, *ema)
    ], env=env)
    # Sized from the dataset before the first step: 12 unused clips.
    before = torch.load(first / 'state_before_train.pt')
    assert before['algorithm.selected_label'].tolist() == [-1] * 12
    fingerprint = before['algorithm.unlabeled_list_fingerprint']
    assert int(fingerprint) != 0
    # EMAHook's copy, made after the table was sized, carries the same.
    ckpt = torch.load(first / 'epoch_1.pth', weights_only=True)
    for key in ('algorithm.selected_label',
                'algorithm.unlabeled_list_fingerprint'):
        assert torch.equal(ckpt['state_dict'][key],
                           ckpt['ema_state_dict']['module.' + key]), key
    assert torch.equal(ckpt['state_dict'][
        'algorithm.unlabeled_list_fingerprint'], fingerprint)

    # --resume with EMAHook goes on to epoch 2 from the checkpoint's table.
    shutil.copy(first / 'epoch_1.pth', tmp_path / 'epoch_1.pth')
    proc = run_tool([
        'tools/train.py',
        config('flexmatch'), '--resume',
        str(tmp_path / 'epoch_1.pth'), '--cfg-options',
        *options(tiny_data, resumed, 2, *ema)
    ], env=env)
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 1' in log and 'Epoch(train) [2]' in log
    restored = torch.load(resumed / 'state_before_train.pt')
    assert torch.equal(restored['algorithm.selected_label'],
                       ckpt['state_dict']['algorithm.selected_label'])

    # --resume on a shrunk unlabeled list stops before training, naming it.
    with open(tiny_data['unlabeled']) as f:
        lines = f.read().splitlines()
    shrunk = tmp_path / 'shrunk.txt'
    shrunk.write_text('\n'.join(lines[:-1]) + '\n')
    proc = run_tool([
        'tools/train.py',
        config('flexmatch'), '--resume',
        str(tmp_path / 'epoch_1.pth'), '--cfg-options',
        *options(dict(tiny_data, unlabeled=str(shrunk)), tmp_path / 'shrunk',
                 2, *ema)
    ], env=env, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert ("FlexMatch's selected-label table (from the checkpoint) was made "
            'for another unlabeled list (12 clips') in log
    assert f"unlabeled list ({shrunk}) has 11 clips" in log
    assert 'Epoch(train)' not in log


def test_flexmatch_without_the_data_contract_hook_stops_at_the_first_step(
        tiny_data, tmp_path):
    # A config without DataContractHook: replaced by a hook that does
    # nothing here (mmengine accepts None only for its own default hooks).
    proc = run_tool([
        'tools/train.py',
        config('flexmatch'), '--cfg-options',
        *options(tiny_data, tmp_path / 'work', 1),
        'default_hooks.data_contract.type=EmptyCacheHook'
    ], check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'FlexMatch keeps one entry per unlabeled clip' in log
    assert 'model.bind_dataset(train_dataset)' in log
    assert 'Epoch(train)' not in log
