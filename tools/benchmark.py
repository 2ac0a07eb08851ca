# Copyright (c) APLT authors. All rights reserved.
"""Train and test configs over label ratios and seeds on an equal budget.

Example (the demo dataset, ``tools/make_demo_data.py --out data/demo``)::

    python tools/benchmark.py --data-root data/demo \\
        --configs configs/supervised_r18_demo.py \\
            configs/fixmatch_r18_demo.py configs/aplt_r18_demo.py \\
        --ratios 0.25 0.5 --seeds 0 1 2 --val-ratio 0.1 \\
        --reference configs/supervised_r18_demo_full.py \\
        --out benchmarks_out/demo

Each (config, ratio, seed) trains on the split of that ratio and seed (a
list-based config: ``make_split.py`` into ``<out>/splits/``; a config
that takes its ratio and seed as options: ``--split-options``) with
``randomness.seed`` = seed, for the same number of optimizer steps as
every other run of its ratio, then its last checkpoint (and the one
validation selected, if it validates) is tested. A config validating on
its test list is refused. Writes ``results.json`` (every run, per seed),
``results.md`` (mean ± std tables with the steps, the commands) and
figures. See :mod:`aplt_mm.benchmark`.
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from aplt_mm.analysis import report as tables  # noqa: E402
from aplt_mm.benchmark import collect, plan, report, run  # noqa: E402
from aplt_mm.benchmark.plan import BenchmarkError  # noqa: E402
from aplt_mm.evaluation import load_coarse_labels  # noqa: E402


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add = p.add_argument
    add('--configs', nargs='+', required=True, help='configs to compare')
    add('--ratios', nargs='+', type=float, required=True,
        help='labeled fractions in (0, 1), e.g. 0.25 0.5')
    add('--seeds', nargs='+', type=int, default=[0],
        help='seeds: each varies the split and the initialisation')
    add('--reference', help='labeled-only config trained once per seed '
        'on every training clip (the training list; with --split-options, '
        'the data its config names)')
    add('--out', required=True, help='output dir')
    data = p.add_argument_group('data (list-based configs)')
    data.add_argument('--data-root', help='dir with train.txt, test.txt, '
                      'optional val.txt and classes.txt; list paths are '
                      'relative to it')
    for name in ('train', 'val', 'test'):
        data.add_argument(f'--{name}-list', help=f'{name} list (default '
                          f'<data-root>/{name}.txt)')
    data.add_argument('--video-prefix', help='dir the list paths are '
                      'relative to (default <data-root>)')
    data.add_argument('--val-ratio', type=float, help='carve a stratified '
                      'validation list from the training list per seed')
    data.add_argument('--min-per-class', type=int, default=0, metavar='K',
                      help='label at least K clips of every class')
    add('--split-options', nargs='+', default=[], metavar='KEY=TEMPLATE',
        help='--cfg-options of each run\'s data, filled with {ratio}, '
        '{seed}, {pct}, {split}: e.g. train_dataloader.dataset.'
        'label_ratio={ratio} train_dataloader.dataset.split_seed={seed}')
    add('--no-val', action='store_true', help='train without validation')
    add('--classes', help='class names (default <data-root>/classes.txt)')
    add('--coarse-labels', help='class-to-coarse-label file: adds '
        'body-level scores')
    add('--steps', type=int, help='optimizer steps of every run (default: '
        'the first config\'s own steps at each ratio)')
    add('--paper-epochs', action='store_true', help='train every config '
        'for its own epochs (the paper\'s convention; unequal steps)')
    add('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
        help='options of every run, applied last')
    add('--gpus', type=int, default=1, help='processes per run (> 1: '
        'tools/dist_train.sh)')
    add('--jobs', type=int, default=1, help='runs trained at once')
    add('--compare', nargs=2, metavar=('A', 'B'), help='config names of '
        'the per-class figure (default: the first and last config)')
    add('--dry-run', action='store_true', help='make the splits, print '
        'the plan and commands, train nothing')
    add('--skip-existing', action='store_true', help='reuse runs trained '
        'and tested with the same command')
    args = p.parse_args(argv)
    root = args.data_root
    for attr, default in (('train_list', 'train.txt'), ('test_list',
                                                        'test.txt'),
                          ('classes', 'classes.txt'), ('video_prefix', '')):
        if getattr(args, attr) is None and root:
            setattr(args, attr, osp.join(root, default) if default else root)
    if args.val_list is None and root and args.val_ratio is None and \
            osp.isfile(osp.join(root, 'val.txt')):
        args.val_list = osp.join(root, 'val.txt')
    return args


def check(args: argparse.Namespace) -> None:
    """Fail before any run, naming the option at fault."""
    for ratio in args.ratios:
        if not 0 < ratio < 1:
            raise BenchmarkError(f'--ratios: {ratio} is not in (0, 1)')
    for option in ('gpus', 'jobs', 'steps'):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise BenchmarkError(f'--{option} must be >= 1, got {value}')
    if args.steps and args.paper_epochs:
        raise BenchmarkError('--steps and --paper-epochs exclude each other')
    if args.train_list is None and not args.split_options:
        raise BenchmarkError('give the data: --data-root / --train-list '
                             '(list-based configs) or --split-options')
    for option in ('train_list', 'test_list', 'val_list'):
        path = getattr(args, option)
        if path is not None and not osp.isfile(path):
            raise BenchmarkError(f'--{option.replace("_", "-")}: {path} '
                                 'not found')
    args.cfg_options = plan.fill(args.cfg_options)


def main(argv: Optional[List[str]] = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        check(args)
        methods = [plan.load_method(path) for path in args.configs]
        reference = plan.load_method(args.reference) \
            if args.reference else None
        names = [m.name for m in methods]
        if len(set(names)) < len(names):
            raise BenchmarkError(f'configs with the same file name: {names}')
        compare = tuple(args.compare) if args.compare else (
            (names[0], names[-1]) if len(names) > 1 else None)
        if compare and not set(compare) <= set(names):
            raise BenchmarkError(f'--compare {compare}: not among {names}')
        runs = plan.matrix(methods, reference, args.ratios, args.seeds,
                           args.out)
        commands = run.make_splits(runs, args)
        plan.budget(runs, args)
        for r in runs:
            print(f'{r.name}: {r.steps} steps = {r.epochs} epochs x '
                  f'{r.iters_per_epoch}; {r.num_labeled} labeled, '
                  f'{r.num_unlabeled} unlabeled clips; validation: '
                  f'{"yes" if r.has_val else "none"}')
            if args.dry_run:
                print('  ' + run.shell(run.train_command(r, args)))
        if args.dry_run:
            return
        records = run.execute_all(runs, args)
        class_names = collect.class_names(args.classes, runs)
        coarse = load_coarse_labels(args.coarse_labels) \
            if args.coarse_labels else None
        entries = [
            collect.collect(r, rec, len(class_names), coarse)
            for r, rec in zip(runs, records)
        ]
        for entry in entries:
            print(f'{entry["name"]}: top-1 {100 * entry["test"]["top1"]:.1f}'
                  f'%, F1_mean {100 * entry["test"]["f1_mean"]:.1f}%, '
                  f'{entry["steps"]} steps')
            commands += entry['commands']
        data = f'`{args.train_list}` split by tools/make_split.py, test ' \
            f'`{args.test_list}`' if args.train_list else \
            'split options ' + ' '.join(f'`{o}`' for o in args.split_options)
        budget = 'each config\'s own epochs (unequal steps)' \
            if args.paper_epochs else (
                f'{args.steps} optimizer steps per run' if args.steps else
                'every run of a ratio gets the first config\'s steps')
        results = dict(
            benchmark_command=run.shell(
                [run.python(), run.script('benchmark.py')] + argv),
            data=data, budget=budget, class_names=class_names,
            configs=args.configs, reference=args.reference,
            ratios=args.ratios, seeds=args.seeds, commands=commands,
            runs=entries, summary=tables.summarize(entries),
            offline_summary=tables.summarize_offline(entries))
        results['figures'] = report.make_figures(
            entries, args.out, args.ratios, args.seeds[0], compare,
            class_names)
    except (BenchmarkError, FileNotFoundError, ValueError) as e:
        # ValueError: malformed lists and class files (AnnotationError).
        sys.exit(f'benchmark.py: error: {e}')
    report.write(results, args.out)
    print(f'wrote {osp.join(args.out, "results.md")}, results.json and '
          'figures')


if __name__ == '__main__':
    main()
