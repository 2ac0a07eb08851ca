"""tools/benchmark.py on a tiny matrix: equal steps, seeds, no test
selection; the runner's planning and report pieces."""
import importlib.util
import json
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

from aplt_mm.analysis.logs import load_records
from aplt_mm.analysis.report import accuracy_table, summarize
from aplt_mm.benchmark.plan import schedule_options
from conftest import REPO_ROOT, run_tool

# Its module fixture trains once: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group('benchmark')

TOOL = osp.join(REPO_ROOT, 'tools', 'benchmark.py')
CLASSES = ['nod', 'shake', 'tilt']
SMALL = """
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(num_classes=3))
test_dataloader = dict(num_workers=0, persistent_workers=False,
                       dataset=dict(num_classes=3))
"""
# Labeled-only: 3 labeled clips per batch; FixMatch: 2 labeled + 4
# unlabeled. At 50% of 9 training clips (3 per class after carving 1 per
# class for validation): 6 labeled -> 2 iterations per epoch, and 3
# unlabeled -> 1 iteration per epoch (one pass over the unlabeled set).
CONFIGS = {
    'supervised_tiny.py': ('configs/supervised_r18_demo.py', """
model = dict(cls_head=dict(num_classes=3))
train_dataloader = dict(batch_size=3, num_workers=0,
                        persistent_workers=False, dataset=dict(num_classes=3))
"""),
    'fixmatch_tiny.py': ('configs/fixmatch_r18_demo.py', """
model = dict(recognizer=dict(cls_head=dict(num_classes=3)))
train_dataloader = dict(
    batch_size=6, num_workers=0, persistent_workers=False,
    sampler=dict(labeled_batch_size=2, unlabeled_ratio=2),
    dataset=dict(num_classes=3))
"""),
}


