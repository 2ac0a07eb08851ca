"""APLT's schedule, offline phase and state through the user-facing tools."""
import glob
import os
import os.path as osp
import shutil

import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from tensorboard.backend.event_processing.event_accumulator import \
    EventAccumulator

from aplt_mm.datasets import VideoReadError
from aplt_mm.engine import APLTOfflineHook
from aplt_mm.engine.extraction import ClipList
from aplt_mm.engine.extraction import strong_view_pipeline
from conftest import (REPO_ROOT, run_dist_train, run_tool,
                      tiny_cfg_options)

APLT = osp.join(REPO_ROOT, 'configs/aplt_r18_demo.py')


def hook(**kwargs):
    return APLTOfflineHook(feature_pipeline=[], strong_pipeline=[], **kwargs)


@pytest.mark.parametrize('warmup,interval,max_epochs,final,expected', [
    (15, 10, 55, False, [15, 25, 35, 45]),  # the paper's schedule
    (4, 3, 12, False, [4, 7, 10]),
    (2, 5, 2, False, []),  # no phase after the last epoch...
    (2, 5, 2, True, [2]),  # ...unless asked (Variant II)
    (55, 10, 55, True, [55]),
    (1, 1, 3, False, [1, 2]),
])
def test_schedule(warmup, interval, max_epochs, final, expected):
    h = hook(warmup_epochs=warmup, interval=interval, final_phase=final)
    phases = [
        e for e in range(1, max_epochs + 1)
        if h.is_phase_epoch(e, max_epochs)
    ]
    assert phases == expected


def test_bad_hook_options():
    with pytest.raises(ValueError, match='warmup_epochs'):
        hook(warmup_epochs=0)
    with pytest.raises(ValueError, match='interval'):
        hook(interval=0)


def test_strong_copies_default_to_the_train_pipelines_strong_view():
    decode = [dict(type='DecordInit'), dict(type='DecordDecode')]
    weak, strong = [dict(type='Flip')], [dict(type='RandomErasing')]
    train = decode + [
        dict(type='MultiView', weak=weak, strong=strong),
        dict(type='PackActionInputs', collect_keys=('weak', 'strong'))
    ]
    assert strong_view_pipeline(train) == decode + strong + [
        dict(type='PackActionInputs')
    ]
    with pytest.raises(ValueError, match='MultiView'):
        strong_view_pipeline(decode)


def aplt_options(data, work_dir, max_epochs, warmup=1, interval=1):
    return tiny_cfg_options(data, work_dir, max_epochs) + [
        f'train_dataloader.dataset.ann_file={data["labeled"]}',
        f'train_dataloader.dataset.unlabeled_ann_file={data["unlabeled"]}',
        f'model.recognizer.cls_head.num_classes={data["num_classes"]}',
        f'model.prototype_head.num_classes={data["num_classes"]}',
        'train_dataloader.sampler.labeled_batch_size=2',
        'train_dataloader.sampler.unlabeled_ratio=2',
        'train_dataloader.batch_size=6',
        f'custom_hooks.0.warmup_epochs={warmup}',
        f'custom_hooks.0.interval={interval}',
        'custom_hooks.0.num_workers=0',
        'custom_hooks.0.batch_size=4',
    ]


def model_state(ckpt):
    state = torch.load(ckpt, weights_only=True)['state_dict']
    return (state['prototype_head.prototypes'],
            state['prototype_head.thresholds'], state['offline_labels'])


