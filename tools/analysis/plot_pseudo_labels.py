# Copyright (c) APLT authors. All rights reserved.
"""Pseudo-label accuracy and count vs epoch (the paper's Fig. 2b).

Example::

    python tools/analysis/plot_pseudo_labels.py \
        work_dirs/fixmatch_r18_demo work_dirs/aplt_r18_demo \
        --names FixMatch APLT --out pseudo_labels.png

reads each work dir's ``<timestamp>/vis_data/scalars.json``. FixMatch's
online pseudo-labels are summarised per epoch (count = mean mask ratio x
unlabeled clips, accuracy over the epoch's pseudo-labels); an APLT run also
gets its offline phases (kept pseudo-labels and their accuracy), drawn
solid, its FixMatch part dashed. Per-epoch values are exact when every
iteration was logged (``default_hooks.logger.interval=1``), else they come
from the logged iterations. The number of unlabeled clips comes from the
config the run saved (run this from the directory training ran in) or from
an offline phase; ``--num-unlabeled`` overrides it.
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.analysis import cli, logs, plots  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (None reads ``sys.argv``)."""
    parser = cli.tool_parser(__doc__)
    parser.add_argument(
        'work_dirs',
        nargs='+',
        metavar='WORK_DIR',
        help='work dirs of training runs')
    cli.add_out(parser)
    parser.add_argument(
        '--names',
        nargs='+',
        help='legend name of each work dir (default: the dir names)')
    parser.add_argument(
        '--num-unlabeled',
        type=int,
        help='number of unlabeled clips of every run (default: from the '
        'saved config or an offline phase)')
    parser.add_argument(
        '--title',
        default='Pseudo-labels during training',
        help='figure title')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the tool; errors exit with one message naming the file.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    names = args.names or [
        osp.basename(osp.normpath(d)) for d in args.work_dirs
    ]
    with cli.exit_on_error('plot_pseudo_labels.py'):
        if len(names) != len(args.work_dirs):
            raise ValueError(f'--names: {len(names)} names for '
                             f'{len(args.work_dirs)} work dirs')
        runs = []
        for name, work_dir in zip(names, args.work_dirs):
            if not osp.isdir(work_dir):
                raise FileNotFoundError(f'work dir not found: {work_dir}')
            log = logs.load_run_log(work_dir, num_unlabeled=args.num_unlabeled)
            if not plots.has_pseudo_label_stats(log):
                raise ValueError(
                    f'{work_dir}: no pseudo-label statistics in its logs '
                    '(no mask_ratio, no offline phase): not a FixMatch or '
                    'APLT run')
            if log['num_unlabeled'] is None and any(e['mask_ratio'] is not None
                                                    for e in log['epochs']):
                raise ValueError(
                    f'{work_dir}: cannot tell its number of unlabeled clips '
                    '(its saved config names an unlabeled list that is not '
                    'readable from here); pass --num-unlabeled')
            runs.append((name, log))
        plots.plot_pseudo_labels(runs, args.out, title=args.title)
    for name, log in runs:
        print(f'{name}: {len(log["epochs"])} epochs, '
              f'{len(log["offline_phases"])} offline phases, '
              f'{log["num_unlabeled"]} unlabeled clips')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
