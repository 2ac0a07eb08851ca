"""tools/benchmark.py end to end on tiny data, and its report."""
import importlib.util
import json
import os
import os.path as osp
import re

import pytest
from matplotlib.image import imread

from aplt_mm.analysis.report import accuracy_table, summarize
from conftest import REPO_ROOT, run_tool

TOOL = osp.join(REPO_ROOT, 'tools', 'benchmark.py')
SUPERVISED = osp.join(REPO_ROOT, 'configs/supervised_r18_demo.py')
CLASSES = ['nod', 'shake', 'tilt']
# The semi-supervised demo configs with tiny batches (2 labeled + 4
# unlabeled clips) and, for APLT, an offline phase after the single epoch.
SEMI_BATCHES = """
train_dataloader = dict(
    batch_size=6, sampler=dict(labeled_batch_size=2, unlabeled_ratio=2))
"""
TINY_CONFIGS = {
    'fixmatch_tiny.py':
    "_base_ = [{base!r}]\n" + SEMI_BATCHES,
    'aplt_tiny.py':
    "_base_ = [{base!r}]\n" + SEMI_BATCHES + """
custom_hooks = [
    dict(type='APLTOfflineHook', warmup_epochs=1, interval=1,
         final_phase=True, num_workers=0, batch_size=8)
]
""",
}
BASES = {
    'fixmatch_tiny.py': 'configs/fixmatch_r18_demo.py',
    'aplt_tiny.py': 'configs/aplt_r18_demo.py'
}
SHRINK = [
    'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
    'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'
]


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_list(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


@pytest.fixture(scope='module')
def bench(tiny_data, tmp_path_factory):
    """A data root in the demo layout, tiny configs, one benchmark run."""
    root = tmp_path_factory.mktemp('bench')
    data = root / 'data'
    data.mkdir()
    os.symlink(tiny_data['videos'], data / 'videos')
    # 4 training clips per class (2 of the labeled and 2 of the unlabeled
    # fixture lists), paths relative to the data root.
    train = [(p, l) for p, l in read_list(tiny_data['labeled'])
             ] + [(p, l) for p, l in read_list(tiny_data['unlabeled'])
                  if p.endswith(('_0.mp4', '_1.mp4'))]
    test = read_list(tiny_data['test'])
    for name, rows in (('train', train), ('val', test), ('test', test)):
        (data / f'{name}.txt').write_text(''.join(f'videos/{p} {l}\n'
                                                  for p, l in rows))
    (data / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    configs = root / 'configs'
    configs.mkdir()
    for name, text in TINY_CONFIGS.items():
        (configs / name).write_text(
            text.format(base=osp.join(REPO_ROOT, BASES[name])))
    out = root / 'out'
    args = [
        '--data-root',
        str(data), '--configs', SUPERVISED,
        str(configs / 'fixmatch_tiny.py'),
        str(configs / 'aplt_tiny.py'), '--ratios', '0.5', '--seeds', '0',
        '--jobs', '2', '--reference',
        osp.join(REPO_ROOT, 'configs/supervised_r18_demo_full.py'), '--out',
        str(out), '--cfg-options', *SHRINK
    ]
    proc = run_tool([TOOL] + args)
    with open(out / 'results.json') as f:
        results = json.load(f)
    return dict(data=data, out=out, args=args, proc=proc, results=results)


def assert_png(path):
    image = imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 200, path
    assert image[..., :3].std() > 0.05, path


def test_results_json(bench):
    results, data = bench['results'], bench['data']
    assert set(results) == {
        'benchmark_command', 'data_root', 'train_list', 'val_list',
        'test_list', 'class_names', 'configs', 'reference', 'ratios', 'seeds',
        'cfg_options', 'gpus', 'commands', 'runs', 'summary',
        'offline_summary', 'figures'
    }
    assert results['class_names'] == CLASSES
    runs = {run['name']: run for run in results['runs']}
    assert list(runs) == [
        'supervised_r18_demo_50p_seed0', 'fixmatch_tiny_50p_seed0',
        'aplt_tiny_50p_seed0', 'supervised_r18_demo_full_100p_seed0'
    ]
    assert [runs[n]['kind']
            for n in runs] == ['supervised', 'fixmatch', 'aplt', 'supervised']
    # The split was made: 2 of each class's 4 clips labeled.
    split = data / 'splits' / '50p_seed0'
    assert len(read_list(split / 'labeled.txt')) == 6
    assert len(read_list(split / 'unlabeled.txt')) == 6
    for name, run in runs.items():
        reference = name.startswith('supervised_r18_demo_full')
        assert run['reference'] == reference
        assert run['ratio'] == (1.0 if reference else 0.5)
        assert run['num_labeled'] == (12 if reference else 6)
        test = run['test']
        assert test['num_clips'] == 6
        matrix = test['confusion_matrix']
        assert [sum(row) for row in matrix] == [2, 2, 2]
        assert test['top1'] == pytest.approx(
            sum(matrix[c][c] for c in range(3)) / 6)
        assert test['per_class_acc'] == pytest.approx(
            [matrix[c][c] / 2 for c in range(3)])
        # The same numbers as tools/test.py's own evaluation.
        with open(osp.join(run['work_dir'], 'benchmark_test.log')) as f:
            log = f.read()
        top1, mean1 = re.search(
            r'Epoch\(test\).*acc/top1: ([0-9.]+).*acc/mean1: ([0-9.]+)',
            log).groups()
        assert test['top1'] == pytest.approx(float(top1), abs=1e-4)
        assert test['mean_class_acc'] == pytest.approx(float(mean1), abs=1e-4)
        assert len(run['epochs']) == 1
        epoch = run['epochs'][0]
        assert epoch['time'] > 0 and epoch['val_top1'] is not None
        assert run['wall_time']['total'] >= run['wall_time']['train'] > 0
        assert osp.isfile(run['checkpoint'])
    # FixMatch: 6 unlabeled clips, 4 per batch -> 2 iterations.
    fixmatch = runs['fixmatch_tiny_50p_seed0']
    epoch = fixmatch['epochs'][0]
    assert fixmatch['num_unlabeled'] == 6 and epoch['iters'] == 2
    assert 0 <= epoch['mask_ratio'] <= 1
    assert epoch['num_pseudo_labels'] == pytest.approx(6 * epoch['mask_ratio'])
    assert runs['supervised_r18_demo_50p_seed0']['epochs'][0][
        'mask_ratio'] is None
    # APLT: one offline phase after epoch 1.
    phases = runs['aplt_tiny_50p_seed0']['offline_phases']
    assert [p['epoch'] for p in phases] == [1]
    assert 0 <= phases[0]['num_kept'] <= 6
    assert phases[0]['coverage'] == pytest.approx(phases[0]['num_kept'] / 6)
    assert phases[0]['time'] > 0
    assert results['offline_summary'][0]['method'] == 'aplt_tiny'
    # Commands: one split, then train + test per run.
    commands = results['commands']
    assert sum('tools/make_split.py' in c for c in commands) == 1
    assert sum('tools/train.py' in c for c in commands) == 4
    assert sum('tools/test.py' in c for c in commands) == 4
    assert 'randomness.seed=0' in commands[1]


def test_results_md_and_figures(bench):
    out, results = bench['out'], bench['results']
    with open(out / 'results.md') as f:
        md = f.read()
    assert '| method | 50% top-1 | 50% mean-class | 100% top-1 | ' \
        '100% mean-class |' in md
    summary = {row['method']: row for row in results['summary']}
    for method, kind in (('supervised_r18_demo', 'labeled only'),
                         ('fixmatch_tiny', 'FixMatch'), ('aplt_tiny', 'APLT')):
        top1 = 100 * summary[method]['top1_mean']
        assert f'| {method} ({kind}) | {top1:.1f} ± 0.0 |' in md
    ref = 100 * summary['supervised_r18_demo_full']['top1_mean']
    assert ('| supervised_r18_demo_full (labeled only), reference | - | - | '
            f'{ref:.1f} ± 0.0 |') in md
    assert '| aplt_tiny | 50% | 1 |' in md
    assert results['benchmark_command'] in md
    assert 'tools/benchmark.py --data-root' in results['benchmark_command']
    for command in results['commands']:
        assert command in md
    figures = results['figures']
    assert list(figures['pseudo_labels'].values()) == ['pseudo_labels_50p.png']
    assert list(figures['per_class'].values()) == ['per_class_50p.png']
    assert len(figures['confusion']) == 4
    for path in ['pseudo_labels_50p.png', 'per_class_50p.png'] + list(
            figures['confusion'].values()):
        assert_png(out / path)


def test_skip_existing_reuses_the_runs(bench, capsys):
    out = bench['out']
    checkpoints = {
        run['checkpoint']: os.stat(run['checkpoint']).st_mtime_ns
        for run in bench['results']['runs']
    }
    load_tool().main(bench['args'] + ['--skip-existing'])
    printed = capsys.readouterr().out
    assert printed.count('reusing the finished run') == 4
    assert 'training, output in' not in printed
    with open(out / 'results.json') as f:
        again = json.load(f)
    assert all(run['reused'] for run in again['runs'])
    for old, new in zip(bench['results']['runs'], again['runs']):
        assert new['test'] == old['test']
        assert new['commands'] == old['commands']
    assert again['commands'] == bench['results']['commands']
    for path, mtime in checkpoints.items():
        assert os.stat(path).st_mtime_ns == mtime


def test_dry_run_and_errors(bench, tmp_path, capsys):
    tool = load_tool()
    args = list(bench['args'])
    args[args.index('--out') + 1] = str(tmp_path / 'dry')
    args[args.index('--ratios') + 1] = '0.25'
    tool.main(args + ['--dry-run'])
    printed = capsys.readouterr().out
    assert printed.count('tools/train.py') == 4
    assert printed.count('tools/test.py') == 4
    assert 'tools/make_split.py' in printed and '--ratio 0.25' in printed
    assert 'model.cls_head.num_classes=3' in printed
    assert 'model.prototype_head.num_classes=3' in printed
    assert not (tmp_path / 'dry').exists()
    assert not (bench['data'] / 'splits' / '25p_seed0').exists()

    with pytest.raises(SystemExit, match=r'--ratios: 1.5 is not in \(0, 1\)'):
        tool.main(args[:args.index('--ratios') + 1] + ['1.5'] +
                  args[args.index('--ratios') + 2:])
    with pytest.raises(SystemExit, match='config not found: nope.py'):
        tool.main([
            '--data-root',
            str(bench['data']), '--configs', 'nope.py', '--ratios', '0.5',
            '--out',
            str(tmp_path)
        ])
    with pytest.raises(SystemExit, match='--reference .*labeled-only'):
        tool.main([
            '--data-root',
            str(bench['data']), '--configs', SUPERVISED, '--ratios', '0.5',
            '--reference',
            osp.join(REPO_ROOT, 'configs/fixmatch_r18_demo.py'), '--out',
            str(tmp_path)
        ])
    with pytest.raises(SystemExit, match='--test-list: .*missing.txt'):
        tool.main([
            '--data-root',
            str(bench['data']), '--configs', SUPERVISED, '--ratios', '0.5',
            '--test-list',
            str(tmp_path / 'missing.txt'), '--out',
            str(tmp_path)
        ])


def test_accuracy_table_over_seeds():

    def run(method, seed, top1, mean1, reference=False):
        return dict(
            method=method,
            kind='aplt',
            ratio=1.0 if reference else 0.25,
            reference=reference,
            seed=seed,
            test=dict(top1=top1, mean_class_acc=mean1),
            epochs=[dict(time=2.0), dict(time=4.0)],
            offline_phases=[],
            wall_time=dict(total=10.0 + seed))

    summary = summarize([
        run('aplt', 0, 0.5, 0.4),
        run('aplt', 1, 0.7, 0.6),
        run('full', 0, 0.9, 0.9, reference=True)
    ])
    assert summary[0]['seeds'] == [0, 1]
    assert summary[0]['top1_mean'] == pytest.approx(0.6)
    assert summary[0]['top1_std'] == pytest.approx(0.1)
    assert summary[0]['epoch_time_mean'] == pytest.approx(3.0)
    assert summary[0]['wall_time_mean'] == pytest.approx(10.5)
    table = accuracy_table(summary, [0.25]).splitlines()
    assert table[0] == ('| method | 25% top-1 | 25% mean-class | 100% top-1 '
                        '| 100% mean-class |')
    assert table[2] == '| aplt (APLT) | 60.0 ± 10.0 | 50.0 ± 10.0 | - | - |'
    assert table[3] == ('| full (APLT), reference | - | - | 90.0 ± 0.0 | '
                        '90.0 ± 0.0 |')
