# Copyright (c) APLT authors. All rights reserved.
"""Benchmark training: APLT's online iteration vs FixMatch's, the offline
phase's share, and data loading with 0, 2 and 4 workers.

For each ``--workers`` value it trains an APLT config for two epochs through
``tools/train.py`` with an offline phase after epoch 1 (``warmup_epochs=1,
interval=1``), no validation, logging every iteration. Epoch 1 is the
warm-up, i.e. a FixMatch iteration (Eq. 1-2); epoch 2 is the online phase
(Eq. 9: FixMatch + margin losses on the prototype classifier) on the very
same batches' sizes. From ``scalars.json`` it reports the median iteration
``time`` and ``data_time`` of each epoch (the first ``--skip`` iterations of
an epoch excluded: worker start-up), the online/warm-up ratio, the offline
phase's time split (feature extraction, clustering + thresholds) and both
against one training epoch.

Example (the MSR Action3D benchmark config, data from
``tools/data/skeleton_to_videos.py``)::

    OMP_WAIT_POLICY=PASSIVE python tools/analysis/benchmark_training.py \
        configs/benchmarks/aplt_r18_msr3d_25p.py --workers 0 2 4 \
        --out work_dirs/benchmark_training

prints a markdown table and writes it with the rows (JSON) into ``--out``.
Extra ``--cfg-options`` go to every run (e.g. a smaller dataset).
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.analysis import logs  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time APLT online vs FixMatch iterations, the offline '
        'phase and data loading.')
    parser.add_argument('config', help='an APLT config (APLTOfflineHook '
                        'first in custom_hooks)')
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2, 4],
                        help='train_dataloader.num_workers values')
    parser.add_argument('--skip', type=int, default=2,
                        help='iterations per epoch left out of the medians')
    parser.add_argument('--out', required=True, help='output dir')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='options passed to every run')
    return parser.parse_args(argv)


def train(config: str, work_dir: str, workers: int,
          extra: List[str]) -> float:
    """Two epochs with a phase in between; returns the wall time."""
    options = [
        f'train_dataloader.num_workers={workers}',
        f'train_dataloader.persistent_workers={workers > 0}',
        'train_cfg.max_epochs=2', 'custom_hooks.0.warmup_epochs=1',
        'custom_hooks.0.interval=1', 'default_hooks.logger.interval=1',
        'log_processor.window_size=1', 'default_hooks.checkpoint.interval=100'
    ] + extra
    cmd = [
        sys.executable,
        osp.join(REPO, 'tools', 'train.py'), config, '--work-dir', work_dir,
        '--no-validate', '--cfg-options'
    ] + options
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    with open(osp.join(work_dir, 'benchmark.log'), 'w') as log:
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        sys.exit(f'training failed (exit {code}); see '
                 f'{osp.join(work_dir, "benchmark.log")}')
    return time.time() - start


def summarize(work_dir: str, workers: int, skip: int,
              wall: float) -> Dict:
    """The row of one run."""
    records = logs.load_records(work_dir)
    row = dict(workers=workers, wall_s=wall)
    for epoch, name in ((1, 'warmup'), (2, 'online')):
        lines = [
            r for r in records
            if logs.is_train_record(r) and r.get('epoch') == epoch
        ]
        lines = lines[skip:] if len(lines) > skip else lines
        row[f'{name}_iters'] = len(lines)
        row[f'{name}_time'] = statistics.median(r['time'] for r in lines)
        row[f'{name}_data_time'] = statistics.median(r['data_time']
                                                     for r in lines)
        row[f'{name}_epoch_s'] = sum(r['time'] for r in lines)
    row['online_vs_warmup'] = row['online_time'] / row['warmup_time']
    row['data_share'] = row['warmup_data_time'] / row['warmup_time']
    phase = logs.offline_phases(records)[0]
    row.update(
        phase_s=phase['time'],
        extract_s=phase['extract_time'],
        label_s=phase['label_time'])
    # An epoch at the median iteration time, all iterations counted.
    iters = row['warmup_iters'] + min(skip, row['warmup_iters'])
    row['epoch_s'] = row['warmup_time'] * iters
    row['extract_vs_epoch'] = row['extract_s'] / row['epoch_s']
    row['label_vs_extract'] = row['label_s'] / row['extract_s']
    return row


COLUMNS = [('workers', 'workers', '{}'),
           ('warmup_time', 'FixMatch (warm-up) s/iter', '{:.3f}'),
           ('online_time', 'APLT online s/iter', '{:.3f}'),
           ('online_vs_warmup', 'online / FixMatch', '{:.2f}'),
           ('warmup_data_time', 'data_time s/iter', '{:.3f}'),
           ('data_share', 'data_time share', '{:.1%}'),
           ('epoch_s', 'epoch s', '{:.1f}'),
           ('extract_s', 'phase: extraction s', '{:.1f}'),
           ('label_s', 'phase: clustering + thresholds s', '{:.3f}'),
           ('extract_vs_epoch', 'extraction / epoch', '{:.2f}'),
           ('label_vs_extract', 'clustering / extraction', '{:.4f}')]


def render(rows: List[Dict]) -> str:
    head = '| ' + ' | '.join(title for _, title, _ in COLUMNS) + ' |'
    rule = '|' + ' --- |' * len(COLUMNS)
    body = [
        '| ' + ' | '.join(fmt.format(row[key]) for key, _, fmt in COLUMNS) +
        ' |' for row in rows
    ]
    return '\n'.join([head, rule] + body) + '\n'


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    rows = []
    for workers in args.workers:
        work_dir = osp.join(args.out, f'workers{workers}')
        print(f'training with {workers} worker(s) in {work_dir}', flush=True)
        wall = train(args.config, work_dir, workers, args.cfg_options)
        rows.append(summarize(work_dir, workers, args.skip, wall))
    table = render(rows)
    print(table)
    with open(osp.join(args.out, 'benchmark_training.md'), 'w') as f:
        f.write(f'`{" ".join([osp.basename(sys.executable)] + sys.argv)}`'
                f'\n\n{table}')
    with open(osp.join(args.out, 'benchmark_training.json'), 'w') as f:
        json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
