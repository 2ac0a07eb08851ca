# Copyright (c) APLT authors. All rights reserved.
"""Try the offline labeling's options on a checkpoint's features.

Example::

    python tools/analysis/probe_offline_phase.py \
        configs/benchmarks/aplt_r18_msr3d_25p.py work_dirs/x/epoch_10.pth \
        --out probe.md

extracts the features an offline phase would (clean labeled and unlabeled
clips, one strong copy per labeled clip) once with the checkpoint, runs
:class:`ClusteringLabeler` under a grid of options (the paper's choices,
each alternative alone, the recommended set and each of its choices undone)
and prints one table: assignment accuracy, the nearest-labeled-mean floor,
clusters used, largest cluster share, coverage and precision of the kept
pseudo-labels, labeling time. Accuracies need the unlabeled list's labels.
``--save-features`` / ``--features`` reuse an extraction.
"""
import argparse
import importlib.util
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import load_checkpoint

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.clustering import (PAPER_OPTIONS,  # noqa: E402
                                RECOMMENDED_OPTIONS)
from aplt_mm.engine.extraction import (  # noqa: E402
    extract_offline_features, strong_view_pipeline)
from aplt_mm.engine.runtime import import_custom_modules  # noqa: E402
from aplt_mm.labelers import (ClusteringLabeler,  # noqa: E402
                              OfflineFeatures, phase_report)


def option_grid() -> List[Tuple[str, Dict]]:
    """(name, options): the paper's set, each alternative alone, the
    recommended set and each of its choices changed."""
    paper = dict(PAPER_OPTIONS, prior='labeled')
    robust = dict(RECOMMENDED_OPTIONS)
    alone = [('geometry', 'raw'), ('geometry', 'center_l2'),
             ('labeled_aug', 'off'), ('labeled_aug', 'init'),
             ('labeled_aug', 'aligned'), ('assignment', 'sinkhorn'),
             ('selection', 'freematch'), ('selection', 'ranked'),
             ('selection', 'agreement'), ('selection', 'all')]
    changed = [('assignment', 'nearest'), ('selection', 'eq4'),
               ('selection', 'ranked'), ('geometry', 'center_l2'),
               ('labeled_aug', 'aligned'), ('prior', 'uniform')]
    return [('paper', paper)] + [
        (f'paper, {k}={v}', dict(paper, **{k: v})) for k, v in alone
    ] + [('recommended', robust)] + [
        (f'recommended, {k}={v}', dict(robust, **{k: v})) for k, v in changed
    ]


def extract(cfg: Config, checkpoint: str) -> Tuple[OfflineFeatures, torch.
                                                   Tensor, int]:
    """The features an offline phase would extract, the unlabeled truth
    and the number of classes."""
    from mmaction.registry import DATASETS, MODELS
    model = MODELS.build(cfg.model)
    if getattr(model, 'prototype_head', None) is None:
        raise ValueError('the config builds no prototype head: use an APLT '
                         'config (its pooled features are what is probed)')
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True,
                    logger='silent')
    model.eval()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    test = cfg.get('test_dataloader') or cfg.get('val_dataloader')
    feats = extract_offline_features(
        model, dataset, test.dataset.pipeline,
        strong_view_pipeline(cfg.train_dataloader.dataset.pipeline), 1)
    truth = torch.tensor([
        dataset.get_data_info(dataset.num_labeled + i)['true_label']
        for i in range(dataset.num_unlabeled)
    ], dtype=torch.long)
    return feats, truth, model.num_classes


def probe(feats: OfflineFeatures, truth: torch.Tensor,
          num_classes: int) -> List[Dict]:
    """One row of figures per grid entry."""
    rows = []
    for name, options in option_grid():
        start = time.perf_counter()
        result = ClusteringLabeler(**options)(feats, num_classes)
        seconds = time.perf_counter() - start
        figures, _, _ = phase_report(result, truth, num_classes)
        rows.append(dict(name=name, seconds=seconds, **figures))
    return rows


def render(rows: List[Dict], num_classes: int) -> str:
    """The rows as a markdown table."""

    def pct(row, key):
        return f'{100 * row[key]:.1f}' if key in row else '-'

    lines = [
        '| options | assignment acc | nearest-mean floor | clusters used '
        '| largest share | coverage | kept precision | time (ms) |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |'
    ]
    for r in rows:
        lines.append(
            f'| {r["name"]} | {pct(r, "assignment_acc")} | '
            f'{pct(r, "nearest_mean_acc")} | '
            f'{num_classes - r["empty_classes"]}/{num_classes} | '
            f'{pct(r, "largest_share")} | {pct(r, "coverage")} | '
            f'{pct(r, "pseudo_acc")} | {1000 * r["seconds"]:.0f} |')
    return '\n'.join(lines)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Probe the offline labeling options on the features of '
        'a checkpoint (no training).')
    parser.add_argument('config', help='the APLT config of the run')
    parser.add_argument('checkpoint', help='a checkpoint of that run')
    parser.add_argument('--out', help='also write the table here (.md)')
    parser.add_argument('--save-features', help='save the extraction (.pt)')
    parser.add_argument(
        '--features', help='reuse a --save-features file, skip extraction')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, as in tools/train.py')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    needed = (args.config, args.features or args.checkpoint)
    for path in needed:
        if path is not None and not osp.isfile(path):
            sys.exit(f'probe_offline_phase.py: error: no file {path}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    import_custom_modules(cfg)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    torch.manual_seed(0)  # the strong copies' augmentation draws
    if args.features:
        saved = torch.load(args.features, weights_only=True)
        feats = OfflineFeatures(**saved['features'])
        truth, num_classes = saved['truth'], saved['num_classes']
    else:
        try:
            feats, truth, num_classes = extract(cfg, args.checkpoint)
        except (ValueError, RuntimeError) as err:
            sys.exit(f'probe_offline_phase.py: error: {err}')
        if args.save_features:
            torch.save(dict(features=feats._asdict(), truth=truth,
                            num_classes=num_classes), args.save_features)
    table = render(probe(feats, truth, num_classes), num_classes)
    header = (f'# Offline labeling options on {args.checkpoint}: '
              f'{len(feats.labels)} labeled, {len(truth)} unlabeled clips, '
              f'{num_classes} classes\n\n')
    print(header + table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(header + table + '\n')


if __name__ == '__main__':
    main()