def test_aplt_warmup_phase_online_then_test_with_prototypes(
        tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    opts = aplt_options(tiny_data, work_dir, max_epochs=2)
    proc = run_tool(
        ['tools/train.py', APLT, '--tensorboard', '--cfg-options', *opts])
    log = proc.stdout + proc.stderr
    assert 'APLT offline phases after epochs [1]' in log
    # One option turns TensorBoard on; the offline phase's figures are there.
    events = glob.glob(str(work_dir / '*' / 'vis_data' / 'events.out.*'))
    assert len(events) == 1, events
    tags = EventAccumulator(events[0]).Reload().Tags()['scalars']
    for tag in ('offline/num_kept', 'offline/coverage', 'loss_sup',
                'acc/top1'):
        assert tag in tags, (tag, tags)
    assert 'APLT offline phase after epoch 1 took' in log
    assert 'nearest_mean_acc' in log and 'largest_share' in log
    # Epoch 1 is warm-up (FixMatch only), epoch 2 is online (margin loss).
    epoch1 = [ln for ln in log.splitlines() if 'Epoch(train) [1]' in ln]
    epoch2 = [ln for ln in log.splitlines() if 'Epoch(train) [2]' in ln]
    assert epoch1 and not any('loss_margin' in ln for ln in epoch1)
    assert epoch2 and all('loss_margin_sup' in ln for ln in epoch2)

    prototypes, thresholds, table = model_state(work_dir / 'epoch_2.pth')
    assert prototypes.shape == (3, 512)
    assert torch.allclose(prototypes.norm(dim=1), torch.ones(3))
    assert table.shape == (12, ) and table.min() >= -1 and table.max() < 3
    assert (thresholds > 0).all()

    proc = run_tool([
        'tools/test.py', APLT, str(work_dir / 'epoch_2.pth'),
        '--cfg-options', *opts
    ])
    assert 'acc/top1' in proc.stdout + proc.stderr

    # The test-time model predicts with the loaded prototypes.
    cfg = Config.fromfile(APLT)
    n = tiny_data['num_classes']
    cfg.merge_from_dict({
        'model.recognizer.cls_head.num_classes': n,
        'model.prototype_head.num_classes': n
    })
    model = MODELS.build(cfg.model)
    model.load_state_dict(
        torch.load(work_dir / 'epoch_2.pth', weights_only=True)['state_dict'])
    model.eval()
    with open(tiny_data['test']) as f:
        rel, label = f.readline().split()
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.test_pipeline])
    batch = pseudo_collate([
        pipeline(
            dict(filename=osp.join(tiny_data['videos'], rel),
                 label=int(label), start_index=0, modality='RGB'))
    ])
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
        pred = model.predict(data['inputs'], data['data_samples'])[0]
        feats, kwargs = model.extract_feat(data['inputs'], test_mode=True)
        expected = model.prototype_head(feats, **kwargs).softmax(-1)[0]
    assert torch.equal(model.prototype_head.prototypes, prototypes)
    assert torch.allclose(pred.pred_scores.item, expected, atol=1e-6)

    # The probe tool tries the labeling options on that checkpoint.
    proc = run_tool([
        'tools/analysis/probe_offline_phase.py', APLT,
        str(work_dir / 'epoch_2.pth'), '--out',
        str(tmp_path / 'probe.md'), '--cfg-options', *opts
    ])
    table = (tmp_path / 'probe.md').read_text()
    rows = [line for line in table.splitlines() if line.startswith('| paper')
            or line.startswith('| recommended')]
    assert len(rows) == 18, table
    paper = rows[0].split('|')
    assert paper[1].strip() == 'paper'
    # Accuracies are percentages; clusters used is k/3.
    assert 0 <= float(paper[2]) <= 100 and paper[4].strip().endswith('/3')


def test_resume_after_an_offline_phase_keeps_its_state(tiny_data, tmp_path):
    # Uninterrupted: phase after epoch 1, then online epoch 2.
    full = tmp_path / 'full'
    run_tool([
        'tools/train.py', APLT, '--cfg-options',
        *aplt_options(tiny_data, full, max_epochs=2, interval=5)
    ])
    # Interrupted right after epoch 1 (its checkpoint holds the phase) and
    # resumed in another work dir.
    resumed = tmp_path / 'resumed'
    resumed.mkdir()
    shutil.copy(full / 'epoch_1.pth', resumed / 'epoch_1.pth')
    proc = run_tool([
        'tools/train.py', APLT, '--resume',
        str(resumed / 'epoch_1.pth'), '--cfg-options',
        *aplt_options(tiny_data, resumed, max_epochs=2, interval=5)
    ])
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 1' in log
    assert 'APLT offline phase after' not in log  # not recomputed
    assert 'loss_margin_sup' in log  # online from the first resumed step
    for a, b in zip(model_state(full / 'epoch_2.pth'),
                    model_state(resumed / 'epoch_2.pth')):
        assert torch.equal(a, b)


