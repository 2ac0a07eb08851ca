# Copyright (c) APLT authors. All rights reserved.
"""Per-class test accuracy of two runs side by side (the paper's Fig. 4).

Example::

    python tools/test.py configs/fixmatch_r18_demo.py FIXMATCH.pth \
        --dump fixmatch.pkl
    python tools/test.py configs/aplt_r18_demo.py APLT.pth --dump aplt.pkl
    python tools/analysis/compare_per_class.py fixmatch.pkl aplt.pkl \
        --names FixMatch APLT --classes data/demo/classes.txt \
        --out per_class.png

prints the per-class accuracies and their difference (B - A) and draws
them as grouped bars. Both dumps must come from the same test list.
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

from aplt_mm.analysis import cli, metrics, plots  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (None reads ``sys.argv``)."""
    parser = cli.tool_parser(__doc__)
    parser.add_argument('dump_a', metavar='DUMP_A', help='first dump (.pkl)')
    parser.add_argument('dump_b', metavar='DUMP_B', help='second dump (.pkl)')
    parser.add_argument(
        '--names',
        nargs=2,
        default=['A', 'B'],
        metavar=('A', 'B'),
        help='names of the two runs')
    cli.add_classes(parser)
    cli.add_out(parser)
    parser.add_argument(
        '--title', default='Per-class test accuracy', help='figure title')
    return parser.parse_args(argv)


def format_table(names: List[str], class_names: List[str],
                 acc_a: List[Optional[float]],
                 acc_b: List[Optional[float]]) -> str:
    """Per-class accuracies (%) of A and B and B - A, one class a line.

    Args:
        names (list[str]): Names of A and B.
        class_names (list[str]): Class names.
        acc_a (list[float | None]): Per-class accuracy of A (fractions).
        acc_b (list[float | None]): Per-class accuracy of B.

    Returns:
        str: The table.
    """
    width = max(len(n) for n in class_names + ['class'])
    lines = [
        f'{"class":<{width}}  {names[0]:>8}  {names[1]:>8}  '
        f'{"B - A":>7}'
    ]
    for name, a, b in zip(class_names, acc_a, acc_b):
        if a is None or b is None:
            lines.append(f'{name:<{width}}  {"-":>8}  {"-":>8}  {"-":>7}')
            continue
        lines.append(f'{name:<{width}}  {100 * a:8.1f}  {100 * b:8.1f}  '
                     f'{100 * (b - a):+7.1f}')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the tool; errors exit with one message naming the file.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    with cli.exit_on_error('compare_per_class.py'):
        results = [
            metrics.dump_metrics(args.dump_a),
            metrics.dump_metrics(args.dump_b)
        ]
        num_classes = len(results[0]['per_class_acc'])
        if len(results[1]['per_class_acc']) != num_classes:
            raise ValueError(
                f'{args.dump_a} scores {num_classes} classes but '
                f'{args.dump_b} scores {len(results[1]["per_class_acc"])}')
        counts = [[sum(row) for row in r['confusion_matrix']]
                  for r in results]
        if counts[0] != counts[1]:
            raise ValueError(
                f'{args.dump_a} and {args.dump_b} have different test clips '
                f'per class ({counts[0]} vs {counts[1]}): not the same test '
                'list')
        class_names = cli.class_names(args.classes, num_classes)
        accs = [r['per_class_acc'] for r in results]
        plots.plot_per_class(
            accs, args.names, class_names, args.out, title=args.title)
    print(format_table(list(args.names), class_names, *accs))
    for name, r in zip(args.names, results):
        print(f'{name}: top-1 {100 * r["top1"]:.1f}%, mean-class '
              f'{100 * r["mean_class_acc"]:.1f}%')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