def load_tool():
    spec = importlib.util.spec_from_file_location('benchmark_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_list(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


@pytest.fixture(scope='module')
def setup(tiny_data, tmp_path_factory):
    """A data root in the demo layout, tiny configs, the benchmark's
    arguments."""
    root = tmp_path_factory.mktemp('bench')
    data = root / 'data'
    data.mkdir()
    # 4 training clips per class, test 2 per class; paths relative to the
    # videos dir.
    train = read_list(tiny_data['labeled']) + [
        row for row in read_list(tiny_data['unlabeled'])
        if row[0].endswith(('_0.mp4', '_1.mp4'))
    ]
    for name, rows in (('train', train),
                       ('test', read_list(tiny_data['test']))):
        (data / f'{name}.txt').write_text(''.join(f'{p} {label}\n'
                                                  for p, label in rows))
    (data / 'classes.txt').write_text('\n'.join(CLASSES) + '\n')
    configs = root / 'configs'
    configs.mkdir()
    for name, (base, text) in CONFIGS.items():
        (configs / name).write_text(
            f'_base_ = [{osp.join(REPO_ROOT, base)!r}]\n' + text + SMALL)
    args = [
        '--data-root', str(data), '--video-prefix', tiny_data['videos'],
        '--configs', str(configs / 'supervised_tiny.py'),
        str(configs / 'fixmatch_tiny.py'), '--ratios', '0.5', '--seeds', '0',
        '1', '--val-ratio', '0.25', '--steps', '2', '--jobs', '2', '--out',
        str(root / 'out')
    ]
    return dict(data=data, configs=configs, out=root / 'out', args=args,
                videos=tiny_data['videos'])


@pytest.fixture(scope='module')
def bench(setup):
    """One benchmark run of the tiny matrix."""
    proc = run_tool([TOOL] + setup['args'])
    with open(setup['out'] / 'results.json') as f:
        results = json.load(f)
    return dict(setup, proc=proc, results=results)


def test_equal_steps_and_seeds(bench):
    results, out = bench['results'], bench['out']
    runs = {run['name']: run for run in results['runs']}
    assert list(runs) == [
        'supervised_tiny_50p_seed0', 'supervised_tiny_50p_seed1',
        'fixmatch_tiny_50p_seed0', 'fixmatch_tiny_50p_seed1'
    ]
    for name, run in runs.items():
        semi = name.startswith('fixmatch')
        # Equal budget: 2 steps = 1 epoch x 2 (labeled only) = 2 x 1.
        assert (run['iters_per_epoch'], run['epochs_trained']) == \
            ((1, 2) if semi else (2, 1))
        assert run['steps'] == 2
        assert (run['num_labeled'], run['num_unlabeled']) == \
            ((6, 3) if semi else (6, 0))
        # What the Runner logged: 2 training iterations in all.
        records = load_records(run['work_dir'])
        iters = [r['iter'] for r in records if 'loss' in r]
        assert max(iters) == 2 and len(run['epochs']) == (2 if semi else 1)
        # The schedule scaled with the epochs: cosine over the run.
        assert f'param_scheduler.0.T_max={run["epochs_trained"]}' in \
            run['commands'][0]
        assert f'randomness.seed={run["seed"]}' in run['commands'][0]
        # Validated on the carved list, tested on the test list.
        split = out / 'splits' / f'50p_seed{run["seed"]}'
        assert f'val_dataloader.dataset.ann_file={split}/val.txt' in \
            run['commands'][0]
        assert run['best_checkpoint'] and run['test_best']
        test = run['test']
        assert test['num_clips'] == 6
        assert sum(map(sum, test['confusion_matrix'])) == 6
        assert 0 <= test['f1_macro'] <= 1
    # Seeds vary the split: labeled lists differ, validation is disjoint
    # from training.
    lists = [read_list(out / 'splits' / f'50p_seed{s}' / 'labeled.txt')
             for s in (0, 1)]
    assert lists[0] != lists[1]
    for s in (0, 1):
        split = out / 'splits' / f'50p_seed{s}'
        val = {p for p, _ in read_list(split / 'val.txt')}
        assert len(val) == 3
        assert not val & {p for p, _ in read_list(split / 'train.txt')}
    # Aggregation over the two seeds, per-seed values kept.
    row = next(r for r in results['summary']
               if r['method'] == 'fixmatch_tiny')
    top1 = [runs[f'fixmatch_tiny_50p_seed{s}']['test']['top1']
            for s in (0, 1)]
    assert row['seeds'] == [0, 1]
    assert row['top1_mean'] == pytest.approx(sum(top1) / 2)
    # Sample std of two values: |a - b| / sqrt(2).
    assert row['top1_std'] == pytest.approx(abs(top1[0] - top1[1]) / 2**0.5)
    assert row['steps_mean'] == 2
    with open(out / 'results.md') as f:
        md = f.read()
    assert '| method | 50% top-1 | 50% F1_mean | 50% steps |' in md
    assert f'| fixmatch_tiny | {100 * row["top1_mean"]:.1f} ± ' \
        f'{100 * row["top1_std"]:.1f} |' in md
    assert 'checkpoint validation selected' in md
    assert results['benchmark_command'] in md
    # One split per seed, then train + test of each run, all recorded.
    commands = results['commands']
    assert sum('tools/make_split.py' in c for c in commands) == 2
    assert sum('tools/train.py' in c for c in commands) == 4
    assert all(c in md for c in commands)


def test_skip_existing_reuses_the_runs(bench, capsys):
    load_tool().main(bench['args'] + ['--skip-existing'])
    assert '0 run(s) to train and test, 2 at a time, 4 reused' in \
        capsys.readouterr().out


def test_validation_on_the_test_list_is_refused(setup, tmp_path, capsys):
    tool = load_tool()
    args = list(setup['args'])
    args[args.index('--out') + 1] = str(tmp_path / 'out')
    i = args.index('--val-ratio')
    del args[i:i + 2]
    with pytest.raises(SystemExit, match='validation split is the test '
                       'list'):
        tool.main(args + ['--val-list', str(setup['data'] / 'test.txt')])
    # A copy of the test list is the test list too.
    copy = tmp_path / 'val.txt'
    copy.write_text((setup['data'] / 'test.txt').read_text())
    with pytest.raises(SystemExit, match='--val-ratio'):
        tool.main(args + ['--val-list', str(copy)])
    assert not (tmp_path / 'out' / 'runs').exists()
    # Without validation the runner tests the last checkpoint only.
    capsys.readouterr()
    tool.main(args + ['--no-val', '--dry-run'])
    printed = capsys.readouterr().out
    assert 'validation: none' in printed and 'val_dataloader=None' in printed
    # The paper's convention keeps each config's 12 epochs (unequal steps);
    # the default budget is the first config's own steps for every run.
    args = list(setup['args'])
    args[args.index('--out') + 1] = str(tmp_path / 'out')
    i = args.index('--steps')
    del args[i:i + 2]
    tool.main(args + ['--dry-run', '--paper-epochs'])
    printed = capsys.readouterr().out
    assert 'supervised_tiny_50p_seed0: 24 steps = 12 epochs x 2' in printed
    assert 'fixmatch_tiny_50p_seed1: 12 steps = 12 epochs x 1' in printed
    tool.main(args + ['--dry-run'])
    assert 'fixmatch_tiny_50p_seed0: 24 steps = 24 epochs x 1' in \
        capsys.readouterr().out


def test_errors_name_the_option(setup, tmp_path):
    tool = load_tool()
    base = ['--data-root', str(setup['data']), '--out', str(tmp_path),
            '--video-prefix', setup['videos'],
            '--configs', str(setup['configs'] / 'supervised_tiny.py')]
    with pytest.raises(SystemExit, match=r'--ratios: 1.5 is not in \(0, 1\)'):
        tool.main(base + ['--ratios', '1.5'])
    with pytest.raises(SystemExit, match='config not found: nope.py'):
        tool.main(base[:-1] + ['nope.py', '--ratios', '0.5'])
    with pytest.raises(SystemExit, match='--test-list: .*missing.txt'):
        tool.main(base + ['--ratios', '0.5', '--test-list',
                          str(tmp_path / 'missing.txt')])
    with pytest.raises(SystemExit, match='--cfg-options train_cfg.max_ep'):
        tool.main(base + ['--ratios', '0.5', '--val-ratio', '0.25',
                          '--cfg-options', 'train_cfg.max_epochs=3'])
    # A list naming missing videos: the config and run are named.
    with pytest.raises(SystemExit, match=r'supervised_tiny.py \(supervised_'
                       r'tiny_50p_seed0\): cannot build the training data: '
                       r'.*missing'):
        tool.main(base[:4] + base[6:] + ['--ratios', '0.5', '--val-ratio',
                                         '0.25'])


def test_schedule_scaling_of_aplt():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs/benchmarks/aplt_r18_msr3d_25p.py'))
    assert cfg.train_cfg.max_epochs == 30
    options = schedule_options(cfg, 60)
    assert options == {
        'train_cfg.max_epochs': 60,
        'train_cfg.val_interval': 10,
        'param_scheduler.0.begin': 0,
        'param_scheduler.0.end': 60,
        'param_scheduler.0.T_max': 60,
        'custom_hooks.0.warmup_epochs': 20,
        'custom_hooks.0.interval': 10,
    }


def test_accuracy_table_over_seeds():

    def run(method, seed, top1, f1, reference=False):
        return dict(
            method=method,
            ratio=1.0 if reference else 0.25,
            reference=reference,
            seed=seed,
            steps=120,
            test=dict(top1=top1, f1_mean=f1),
            test_best=None,
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
    assert summary[0]['top1_std'] == pytest.approx(0.02**0.5)  # ddof 1
    assert summary[0]['epoch_time_mean'] == pytest.approx(3.0)
    assert summary[0]['best_top1_mean'] is None
    table = accuracy_table(summary, [0.25]).splitlines()
    assert table[0] == ('| method | 25% top-1 | 25% F1_mean | 25% steps | '
                        '100% top-1 | 100% F1_mean | 100% steps |')
    assert table[2] == '| aplt | 60.0 ± 14.1 | 50.0 ± 14.1 | 120 | - | - | - |'
    assert table[3] == ('| full (reference) | - | - | - | 90.0 ± 0.0 | '
                        '90.0 ± 0.0 | 120 |')


def test_split_options_for_configs_that_take_ratio_and_seed():
    """Configs declaring their ratio and seed as dataset options get them
    from templates, no lists involved."""
    import argparse

    from aplt_mm.benchmark.plan import (BenchmarkError, data_options,
                                        load_method, matrix)
    method = load_method(osp.join(REPO_ROOT, 'configs/fixmatch_r18_demo.py'))
    run = matrix([method], None, [0.25], [3], 'out')[0]
    args = argparse.Namespace(
        train_list=None, no_val=True, split_options=[
            'train_dataloader.dataset.label_ratio={ratio}',
            'train_dataloader.dataset.split_seed={seed}',
            'work_dir_tag={pct}p'
        ])
    options = data_options(run, args)
    assert options['train_dataloader.dataset.label_ratio'] == '0.25'
    assert options['train_dataloader.dataset.split_seed'] == '3'
    assert options['work_dir_tag'] == '25p'
    assert options['randomness.seed'] == 3
    assert options['val_dataloader'] is None
    args.split_options = ['train_dataloader.dataset.label_ratio={rate}']
    with pytest.raises(BenchmarkError, match="unknown field 'rate'"):
        data_options(run, args)


def test_list_runs_of_ratio_configs_read_the_lists_as_they_are():
    """A video config that draws its split by label_ratio gets
    make_split's lists with label_ratio=None, so it is not split twice."""
    import argparse

    from aplt_mm.benchmark.plan import (data_options, is_semi, load_method,
                                        matrix, resolved)
    semi, supervised = (load_method(osp.join(REPO_ROOT, 'configs', name))
                        for name in ('fixmatch_r18_demo.py',
                                     'supervised_r18_demo.py'))
    assert is_semi(semi) and not is_semi(supervised)
    args = argparse.Namespace(
        train_list='train.txt', test_list='test.txt', val_list=None,
        val_ratio=None, video_prefix='videos', no_val=False, split_options=[])
    for method, lists in ((semi, ('labeled', 'unlabeled')),
                          (supervised, ('labeled', ))):
        run = matrix([method], None, [0.25], [1], 'out')[0]
        dataset = resolved(method.cfg,
                           data_options(run, args)).train_dataloader.dataset
        assert dataset.label_ratio is None
        assert dataset.ann_file == osp.join(run.split_dir, 'labeled.txt')
        assert dataset.get('unlabeled_ann_file') == (osp.join(
            run.split_dir, 'unlabeled.txt') if len(lists) == 2 else None)


def test_skeleton_configs_plan_from_a_pose_pickle(tmp_path, capsys):
    """The skeleton configs take their ratio and seed as options and read
    every split from one binary pickle: validation on its ``val`` split is
    accepted, on its ``test`` split refused."""
    from skeleton_data import make_pose_pickle

    pkl = str(tmp_path / 'pose.pkl')
    make_pose_pickle(pkl, per_split=dict(train=4, val=1, test=2))
    tool = load_tool()
    configs = [
        osp.join(REPO_ROOT, 'configs/skeleton', f'{name}_stgcn_msr3d.py')
        for name in ('supervised', 'aplt_robust')
    ]
    data = [f'{split}_dataloader.dataset.{key}={value}'
            for split in ('train', 'val', 'test')
            for key, value in (('ann_file', pkl), ('num_classes', 3),
                               ('split', split))]
    args = ['--configs', *configs, '--ratios', '0.5', '--seeds', '1',
            '--steps', '6', '--out', str(tmp_path / 'out'), '--dry-run',
            '--split-options', 'train_dataloader.dataset.label_ratio={ratio}',
            'train_dataloader.dataset.split_seed={seed}', '--cfg-options',
            *data]
    tool.main(args)
    printed = capsys.readouterr().out
    assert 'supervised_stgcn_msr3d_50p_seed1: 6 steps' in printed
    assert 'aplt_robust_stgcn_msr3d_50p_seed1: 6 steps' in printed
    assert 'validation: yes' in printed
    # A copy of the pickle is the same data: its test split is refused.
    copy = shutil.copyfile(pkl, tmp_path / 'copy.pkl')
    with pytest.raises(SystemExit, match='validation split is the test'):
        tool.main(args + [f'val_dataloader.dataset.ann_file={copy}',
                          'val_dataloader.dataset.split=test'])
