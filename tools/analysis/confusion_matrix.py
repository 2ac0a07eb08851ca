# Copyright (c) APLT authors. All rights reserved.
"""Confusion matrix of a test dump.

Example::

    python tools/test.py configs/aplt_r18_demo.py APLT.pth --dump aplt.pkl
    python tools/analysis/confusion_matrix.py aplt.pkl \
        --classes data/demo/classes.txt --out confusion.png --normalize

prints the matrix (rows: true class, columns: predicted class; counts, or
percentages of each true class with ``--normalize``) and draws it.
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional, Sequence

import numpy as np

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.analysis import cli, metrics, plots  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (None reads ``sys.argv``)."""
    parser = cli.tool_parser(__doc__)
    parser.add_argument('dump', metavar='DUMP', help='the dump (.pkl)')
    cli.add_classes(parser)
    cli.add_out(parser)
    parser.add_argument(
        '--normalize',
        action='store_true',
        help='show each row as percentages of its true class')
    parser.add_argument(
        '--title',
        help='figure title (default: the dump '
        'name and its accuracy)')
    return parser.parse_args(argv)


def format_matrix(matrix: np.ndarray, class_names: Sequence[str]) -> str:
    """The matrix as text: a row per true class, a column per prediction.

    Args:
        matrix (np.ndarray): ``[C, C]`` values, printed as integers.
        class_names (Sequence[str]): Row labels.

    Returns:
        str: The table, class ids as the column header.
    """
    corner = 'true \\ pred'
    width = max(len(n) for n in list(class_names) + [corner])
    cell = max(5, len(str(int(matrix.max()))) + 1)
    lines = [
        f'{corner:<{width}}' + ''.join(f'{c:>{cell}}'
                                       for c in range(len(class_names)))
    ]
    for name, row in zip(class_names, matrix):
        lines.append(f'{name:<{width}}' + ''.join(f'{int(v):>{cell}}'
                                                  for v in row))
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the tool; errors exit with one message naming the file.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    with cli.exit_on_error('confusion_matrix.py'):
        result = metrics.dump_metrics(args.dump)
        matrix = np.asarray(result['confusion_matrix'])
        class_names = cli.class_names(args.classes, len(matrix))
        title = args.title or (
            f'{osp.basename(args.dump)}: top-1 {100 * result["top1"]:.1f}%,'
            f' mean-class {100 * result["mean_class_acc"]:.1f}%')
        plots.plot_confusion(
            matrix,
            class_names,
            args.out,
            normalize=args.normalize,
            title=title)
    shown = np.rint(metrics.row_percentages(matrix)) if args.normalize \
        else matrix
    print(format_matrix(shown, class_names))
    print(f'{result["num_clips"]} clips, top-1 {100 * result["top1"]:.1f}%,'
          f' mean-class {100 * result["mean_class_acc"]:.1f}%')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
