# Copyright (c) APLT authors. All rights reserved.
"""Split a training list into labeled and unlabeled lists, per class.

Example::

    python tools/make_split.py --ann data/ma12/ma12_train.txt \
        --ratio 0.25 --seed 0 --out-dir data/ma12/splits/r0.25_s0

writes ``labeled.txt`` and ``unlabeled.txt`` (the original lines, in the
original order; the unlabeled list keeps its labels so pseudo-label accuracy
can be measured, the training pipeline must not use them).
``--min-per-class K`` labels at least K clips of every class (long-tailed
lists); the table marks with ``*`` the classes where it overrode the
ratio. ``--val-ratio R`` first carves a stratified ``val.txt`` from the
list and writes the rest, which is split, as ``train.txt``, so a benchmark
validates on training clips, never on its test list. The tool refuses to
write over its input.
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional, Sequence

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from aplt_mm.datasets import splits, video_list  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Stratified labeled/unlabeled split of a video list: '
        'each class c with n_c clips gets floor(ratio * n_c + 0.5) labeled '
        'clips.')
    parser.add_argument(
        '--ann',
        required=True,
        help='training video list, one "<path> <label>" per line')
    parser.add_argument(
        '--ratio',
        type=float,
        required=True,
        help='labeled fraction of every class, in (0, 1), e.g. 0.25')
    parser.add_argument(
        '--seed', type=int, default=0, help='random seed (default: 0)')
    parser.add_argument(
        '--out-dir',
        required=True,
        help='directory for labeled.txt and unlabeled.txt')
    parser.add_argument(
        '--min-per-class',
        type=int,
        default=0,
        metavar='K',
        help='label at least K clips of every class (all of a smaller '
        'class), whatever the ratio gives (default 0)')
    parser.add_argument(
        '--val-ratio',
        type=float,
        default=None,
        help='first carve this stratified fraction of every class into '
        'val.txt (same clips for every --ratio of a seed); the rest is '
        'split')
    parser.add_argument(
        '--num-classes',
        type=int,
        default=None,
        help='if given, every label must lie in [0, num_classes)')
    return parser.parse_args(argv)


def format_table(labeled: Sequence[video_list.VideoRecord],
                 unlabeled: Sequence[video_list.VideoRecord],
                 ratio: Optional[float] = None) -> str:
    """Per-class table (class, labeled, unlabeled, total) plus totals.

    Args:
        labeled (Sequence[VideoRecord]): The labeled clips.
        unlabeled (Sequence[VideoRecord]): The unlabeled clips.
        ratio (float, optional): The ratio asked for; a labeled count
            above what it gives is marked ``*`` (``--min-per-class``).

    Returns:
        str: The right-aligned table, one row per line.
    """
    n_lab = video_list.count_per_class(labeled)
    n_unl = video_list.count_per_class(unlabeled)
    rows = [('class', 'labeled', 'unlabeled', 'total')]
    for c in sorted(set(n_lab) | set(n_unl)):
        a, b = n_lab.get(c, 0), n_unl.get(c, 0)
        raised = ratio is not None and a > splits.num_labeled(ratio, a + b)
        rows.append((str(c), f'{a}*' if raised else str(a), str(b),
                     str(a + b)))
    rows.append(('total', str(len(labeled)), str(len(unlabeled)),
                 str(len(labeled) + len(unlabeled))))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return '\n'.join('  '.join(cell.rjust(w) for cell, w in zip(row, widths))
                     for row in rows)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    labeled_path = osp.join(args.out_dir, 'labeled.txt')
    unlabeled_path = osp.join(args.out_dir, 'unlabeled.txt')
    val_path = osp.join(args.out_dir, 'val.txt')
    train_path = osp.join(args.out_dir, 'train.txt')
    try:
        outputs = [labeled_path, unlabeled_path]
        if args.val_ratio is not None:
            outputs += [val_path, train_path]
        for path in outputs:
            if osp.exists(path) and osp.samefile(path, args.ann):
                raise ValueError(f'--out-dir {args.out_dir}: {path} is the '
                                 f'input list --ann {args.ann}; refusing '
                                 'to overwrite it')
        records = video_list.load_video_list(
            args.ann, num_classes=args.num_classes)
        val = []
        if args.val_ratio is not None:
            records, val = splits.carve_validation(records, args.val_ratio,
                                                   args.seed)
        labeled, unlabeled = splits.stratified_split(
            records, args.ratio, args.seed, args.min_per_class)
        video_list.write_video_list(labeled_path, labeled)
        video_list.write_video_list(unlabeled_path, unlabeled)
        if args.val_ratio is not None:
            video_list.write_video_list(val_path, val)
            video_list.write_video_list(train_path, records)
    except (video_list.AnnotationError, FileNotFoundError, ValueError,
            OSError) as e:
        # A clear one-line message is more useful than a traceback here.
        print(f'make_split.py: error: {e}', file=sys.stderr)
        sys.exit(1)

    print(f'{args.ann}: {len(records) + len(val)} clips, '
          f'ratio={args.ratio}, seed={args.seed}')
    table = format_table(labeled, unlabeled, args.ratio)
    print(table)
    if '*' in table:
        print(f'*: --min-per-class {args.min_per_class} overrode the ratio')
    print(f'labeled fraction: {len(labeled) / len(records):.4f}')
    if not unlabeled:
        print(
            'warning: the unlabeled list is empty (every class is so small '
            'that rounding labels all of it)',
            file=sys.stderr)
    print(f'wrote {labeled_path} ({len(labeled)} clips)')
    print(f'wrote {unlabeled_path} ({len(unlabeled)} clips)')
    if args.val_ratio is not None:
        print(f'wrote {val_path} ({len(val)} clips, stratified, '
              f'--val-ratio {args.val_ratio}) and {train_path} (the '
              f'{len(records)} others)')


if __name__ == '__main__':
    main()
