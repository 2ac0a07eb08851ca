"""Log and dump analysis: aggregation, figures and the analysis tools."""
import importlib.util
import json
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from matplotlib.image import imread

from aplt_mm.analysis import (classification_metrics, dump_metrics,
                              load_class_map, load_run_log, mean_std)
from aplt_mm.analysis.logs import epoch_stats, load_records, offline_phases
from conftest import REPO_ROOT, run_tool

TOOLS = osp.join(REPO_ROOT, 'tools', 'analysis')
NUM_UNLABELED = 20


def load_tool(name):
    """A tool script as a module, to call its main() in this process."""
    spec = importlib.util.spec_from_file_location(
        name, osp.join(TOOLS, name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_png(path, min_size=200):
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n', path
    image = imread(path)
    assert image.shape[0] >= min_size and image.shape[1] >= min_size
    # Not a blank canvas.
    assert image[..., :3].std() > 0.05


def write_run(work_dir, records, timestamp='20250101_000000', unlabeled=None):
    """A work dir as mmengine leaves it: scalars.json and the config."""
    vis = osp.join(work_dir, timestamp, 'vis_data')
    os.makedirs(vis, exist_ok=True)
    with open(osp.join(vis, 'scalars.json'), 'w') as f:
        for record in records:
            f.write(json.dumps(record) + '\n')
    if unlabeled is not None:
        with open(osp.join(vis, 'config.py'), 'w') as f:
            f.write('train_dataloader = dict(dataset=dict('
                    f'type="SemiVideoDataset", unlabeled_ann_file='
                    f'{unlabeled!r}))\n')
    return work_dir


def train_line(epoch, it, **values):
    return dict(epoch=epoch, iter=it, step=it, lr=0.01, **values)


@pytest.fixture
def unlabeled_list(tmp_path):
    path = tmp_path / 'unlabeled.txt'
    path.write_text('# unlabeled clips\n' +
                    ''.join(f'u{i}.mp4 {i % 3}\n'
                            for i in range(NUM_UNLABELED)))
    return str(path)


def fixmatch_records(num_epochs=12, iters=4):
    """FixMatch-like logs: more pseudo-labels, less accurate, each epoch."""
    records = []
    for epoch in range(1, num_epochs + 1):
        for i in range(iters):
            mask = min(1.0, 0.1 * epoch + 0.05 * i)
            records.append(
                train_line(
                    epoch, (epoch - 1) * iters + i + 1,
                    loss=1.0,
                    time=0.5,
                    mask_ratio=mask,
                    pseudo_acc=max(0.2, 0.9 - 0.06 * epoch)))
        records.append({'acc/top1': 0.3, 'acc/mean1': 0.25, 'step': epoch})
    return records


def aplt_records(num_epochs=12, iters=4):
    records = []
    for epoch in range(1, num_epochs + 1):
        for i in range(iters):
            records.append(
                train_line(
                    epoch, (epoch - 1) * iters + i + 1,
                    loss=2.0,
                    time=0.6,
                    mask_ratio=0.05 * epoch,
                    pseudo_acc=0.8 - 0.03 * epoch))
        if epoch in (4, 7, 10):
            records.append({
                'offline/num_kept': 6 + epoch,
                'offline/coverage': (6 + epoch) / NUM_UNLABELED,
                'offline/time': 1.5,
                'offline/assignment_acc': 0.7,
                'offline/pseudo_acc': 0.9,
                'step': epoch
            })
    return records


def test_epoch_stats_of_hand_made_logs(tmp_path, unlabeled_list):
    records = [
        # Epoch 1, every iteration logged. The first line has no
        # pseudo-label (mask 0) but repeats a stale pseudo_acc, as
        # mmengine's "current" statistic does: it must not count.
        train_line(1, 1, loss=4.0, time=1.0, mask_ratio=0.0, pseudo_acc=0.1),
        train_line(1, 2, loss=3.0, time=2.0, mask_ratio=0.5, pseudo_acc=1.0),
        train_line(1, 3, loss=2.0, time=3.0, mask_ratio=0.5, pseudo_acc=0.5),
        train_line(1, 4, loss=1.0, time=4.0, mask_ratio=1.0, pseudo_acc=0.75),
        {
            'acc/top1': 0.5,
            'acc/top5': 1.0,
            'acc/mean1': 0.4,
            'step': 1
        },
        {
            'offline/num_kept': 5,
            'offline/coverage': 0.25,
            'offline/time': 2.5,
            'offline/extract_time': 2.0,
            'offline/label_time': 0.5,
            'offline/assignment_acc': 0.6,
            'step': 1
        },
        # Epoch 2, logged every other iteration.
        train_line(2, 6, loss=1.0, time=1.0, data_time=0.5, mask_ratio=0.25),
        train_line(2, 8, loss=1.0, time=3.0, data_time=1.5, mask_ratio=0.75),
    ]
    work_dir = write_run(
        str(tmp_path / 'run'), records, unlabeled=unlabeled_list)
    log = load_run_log(work_dir)
    assert log['num_unlabeled'] == NUM_UNLABELED  # '#' line not counted
    first, second = log['epochs']
    assert first['iters'] == 4 and first['time'] == pytest.approx(10.0)
    assert first['loss'] == pytest.approx(2.5)
    assert first['mask_ratio'] == pytest.approx(0.5)
    assert first['num_pseudo_labels'] == pytest.approx(10.0)
    # (0.5 * 1.0 + 0.5 * 0.5 + 1.0 * 0.75) / 2 pseudo-label "weights".
    assert first['pseudo_acc'] == pytest.approx(0.75)
    assert (first['val_top1'], first['val_mean1']) == (0.5, 0.4)
    # 4 iterations, 2 logged: mean time x iterations.
    assert second['iters'] == 4 and second['time'] == pytest.approx(8.0)
    assert first['data_time'] is None
    assert second['data_time'] == pytest.approx(4.0)
    assert second['pseudo_acc'] is None and second['val_top1'] is None
    assert log['offline_phases'] == [
        dict(
            epoch=1,
            num_kept=5,
            coverage=0.25,
            time=2.5,
            extract_time=2.0,
            label_time=0.5,
            assignment_acc=0.6,
            pseudo_acc=None)
    ]
    assert log['train_time'] == pytest.approx(10.0 + 8.0 + 2.5)


def test_logs_of_resumed_and_restarted_runs(tmp_path):
    work_dir = str(tmp_path / 'run')
    first = [train_line(e, e, time=1.0, mask_ratio=0.1 * e) for e in (1, 2, 3)]
    write_run(work_dir, first, timestamp='20250101_000000')
    # Resumed after epoch 2: epoch 3 of the first attempt is replaced.
    resumed = [train_line(e, e, time=2.0, mask_ratio=0.5) for e in (3, 4)]
    write_run(work_dir, resumed, timestamp='20250102_000000')
    stats = epoch_stats(load_records(work_dir), num_unlabeled=10)
    assert [s['epoch'] for s in stats] == [1, 2, 3, 4]
    assert [s['mask_ratio']
            for s in stats] == pytest.approx([0.1, 0.2, 0.5, 0.5])
    assert [s['num_pseudo_labels']
            for s in stats] == pytest.approx([1, 2, 5, 5])
    # Restarted from scratch: only the new attempt counts.
    write_run(
        work_dir, [train_line(1, 1, time=3.0, mask_ratio=0.9)],
        timestamp='20250103_000000')
    stats = epoch_stats(load_records(work_dir))
    assert len(stats) == 1 and stats[0]['mask_ratio'] == 0.9


def test_offline_phases_without_num_kept_use_the_coverage(tmp_path):
    # Logs written before the hook logged offline/num_kept.
    records = [
        train_line(1, 1, time=1.0, mask_ratio=0.0), {
            'offline/coverage': 0.25,
            'offline/time': 1.0,
            'step': 1
        }
    ]
    write_run(str(tmp_path / 'run'), records)
    log = load_run_log(str(tmp_path / 'run'), num_unlabeled=12)
    assert log['offline_phases'][0]['num_kept'] == 3
    assert offline_phases(records)[0]['num_kept'] is None


def test_bad_logs_are_reported_with_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        load_run_log(str(tmp_path))
    vis = tmp_path / 'run' / '20250101_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'scalars.json').write_text('{"epoch": 1, "iter": 1}\n{oops\n')
    with pytest.raises(ValueError, match=r'scalars.json:2'):
        load_run_log(str(tmp_path / 'run'))


def test_plot_pseudo_labels_tool(tmp_path, unlabeled_list):
    fixmatch = write_run(
        str(tmp_path / 'fixmatch'),
        fixmatch_records(),
        unlabeled=unlabeled_list)
    aplt = write_run(
        str(tmp_path / 'aplt'), aplt_records(), unlabeled=unlabeled_list)
    out = tmp_path / 'fig' / 'pseudo_labels.png'
    proc = run_tool([
        osp.join(TOOLS, 'plot_pseudo_labels.py'), fixmatch, aplt, '--names',
        'FixMatch', 'APLT', '--out',
        str(out)
    ])
    assert 'FixMatch: 12 epochs, 0 offline phases, 20 unlabeled' in \
        proc.stdout
    assert 'APLT: 12 epochs, 3 offline phases, 20 unlabeled' in proc.stdout
    assert_png(out)

    tool = load_tool('plot_pseudo_labels')
    supervised = write_run(
        str(tmp_path / 'supervised'), [train_line(1, 1, loss=1.0, time=1.0)])
    with pytest.raises(SystemExit, match='no pseudo-label statistics'):
        tool.main([supervised, '--out', str(out)])
    with pytest.raises(SystemExit, match='work dir not found: .*missing'):
        tool.main([str(tmp_path / 'missing'), '--out', str(out)])
    # FixMatch logs whose unlabeled list cannot be found.
    orphan = write_run(str(tmp_path / 'orphan'), fixmatch_records(2))
    with pytest.raises(SystemExit, match='--num-unlabeled'):
        tool.main([orphan, '--out', str(out)])
    tool.main([orphan, '--num-unlabeled', '7', '--out', str(out)])


def write_dump(path, labels, preds, num_classes=3):
    """A tools/test.py --dump pickle with confident scores for ``preds``."""
    results = []
    for label, pred in zip(labels, preds):
        scores = torch.full((num_classes, ), 0.1 / (num_classes - 1))
        scores[pred] = 0.9
        results.append(
            dict(
                gt_labels=dict(item=torch.tensor([label])),
                pred_labels=dict(item=torch.tensor([pred])),
                pred_scores=dict(item=scores)))
    with open(path, 'wb') as f:
        pickle.dump(results, f)
    return str(path)


LABELS = [0] * 4 + [1] * 4 + [2] * 4
# Per class: A gets 4/4, 2/4, 1/4 right; B gets 3/4, 4/4, 0/4.
PREDS_A = [0, 0, 0, 0] + [1, 1, 0, 2] + [2, 0, 0, 1]
PREDS_B = [0, 0, 0, 1] + [1, 1, 1, 1] + [0, 0, 1, 1]


def test_metrics_of_a_hand_made_dump(tmp_path):
    metrics = dump_metrics(write_dump(tmp_path / 'a.pkl', LABELS, PREDS_A))
    assert metrics['num_clips'] == 12
    assert metrics['top1'] == pytest.approx(7 / 12)
    assert metrics['per_class_acc'] == pytest.approx([1.0, 0.5, 0.25])
    assert metrics['mean_class_acc'] == pytest.approx(1.75 / 3)
    assert metrics['confusion_matrix'] == [[4, 0, 0], [1, 2, 1], [2, 1, 1]]
    # A class without test clips is left out of the mean.
    absent = classification_metrics(np.eye(3)[[0, 0, 1]], np.array([0, 1, 1]))
    assert absent['per_class_acc'] == [1.0, 0.5, None]
    assert absent['mean_class_acc'] == pytest.approx(0.75)

    (tmp_path / 'bad.pkl').write_bytes(b'not a pickle')
    with pytest.raises(ValueError, match='bad.pkl'):
        dump_metrics(str(tmp_path / 'bad.pkl'))
    with open(tmp_path / 'other.pkl', 'wb') as f:
        pickle.dump([dict(foo=1)], f)
    with pytest.raises(ValueError, match='other.pkl: clip 0'):
        dump_metrics(str(tmp_path / 'other.pkl'))


def test_mean_std():
    # Sample std (ddof 1): sqrt((0.1^2 + 0.1^2) / 1).
    assert mean_std([0.5, 0.7]) == pytest.approx((0.6, 0.02**0.5))
    # sqrt((0.3^2 + 0.1^2 + 0.4^2) / 2) = sqrt(0.13)
    assert mean_std([0.2, 0.4, 0.9]) == pytest.approx((0.5, 0.13**0.5))
    assert mean_std([0.5]) == (0.5, 0.0)
    assert mean_std([None, 0.2]) == (0.2, 0.0)
    assert mean_std([]) == (None, None)


def test_class_maps(tmp_path):
    (tmp_path / 'names.txt').write_text('head nod\nhead shake\n\n')
    assert load_class_map(str(tmp_path /
                              'names.txt')) == ['head nod', 'head shake']
    # tools/build_subset.py's "<new id> <original id> <name>" lines.
    (tmp_path / 'map.txt').write_text('0 7 nod head\n1 3 shrug\n')
    assert load_class_map(str(tmp_path / 'map.txt')) == ['nod head', 'shrug']


def test_compare_per_class_tool(tmp_path):
    dump_a = write_dump(tmp_path / 'a.pkl', LABELS, PREDS_A)
    dump_b = write_dump(tmp_path / 'b.pkl', LABELS, PREDS_B)
    classes = tmp_path / 'classes.txt'
    classes.write_text('nod\nshake\ntilt\n')
    out = tmp_path / 'per_class.png'
    proc = run_tool([
        osp.join(TOOLS, 'compare_per_class.py'), dump_a, dump_b, '--names',
        'FixMatch', 'APLT', '--classes',
        str(classes), '--out',
        str(out)
    ])
    rows = {
        line.split()[0]: [float(v) for v in line.split()[1:]]
        for line in proc.stdout.splitlines()
        if line.split() and line.split()[0] in ('nod', 'shake', 'tilt')
    }
    assert rows == {
        'nod': [100.0, 75.0, -25.0],
        'shake': [50.0, 100.0, 50.0],
        'tilt': [25.0, 0.0, -25.0]
    }
    assert 'FixMatch: top-1 58.3%, mean-class 58.3%' in proc.stdout
    assert 'APLT: top-1 58.3%, mean-class 58.3%' in proc.stdout
    assert_png(out)

    tool = load_tool('compare_per_class')
    other = write_dump(tmp_path / 'c.pkl', [0, 1], [0, 1])
    with pytest.raises(SystemExit, match='not the same test list'):
        tool.main([dump_a, other, '--out', str(out)])
    two = tmp_path / 'two.txt'
    two.write_text('nod\nshake\n')
    with pytest.raises(SystemExit, match='two.txt names 2 classes'):
        tool.main([dump_a, dump_b, '--classes', str(two), '--out', str(out)])


def test_confusion_matrix_tool(tmp_path, capsys):
    dump = write_dump(tmp_path / 'a.pkl', LABELS, PREDS_A)
    out = tmp_path / 'confusion.png'
    proc = run_tool(
        [osp.join(TOOLS, 'confusion_matrix.py'), dump, '--out',
         str(out)])
    lines = proc.stdout.splitlines()
    assert lines[0].split()[-3:] == ['0', '1', '2']
    assert [[int(v) for v in line.split()[1:]]
            for line in lines[1:4]] == [[4, 0, 0], [1, 2, 1], [2, 1, 1]]
    assert '12 clips, top-1 58.3%, mean-class 58.3%' in proc.stdout
    assert_png(out)

    tool = load_tool('confusion_matrix')
    normalized = tmp_path / 'normalized.png'
    tool.main([dump, '--normalize', '--out', str(normalized)])
    lines = capsys.readouterr().out.splitlines()
    assert [[int(v) for v in line.split()[1:]]
            for line in lines[1:4]] == [[100, 0, 0], [25, 50, 25],
                                        [50, 25, 25]]
    assert_png(normalized)
    with pytest.raises(SystemExit, match='prediction dump not found'):
        tool.main([str(tmp_path / 'missing.pkl'), '--out', str(out)])