def test_phase_writes_prototypes_into_the_ema_model(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    opts = aplt_options(tiny_data, work_dir, max_epochs=1) + [
        'default_hooks.ema.type=EMAHook', 'train_cfg.val_interval=5'
    ]
    # One epoch; the phase after it is forced as the final phase.
    opts += ['custom_hooks.0.final_phase=True']
    run_tool(['tools/train.py', APLT, '--cfg-options', *opts])
    ckpt = torch.load(work_dir / 'epoch_1.pth', weights_only=True)
    model, ema = ckpt['state_dict'], ckpt['ema_state_dict']
    assert bool(model['prototype_head.initialized'])
    for key in ('prototype_head.prototypes', 'prototype_head.thresholds',
                'offline_labels'):
        assert torch.equal(model[key], ema['module.' + key]), key


def helper_env():
    return dict(
        os.environ,
        PYTHONPATH=osp.join(REPO_ROOT, 'tests', 'helpers') + os.pathsep +
        os.environ.get('PYTHONPATH', ''))


def test_a_failing_phase_stops_every_rank_with_its_error(tiny_data, tmp_path):
    # The labeler fails on rank 0 (the only rank that labels); rank 1 must
    # not hang in the broadcast but fail with the same message.
    opts = aplt_options(tiny_data, tmp_path / 'work', max_epochs=2) + [
        "custom_imports.imports=['aplt_mm','raising_labeler']",
        'model.offline_labeler.type=RaisingLabeler',
    ]
    proc = run_dist_train(
        APLT, 2, opts, timeout=300, check=False, env=helper_env())
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    message = 'APLT offline phase after epoch 1 failed on rank 0: ValueError'
    assert f'[rank0]: RuntimeError: {message}' in log
    assert f'[rank1]: RuntimeError: {message}' in log


def test_two_gloo_ranks_end_with_identical_prototypes(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    opts = aplt_options(tiny_data, work_dir, max_epochs=2) + [
        # Dump every rank's model buffers at the end of training.
        "custom_imports.imports=['aplt_mm','rank_state_dump_hook']",
        'default_hooks.rank_state_dump.type=RankStateDumpHook',
    ]
    proc = run_dist_train(APLT, 2, opts, env=helper_env())
    assert 'APLT offline phase after epoch 1' in proc.stdout + proc.stderr
    ranks = [torch.load(work_dir / f'rank{r}_state.pt') for r in range(2)]
    for key in ('prototype_head.prototypes', 'prototype_head.thresholds',
                'offline_labels'):
        assert torch.equal(ranks[0][key], ranks[1][key]), key
    assert bool(ranks[0]['prototype_head.initialized'])
    assert ranks[0]['offline_labels'].shape == (12, )


def test_an_aplt_model_without_the_hook_refuses_to_train(tiny_data, tmp_path):
    opts = aplt_options(tiny_data, tmp_path / 'work', max_epochs=1)
    opts = [o for o in opts if not o.startswith('custom_hooks')]
    proc = run_tool(['tools/train.py', APLT, '--cfg-options', *opts,
                     'custom_hooks=[]'], check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'trains under APLTOfflineHook' in log
    assert 'Epoch(train) [1]' not in log


def test_resume_on_another_unlabeled_list_is_refused(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    run_tool(['tools/train.py', APLT, '--cfg-options',
              *aplt_options(tiny_data, work_dir, max_epochs=1)
              + ['custom_hooks.0.final_phase=True']])
    # The same clips, reordered: the stored table would label wrong clips.
    with open(tiny_data['unlabeled']) as f:
        lines = f.read().splitlines()
    reordered = tmp_path / 'reordered.txt'
    reordered.write_text('\n'.join(lines[::-1]) + '\n')
    opts = aplt_options(dict(tiny_data, unlabeled=str(reordered)), work_dir,
                        max_epochs=2)
    proc = run_tool(['tools/train.py', APLT, '--resume',
                     str(work_dir / 'epoch_1.pth'), '--cfg-options', *opts],
                    check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'made for another unlabeled list' in log
    assert str(reordered) in log


def test_a_corrupt_clip_in_the_offline_phase_is_named(tmp_path):
    bad = tmp_path / 'broken.mp4'
    bad.write_bytes(b'not a video')
    clips = ClipList([dict(filename=str(bad), label=0, start_index=0,
                           modality='RGB')],
                     Config.fromfile(APLT).test_pipeline)
    with pytest.raises(VideoReadError, match='broken.mp4') as err:
        clips[0]
    assert 'offline phase' in str(err.value)


def test_checkpoints_from_before_the_center_and_fingerprint_still_fit():
    from aplt_mm.engine.checkpoint_fit import state_dict_mismatch
    model = MODELS.build(Config.fromfile(APLT).model)
    old = {
        k: v
        for k, v in model.state_dict().items()
        if k not in ('prototype_head.center', 'offline_list_fingerprint')
    }
    assert state_dict_mismatch(model, old) == []
    # A key really missing is still reported.
    del old['recognizer.cls_head.fc_cls.bias']
    assert 'recognizer.cls_head.fc_cls.bias' in state_dict_mismatch(
        model, old)[0]
