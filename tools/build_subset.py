# Copyright (c) APLT authors. All rights reserved.
"""Build MA-12 / SMG-5 / iMiGUE-11 from the original annotation lists.

Example::

    python tools/build_subset.py --dataset ma52 \
        --train data/ma52/train_list_videos.txt \
        --val data/ma52/val_list_videos.txt \
        --test data/ma52/test_list_videos.txt \
        --class-names data/ma52/classes.txt --out-dir data/ma12

writes ``ma12_train.txt``, ``ma12_val.txt``, ``ma12_test.txt`` (kept clips,
labels remapped to 0..K-1, extra columns preserved) and ``ma12_classes.txt``
(``<new_id> <original_id> <name>`` per line).

By default the K most frequent classes of the train list are kept (ties
broken by the smaller original label id); new ids follow ascending original
ids. The paper does not list its classes, so this choice may differ from the
authors'; pass ``--classes`` to fix it explicitly.
"""
import argparse
import importlib.util
import os.path as osp
import re
import sys
from typing import Dict, List, Optional

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from aplt_mm.datasets import subsets, video_list  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Keep K classes of a dataset and remap their labels to '
        '0..K-1 (in ascending original-id order).')
    parser.add_argument(
        '--dataset',
        choices=sorted(subsets.SUBSET_PRESETS),
        help='preset: ma52 -> ma12 (K=12), smg -> smg5 (K=5), '
        'imigue -> imigue11 (K=11)')
    parser.add_argument('--train', required=True, help='original train list')
    parser.add_argument('--val', help='original val list (optional)')
    parser.add_argument('--test', required=True, help='original test list')
    parser.add_argument(
        '--class-names',
        help='file with one class name per line; line i names original '
        'label i (0-based); also used to range-check the labels')
    parser.add_argument(
        '--top-k', type=int, help='number of classes K (overrides preset)')
    parser.add_argument(
        '--classes',
        help='comma-separated original label ids to keep, e.g. 3,7,12 '
        '(overrides the automatic top-K choice)')
    parser.add_argument(
        '--name', help='output name prefix (overrides preset), e.g. ma12')
    parser.add_argument('--out-dir', required=True, help='output directory')
    return parser.parse_args(argv)


def _parse_class_ids(text: str) -> List[int]:
    """Parse ``--classes`` ("3,7,12") strictly into original label ids."""
    ids = []
    for token in text.split(','):
        token = token.strip()
        if re.fullmatch(r'-?[0-9]+', token) is None:
            raise ValueError(f'--classes: {token!r} is not an integer class '
                             'id (expected e.g. 3,7,12)')
        ids.append(int(token))
    return ids


def _warn(msg: str) -> None:
    print(f'warning: {msg}', file=sys.stderr)


def run(args: argparse.Namespace) -> None:
    """Build the subset described by ``args`` and print a report.

    Raises:
        AnnotationError | FileNotFoundError | ValueError: On bad input.
    """
    preset = subsets.SUBSET_PRESETS.get(args.dataset) if args.dataset else None
    name = args.name or (preset.name if preset else None)
    if name is None:
        raise ValueError('give --dataset or --name for the output files')

    class_names = (
        subsets.load_class_names(args.class_names)
        if args.class_names else None)
    num_classes = len(class_names) if class_names else None
    splits: Dict[str, List[video_list.VideoRecord]] = {}
    for split in ('train', 'val', 'test'):
        path = getattr(args, split)
        if path is not None:
            splits[split] = video_list.load_video_list(
                path, num_classes=num_classes)
    train = splits['train']

    # The same clip in two splits would leak test data into training.
    seen: Dict[str, str] = {}
    for split, records in splits.items():
        for r in records:
            if r.filename in seen and seen[r.filename] != split:
                _warn(f'{r.filename!r} is in both the {seen[r.filename]} and '
                      f'the {split} list')
            seen.setdefault(r.filename, split)

    if args.classes is not None:
        classes = subsets.check_classes(
            _parse_class_ids(args.classes), train, num_names=num_classes)
        if args.top_k is not None and args.top_k != len(classes):
            raise ValueError(f'--top-k {args.top_k} contradicts --classes '
                             f'({len(classes)} ids)')
        if preset and len(classes) != preset.num_classes:
            _warn(f'{len(classes)} classes given, the {preset.benchmark} '
                  f'benchmark has {preset.num_classes}')
        how = 'given by --classes'
    else:
        k = args.top_k if args.top_k is not None else (
            preset.num_classes if preset else None)
        if k is None:
            raise ValueError('give --dataset, --top-k or --classes')
        classes = subsets.select_top_k_classes(train, k)
        how = (f'the {k} most frequent classes of the train list (ties broken '
               'by the smaller original label id)')
        kept_tied, dropped_tied = subsets.cutoff_ties(train, k)
        if dropped_tied:
            n = subsets.class_counts(train)[kept_tied[0]]
            print(f'note: classes {kept_tied + dropped_tied} all have {n} '
                  f'train clips; kept {kept_tied}, dropped {dropped_tied} '
                  '(smaller id wins)')

    label_map = subsets.make_label_map(classes)
    out = {
        split: subsets.remap_records(recs, label_map)
        for split, recs in splits.items()
    }
    for split, recs in out.items():
        video_list.write_video_list(
            osp.join(args.out_dir, f'{name}_{split}.txt'), recs)
    class_map_lines = subsets.format_class_map(label_map, class_names)
    map_path = osp.join(args.out_dir, f'{name}_classes.txt')
    subsets.write_class_map(map_path, label_map, class_names)

    # Report.
    title = preset.benchmark if preset else name
    print(f'{title}: kept {len(classes)} classes, {how}; new ids follow '
          'ascending original ids.')
    counts = {split: subsets.class_counts(recs) for split, recs in out.items()}
    header = ['new', 'orig'] + list(out) + ['name']
    rows = [header]
    for line in class_map_lines:
        new, orig, cname = line.split(' ', 2)
        rows.append([new, orig] + [str(counts[s][int(new)])
                                   for s in out] + [cname])
    rows.append(['total', ''] + [str(len(out[s])) for s in out] + [''])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    for r in rows:
        cells = [c.rjust(w) for c, w in zip(r[:-1], widths)] + [r[-1]]
        print('  '.join(cells).rstrip())
    print('note: the paper does not list its chosen classes; this subset may '
          'differ from the authors\'. Pin it with --classes for '
          'reproducibility.')

    for split in ('val', 'test'):
        if split not in counts:
            continue
        empty = [
            orig for orig, new in sorted(label_map.items())
            if counts[split][new] == 0
        ]
        if empty:
            _warn(f'kept classes {empty} (original ids) have no {split} clip')
    for split in out:
        print(f'wrote {osp.join(args.out_dir, f"{name}_{split}.txt")} '
              f'({len(out[split])} clips)')
    print(f'wrote {map_path}')


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    try:
        run(args)
    except (video_list.AnnotationError, FileNotFoundError, ValueError,
            OSError) as e:
        # A clear one-line message is more useful than a traceback here.
        print(f'build_subset.py: error: {e}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
