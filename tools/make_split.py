# Copyright (c) APLT authors. All rights reserved.
"""Split a training list into labeled and unlabeled lists, per class.

Example::

    python tools/make_split.py --ann data/ma12/ma12_train.txt \
        --ratio 0.25 --seed 0 --out-dir data/ma12/splits/r0.25_s0

writes ``labeled.txt`` and ``unlabeled.txt`` (the original lines, in the
original order; the unlabeled list keeps its labels so pseudo-label accuracy
can be measured, the training pipeline must not use them).
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
        '--num-classes',
        type=int,
        default=None,
        help='if given, every label must lie in [0, num_classes)')
    return parser.parse_args(argv)


def format_table(labeled: Sequence[video_list.VideoRecord],
                 unlabeled: Sequence[video_list.VideoRecord]) -> str:
    """Per-class table (class, labeled, unlabeled, total) plus totals.

    Args:
        labeled (Sequence[VideoRecord]): The labeled clips.
        unlabeled (Sequence[VideoRecord]): The unlabeled clips.

    Returns:
        str: The right-aligned table, one row per line.
    """
    n_lab = video_list.count_per_class(labeled)
    n_unl = video_list.count_per_class(unlabeled)
    rows = [('class', 'labeled', 'unlabeled', 'total')]
    for c in sorted(set(n_lab) | set(n_unl)):
        a, b = n_lab.get(c, 0), n_unl.get(c, 0)
        rows.append((str(c), str(a), str(b), str(a + b)))
    rows.append(('total', str(len(labeled)), str(len(unlabeled)),
                 str(len(labeled) + len(unlabeled))))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return '\n'.join('  '.join(cell.rjust(w) for cell, w in zip(row, widths))
                     for row in rows)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    try:
        records = video_list.load_video_list(
            args.ann, num_classes=args.num_classes)
        labeled, unlabeled = splits.stratified_split(records, args.ratio,
                                                     args.seed)
        labeled_path = osp.join(args.out_dir, 'labeled.txt')
        unlabeled_path = osp.join(args.out_dir, 'unlabeled.txt')
        video_list.write_video_list(labeled_path, labeled)
        video_list.write_video_list(unlabeled_path, unlabeled)
    except (video_list.AnnotationError, FileNotFoundError, ValueError,
            OSError) as e:
        # A clear one-line message is more useful than a traceback here.
        print(f'make_split.py: error: {e}', file=sys.stderr)
        sys.exit(1)

    print(f'{args.ann}: {len(records)} clips, ratio={args.ratio}, '
          f'seed={args.seed}')
    print(format_table(labeled, unlabeled))
    print(f'labeled fraction: {len(labeled) / len(records):.4f}')
    if not unlabeled:
        print(
            'warning: the unlabeled list is empty (every class is so small '
            'that rounding labels all of it)',
            file=sys.stderr)
    print(f'wrote {labeled_path} ({len(labeled)} clips)')
    print(f'wrote {unlabeled_path} ({len(unlabeled)} clips)')


if __name__ == '__main__':
    main()
