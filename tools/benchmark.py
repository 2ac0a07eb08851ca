# Copyright (c) APLT authors. All rights reserved.
"""Run methods x label ratios x seeds and report accuracy, logs and figures.

Example (the demo dataset, ``tools/make_demo_data.py --out data/demo``)::

    python tools/benchmark.py --data-root data/demo \
        --configs configs/supervised_r18_demo.py \
            configs/fixmatch_r18_demo.py configs/aplt_r18_demo.py \
        --ratios 0.25 0.5 --seeds 0 1 \
        --reference configs/supervised_r18_demo_full.py \
        --out benchmarks_out/demo

For every (config, ratio, seed) it makes the labeled/unlabeled split if it
is missing (``tools/make_split.py`` into
``<data-root>/splits/<pct>p_seed<seed>``), trains the config on it in
``<out>/runs/<config>_<pct>p_seed<seed>`` (``tools/train.py``, or
``tools/dist_train.sh`` with ``--gpus`` > 1) and tests its last checkpoint
with ``tools/test.py --dump``. The reference config trains once per seed on
the whole training list. Then it writes

- ``<out>/results.json``: every run's test metrics (top-1, mean-class and
  per-class accuracy, confusion matrix), per-epoch training statistics
  (FixMatch mask ratio and pseudo-label accuracy, time), offline phases,
  wall times and commands, plus the aggregates over seeds;
- ``<out>/results.md``: the tables (method x ratio, offline phases, wall
  time) and the exact commands;
- PNGs: ``pseudo_labels_<pct>p.png`` (the paper's Fig. 2b),
  ``per_class_<pct>p.png`` (Fig. 4, left; FixMatch vs APLT by default, see
  ``--compare``) and ``confusion/<run>.png``.

The runs log every iteration (``default_hooks.logger.interval=1``,
``log_processor.window_size=1``) so per-epoch figures are exact;
``--cfg-options`` (applied to every run, after the benchmark's own options)
can override that. ``--skip-existing`` reuses runs that finished (trained
and tested), e.g. to regenerate the report.
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import Config  # noqa: E402

from aplt_mm.analysis import logs, metrics, plots, report  # noqa: E402
from aplt_mm.datasets.video_list import load_video_list  # noqa: E402

TOOLS = osp.dirname(osp.abspath(__file__))
RUN_RECORD = 'benchmark_run.json'
DUMP = 'preds.pkl'
# Log every iteration with its own values (no smoothing window), so the
# per-epoch statistics are exact.
LOG_OPTIONS = [
    'default_hooks.logger.interval=1', 'log_processor.window_size=1'
]
DATASET_TYPES = ('SemiVideoDataset', 'VideoListDataset')


class BenchmarkError(Exception):
    """A problem reported to the user as one message, without traceback."""


@dataclass
class Method:
    """A config of the benchmark.

    Attributes:
        config (str): Config path.
        name (str): Its file name without ``.py``.
        kind (str): ``'supervised'`` (labeled only), ``'fixmatch'``
            (APLTRecognizer without prototypes), ``'aplt'``, or a
            SemiRecognizer's algorithm in lower case (``'flexmatch'``...).
        cfg (Config): The loaded config.
    """

    config: str
    name: str
    kind: str
    cfg: Config


@dataclass
class RunSpec:
    """One training + test run.

    Attributes:
        method (Method): The config.
        ratio (float): Labeled fraction (1.0 for the reference).
        seed (int): ``randomness.seed`` and split seed.
        reference (bool): Whether this is the fully supervised reference.
        work_dir (str): ``<out>/runs/<name>``.
        labeled (str): List the labeled part trains on.
        unlabeled (str | None): Unlabeled list (None for the reference).
        split_dir (str | None): Where the split lives.
    """

    method: Method
    ratio: float
    seed: int
    reference: bool
    work_dir: str
    labeled: str
    unlabeled: Optional[str]
    split_dir: Optional[str]

    @property
    def name(self) -> str:
        """The run's name, its work dir's base name."""
        return osp.basename(self.work_dir)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line; list options default under --data-root.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Train and test configs over label ratios and seeds; '
        'write results.json, results.md and figures.')
    parser.add_argument(
        '--data-root',
        required=True,
        help='dataset dir with train.txt, val.txt, test.txt, classes.txt '
        'and videos (list paths relative to it); splits go to '
        '<data-root>/splits/')
    parser.add_argument(
        '--configs', nargs='+', required=True, help='configs to benchmark')
    parser.add_argument(
        '--ratios',
        nargs='+',
        type=float,
        required=True,
        help='labeled fractions, each in (0, 1), e.g. 0.25 0.5')
    parser.add_argument(
        '--seeds', nargs='+', type=int, default=[0], help='seeds (default 0)')
    parser.add_argument(
        '--reference',
        help='labeled-only config trained once per seed on the whole '
        'training list')
    parser.add_argument('--out', required=True, help='output dir')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='options passed to every train and test command')
    parser.add_argument(
        '--gpus',
        type=int,
        default=1,
        help='processes per training run: > 1 trains with '
        'tools/dist_train.sh (default 1)')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='runs trained at the same time (default 1); e.g. several '
        'small runs sharing one large GPU')
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='print the commands without running anything')
    parser.add_argument(
        '--skip-existing',
        action='store_true',
        help='reuse runs whose training and test finished')
    parser.add_argument(
        '--compare',
        nargs=2,
        metavar=('CONFIG_A', 'CONFIG_B'),
        help='config names (file names without .py) of the per-class '
        'figure; default: the first FixMatch and the first APLT config')
    parser.add_argument(
        '--train-list', help='training list (default <data-root>/train.txt)')
    parser.add_argument(
        '--val-list', help='validation list (default <data-root>/val.txt)')
    parser.add_argument(
        '--test-list', help='test list (default <data-root>/test.txt)')
    parser.add_argument(
        '--video-prefix',
        help='dir the list paths are relative to (default <data-root>)')
    parser.add_argument(
        '--classes',
        help='class names, one per line or build_subset.py\'s "<id> '
        '<original id> <name>" lines (default <data-root>/classes.txt; '
        'without it, classes are numbered)')
    args = parser.parse_args(argv)
    root = args.data_root
    for attr, default in (('train_list', 'train.txt'), ('val_list', 'val.txt'),
                          ('test_list', 'test.txt'), ('video_prefix', ''),
                          ('classes', 'classes.txt')):
        if getattr(args, attr) is None:
            setattr(args, attr, osp.join(root, default) if default else root)
    return args


# ----------------------------------------------------------------------
# Planning
# ----------------------------------------------------------------------
def load_method(path: str) -> Method:
    """Load a config and classify it (labeled only, FixMatch, APLT).

    Args:
        path (str): The config file.

    Returns:
        Method: The config, its name and kind.

    Raises:
        BenchmarkError: If it is missing, does not load, or trains on a
            dataset the benchmark cannot point at a split.
    """
    if not osp.isfile(path):
        raise BenchmarkError(f'config not found: {path}')
    try:
        cfg = Config.fromfile(path)
    except Exception as e:  # a config is Python: anything can go wrong
        raise BenchmarkError(f'{path}: cannot load the config: '
                             f'{type(e).__name__}: {e}') from None
    dataset = cfg.get('train_dataloader', {}).get('dataset', {})
    if dataset.get('type') not in DATASET_TYPES:
        raise BenchmarkError(f'{path}: train_dataloader.dataset.type is '
                             f'{dataset.get("type")!r}; the benchmark points '
                             f'{" or ".join(DATASET_TYPES)} at the splits')
    model = cfg.model
    if model.get('type') == 'SemiRecognizer':
        # A Table 1 baseline: named by its algorithm ('flexmatch', ...).
        kind = str(model.algorithm.type).lower()
    elif model.get('type') != 'APLTRecognizer':
        kind = 'supervised'
    elif model.get('prototype_head'):
        kind = 'aplt'
    else:
        kind = 'fixmatch'
    if kind != 'supervised' and dataset.type != 'SemiVideoDataset':
        raise BenchmarkError(
            f'{path}: a semi-supervised model needs a SemiVideoDataset, got '
            f'{dataset.type}')
    # The benchmark sets the ratio: aplt_x_25p.py runs as aplt_x_<pct>p.
    name = re.sub(r'_\d+p$', '', osp.splitext(osp.basename(path))[0])
    return Method(path, name, kind, cfg)


def pct(ratio: float) -> str:
    """The split and run dir name part of a ratio: ``0.25`` -> ``'25'``.

    Args:
        ratio (float): Labeled fraction.

    Returns:
        str: The percentage, without trailing zeros.
    """
    return f'{ratio * 100:g}'


def plan_runs(args: argparse.Namespace, methods: Sequence[Method],
              reference: Optional[Method]) -> List[RunSpec]:
    """Every run of the matrix, then the reference runs.

    Args:
        args (argparse.Namespace): The benchmark's arguments.
        methods (Sequence[Method]): The configs of the matrix.
        reference (Method, optional): The fully supervised reference.

    Returns:
        list[RunSpec]: Config-major, then ratio, then seed order.
    """
    runs = []
    for method in methods:
        for ratio in args.ratios:
            for seed in args.seeds:
                split_dir = osp.join(args.data_root, 'splits',
                                     f'{pct(ratio)}p_seed{seed}')
                runs.append(
                    RunSpec(
                        method=method,
                        ratio=ratio,
                        seed=seed,
                        reference=False,
                        work_dir=osp.join(
                            args.out, 'runs',
                            f'{method.name}_{pct(ratio)}p_seed{seed}'),
                        labeled=osp.join(split_dir, 'labeled.txt'),
                        unlabeled=osp.join(split_dir, 'unlabeled.txt'),
                        split_dir=split_dir))
    if reference is not None:
        for seed in args.seeds:
            runs.append(
                RunSpec(
                    method=reference,
                    ratio=1.0,
                    seed=seed,
                    reference=True,
                    work_dir=osp.join(args.out, 'runs',
                                      f'{reference.name}_100p_seed{seed}'),
                    labeled=args.train_list,
                    unlabeled=None,
                    split_dir=None))
    return runs


def num_classes_of(args: argparse.Namespace) -> Tuple[int, List[str]]:
    """Number of classes and their names (class file, else the lists).

    Args:
        args (argparse.Namespace): The benchmark's arguments (``classes``,
            ``train_list``, ``test_list``).

    Returns:
        tuple[int, list[str]]: The count and one name per class
        (``class <id>`` without a class file).
    """
    if osp.isfile(args.classes):
        names = metrics.load_class_map(args.classes)
        return len(names), names
    labels = [
        r.label for path in (args.train_list, args.test_list)
        for r in load_video_list(path)
    ]
    num = max(labels) + 1
    return num, [f'class {c}' for c in range(num)]


def _num_classes_keys(node: Any, prefix: str) -> List[str]:
    """Dotted keys of every ``num_classes`` entry under a config dict.

    Args:
        node: A config value; only dicts are searched.
        prefix (str): Its dotted key.

    Returns:
        list[str]: e.g. ``['model.recognizer.cls_head.num_classes']``.
    """
    keys = []
    if isinstance(node, dict):
        for key, value in node.items():
            path = f'{prefix}.{key}'
            if key == 'num_classes':
                keys.append(path)
            else:
                keys += _num_classes_keys(value, path)
    return keys


def run_options(spec: RunSpec,
                args: argparse.Namespace,
                num_classes: int,
                training: bool = True) -> List[str]:
    """The ``--cfg-options`` of a run's train (or test) command.

    Args:
        spec (RunSpec): The run.
        args (argparse.Namespace): The benchmark's arguments.
        num_classes (int): Classes of the data.
        training (bool): Options of the train command; False leaves out
            the training data and logging options, which testing ignores.

    Returns:
        list[str]: ``KEY=VALUE`` strings, ``--cfg-options`` last.
    """
    cfg = spec.method.cfg
    opts = []
    if training:
        opts.append(f'train_dataloader.dataset.ann_file={spec.labeled}')
        if cfg.train_dataloader.dataset.type == 'SemiVideoDataset':
            opts.append('train_dataloader.dataset.unlabeled_ann_file='
                        f'{spec.unlabeled}')
    splits = ['train', 'val', 'test'] if training else ['test']
    splits = [split for split in splits if cfg.get(f'{split}_dataloader')]
    lists = dict(val=args.val_list, test=args.test_list)
    for split in splits:
        if split in lists:
            opts.append(f'{split}_dataloader.dataset.ann_file={lists[split]}')
        opts.append(
            f'{split}_dataloader.dataset.data_prefix.video={args.video_prefix}'
        )
    # Model heads and datasets follow the data's number of classes.
    keys = _num_classes_keys(cfg.model, 'model') + [
        f'{split}_dataloader.dataset.num_classes' for split in splits
    ]
    opts += [
        f'{key}={num_classes}' for key in keys if _get(cfg, key) != num_classes
    ]
    if training:
        opts += [f'randomness.seed={spec.seed}'] + LOG_OPTIONS
    return opts + list(args.cfg_options)


def _get(cfg: Config, dotted: str) -> Any:
    """``cfg.a.b.c`` for ``'a.b.c'``, None where a key is missing.

    Args:
        cfg (Config): The config.
        dotted (str): The key path.

    Returns:
        The value, or None.
    """
    node = cfg
    for key in dotted.split('.'):
        node = node.get(key) if hasattr(node, 'get') else None
    return node


def _script(name: str) -> str:
    """A tool's path, relative to the current dir when inside it.

    Args:
        name (str): File name under ``tools/``.

    Returns:
        str: The path to show and run.
    """
    path = osp.join(TOOLS, name)
    rel = osp.relpath(path)
    return path if rel.startswith('..') else rel


def _python() -> str:
    """``python`` if that is this interpreter, else its full path."""
    on_path = shutil.which('python')
    if on_path and osp.realpath(on_path) == osp.realpath(sys.executable):
        return 'python'
    return sys.executable


def split_command(spec: RunSpec, args: argparse.Namespace) -> List[str]:
    """``tools/make_split.py`` for the run's split.

    Args:
        spec (RunSpec): A run of the matrix.
        args (argparse.Namespace): The benchmark's arguments.

    Returns:
        list[str]: The command.
    """
    return [
        _python(),
        _script('make_split.py'), '--ann', args.train_list, '--ratio',
        f'{spec.ratio:g}', '--seed',
        str(spec.seed), '--out-dir', spec.split_dir
    ]


def train_command(spec: RunSpec, args: argparse.Namespace,
                  options: List[str]) -> List[str]:
    """``tools/train.py`` (``tools/dist_train.sh`` with several GPUs).

    Args:
        spec (RunSpec): The run.
        args (argparse.Namespace): The benchmark's arguments.
        options (list[str]): Its ``--cfg-options``.

    Returns:
        list[str]: The command.
    """
    if args.gpus > 1:
        head = [
            'bash',
            _script('dist_train.sh'), spec.method.config,
            str(args.gpus)
        ]
    else:
        head = [_python(), _script('train.py'), spec.method.config]
    return head + ['--work-dir', spec.work_dir] + _cfg_options(options)


def test_command(spec: RunSpec, checkpoint: str,
                 options: List[str]) -> List[str]:
    """``tools/test.py`` with ``--dump`` into the run's work dir.

    Args:
        spec (RunSpec): The run.
        checkpoint (str): The checkpoint to test.
        options (list[str]): Its ``--cfg-options``.

    Returns:
        list[str]: The command.
    """
    return [
        _python(),
        _script('test.py'), spec.method.config, checkpoint, '--work-dir',
        osp.join(spec.work_dir, 'test'), '--dump',
        osp.join(spec.work_dir, DUMP)
    ] + _cfg_options(options)


def _cfg_options(options: List[str]) -> List[str]:
    """``--cfg-options`` and ``options``, or nothing without options."""
    return ['--cfg-options'] + options if options else []


def shell(cmd: Sequence[str]) -> str:
    """A command as one shell-quoted line."""
    return shlex.join(cmd)


# ----------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------
def run_logged(cmd: List[str], log_path: str, what: str) -> float:
    """Run ``cmd`` with its output in ``log_path``.

    Args:
        cmd (list[str]): The command (``python`` runs this interpreter).
        log_path (str): File for its stdout and stderr.
        what (str): What it does, for the error message.

    Returns:
        float: Its wall time in seconds.

    Raises:
        BenchmarkError: If it fails; the message has its last lines.
    """
    os.makedirs(osp.dirname(log_path), exist_ok=True)
    argv = [sys.executable] + cmd[1:] if cmd[0] == _python() else cmd
    start = time.time()
    with open(log_path, 'w') as log:
        log.write(shell(cmd) + '\n\n')
        log.flush()
        returncode = subprocess.call(
            argv, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.time() - start
    if returncode != 0:
        with open(log_path, errors='replace') as log:
            tail = ''.join(log.readlines()[-25:])
        raise BenchmarkError(f'{what} failed (exit {returncode}); its '
                             f'output is in {log_path}, last lines:\n{tail}')
    return seconds


def make_split(spec: RunSpec, args: argparse.Namespace) -> float:
    """Make the run's labeled/unlabeled split unless it exists.

    Args:
        spec (RunSpec): The run.
        args (argparse.Namespace): The benchmark's arguments.

    Returns:
        float: Seconds spent (0 when the split existed).
    """
    if spec.split_dir is None or (osp.isfile(spec.labeled)
                                  and osp.isfile(spec.unlabeled)):
        return 0.0
    return run_logged(
        split_command(spec, args),
        osp.join(spec.work_dir, 'benchmark_split.log'),
        f'making the split {spec.split_dir}')


def execute(spec: RunSpec,
            args: argparse.Namespace,
            num_classes: int,
            split_seconds: Optional[float] = None) -> Dict[str, Any]:
    """Make the split if missing, train, test.

    Args:
        spec (RunSpec): The run.
        args (argparse.Namespace): The benchmark's arguments.
        num_classes (int): Classes of the data.
        split_seconds (float, optional): Time :func:`make_split` already
            took for this run (0: it existed); None makes it here.

    Returns:
        dict: The run record (``train_command``, ``checkpoint``,
        ``commands``, ``wall_time`` in seconds: ``split``, ``train``,
        ``test``, ``total``), also written to ``benchmark_run.json``.
    """
    if split_seconds is None:
        split_seconds = make_split(spec, args)
    commands, seconds = [], dict(split=split_seconds)
    if split_seconds > 0:
        commands.append(shell(split_command(spec, args)))
    train_cmd = train_command(spec, args, run_options(spec, args, num_classes))
    train_log = osp.join(spec.work_dir, 'benchmark_train.log')
    print(f'  {spec.name}: training, output in {train_log}', flush=True)
    seconds['train'] = run_logged(train_cmd, train_log,
                                  f'training {spec.name}')
    commands.append(shell(train_cmd))
    checkpoint = last_checkpoint(spec.work_dir)
    cmd = test_command(spec, checkpoint,
                       run_options(spec, args, num_classes, training=False))
    seconds['test'] = run_logged(cmd,
                                 osp.join(spec.work_dir, 'benchmark_test.log'),
                                 f'testing {spec.name}')
    commands.append(shell(cmd))
    seconds['total'] = sum(seconds.values())
    record = dict(
        train_command=shell(train_cmd),
        checkpoint=checkpoint,
        commands=commands,
        wall_time=seconds)
    with open(osp.join(spec.work_dir, RUN_RECORD), 'w') as f:
        json.dump(record, f, indent=2)
    return record


def execute_all(specs: Sequence[RunSpec], args: argparse.Namespace,
                num_classes: int) -> List[Dict[str, Any]]:
    """:func:`execute` every run, ``args.jobs`` at a time.

    Splits are made first, one after another, so that concurrent runs
    never write the same split.

    Args:
        specs (Sequence[RunSpec]): The runs to train and test.
        args (argparse.Namespace): The benchmark's arguments.
        num_classes (int): Classes of the data.

    Returns:
        list[dict]: Their records, in the order of ``specs``.
    """
    splits = [make_split(spec, args) for spec in specs]
    if args.jobs <= 1 or len(specs) <= 1:
        return [
            execute(spec, args, num_classes, seconds)
            for spec, seconds in zip(specs, splits)
        ]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(execute, spec, args, num_classes, seconds)
            for spec, seconds in zip(specs, splits)
        ]
        # result() re-raises a failed run's BenchmarkError here.
        return [future.result() for future in futures]


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint named by ``<work_dir>/last_checkpoint``.

    Args:
        work_dir (str): A finished training's work dir.

    Returns:
        str: The checkpoint path.
    """
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise BenchmarkError(f'training wrote no {marker}')
    with open(marker) as f:
        checkpoint = f.read().strip()
    if not osp.isfile(checkpoint):
        raise BenchmarkError(f'{marker} names {checkpoint}, which does not '
                             'exist')
    return checkpoint


def finished_record(spec: RunSpec) -> Optional[Dict[str, Any]]:
    """The record of a finished run in ``spec.work_dir``, if any.

    Args:
        spec (RunSpec): The run.

    Returns:
        dict | None: Its ``benchmark_run.json``, None unless that and the
        prediction dump exist.
    """
    path = osp.join(spec.work_dir, RUN_RECORD)
    if not (osp.isfile(path) and osp.isfile(osp.join(spec.work_dir, DUMP))):
        return None
    with open(path) as f:
        return json.load(f)


def collect(spec: RunSpec, record: Dict[str, Any],
            num_classes: int) -> Dict[str, Any]:
    """Everything ``results.json`` keeps of one run.

    Args:
        spec (RunSpec): The run.
        record (dict): Its run record (:func:`execute`).
        num_classes (int): Classes of the data.

    Returns:
        dict: The run's entry of ``results.json`` ``runs``.
    """
    dump = osp.join(spec.work_dir, DUMP)
    test = metrics.dump_metrics(dump)
    if len(test['per_class_acc']) != num_classes:
        raise BenchmarkError(
            f'{dump} scores {len(test["per_class_acc"])} classes, the data '
            f'has {num_classes}')
    num_unlabeled = logs.count_clips(spec.unlabeled) if spec.unlabeled \
        else 0
    log = logs.load_run_log(spec.work_dir, num_unlabeled=num_unlabeled)
    return dict(
        name=spec.name,
        method=spec.method.name,
        config=spec.method.config,
        kind=spec.method.kind,
        ratio=spec.ratio,
        seed=spec.seed,
        reference=spec.reference,
        work_dir=spec.work_dir,
        checkpoint=record['checkpoint'],
        dump=dump,
        labeled_list=spec.labeled,
        unlabeled_list=spec.unlabeled,
        num_labeled=logs.count_clips(spec.labeled),
        num_unlabeled=num_unlabeled,
        test=test,
        epochs=log['epochs'],
        offline_phases=log['offline_phases'],
        train_time=log['train_time'],
        wall_time=record['wall_time'],
        commands=record['commands'],
        reused=record.get('reused', False))


# ----------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------
def compared_methods(args: argparse.Namespace,
                     methods: Sequence[Method]) -> Optional[Tuple[str, str]]:
    """The two configs of the per-class figure.

    Args:
        args (argparse.Namespace): The benchmark's arguments.
        methods (Sequence[Method]): The configs of the matrix.

    Returns:
        tuple[str, str] | None: Their names: ``--compare``, else the first
        FixMatch and APLT configs, else the first two; None with one.
    """
    names = [m.name for m in methods]
    if args.compare:
        for name in args.compare:
            if name not in names:
                raise BenchmarkError(
                    f'--compare {name}: not one of the configs ({names})')
        return tuple(args.compare)
    by_kind = {}
    for method in methods:
        by_kind.setdefault(method.kind, method.name)
    if 'fixmatch' in by_kind and 'aplt' in by_kind:
        return by_kind['fixmatch'], by_kind['aplt']
    return (names[0], names[1]) if len(names) > 1 else None


def make_figures(runs: List[Dict[str, Any]], args: argparse.Namespace,
                 compare: Optional[Tuple[str, str]],
                 class_names: List[str]) -> Dict[str, Dict[str, str]]:
    """Write the PNGs of the first seed per ratio, and one per run.

    Args:
        runs (list[dict]): The runs of ``results.json``.
        args (argparse.Namespace): The benchmark's arguments.
        compare (tuple[str, str], optional): Configs of the per-class
            figure (:func:`compared_methods`).
        class_names (list[str]): Names of the classes.

    Returns:
        dict: ``pseudo_labels`` and ``per_class`` (``'<ratio> labels,
        seed <s>'`` -> path) and ``confusion`` (run name -> path); paths
        relative to ``args.out``.
    """
    figures = dict(pseudo_labels={}, per_class={}, confusion={})
    first_seed = args.seeds[0]
    for ratio in args.ratios:
        at_ratio = {
            run['method']: run
            for run in runs if run['ratio'] == ratio
            and run['seed'] == first_seed and not run['reference']
        }
        label = f'{report.ratio_label(ratio)} labels, seed {first_seed}'
        semi = [(name, run) for name, run in at_ratio.items()
                if plots.has_pseudo_label_stats(run)]
        if semi:
            path = f'pseudo_labels_{pct(ratio)}p.png'
            plots.plot_pseudo_labels(
                semi,
                osp.join(args.out, path),
                title=f'Pseudo-labels during training ({label})')
            figures['pseudo_labels'][label] = path
        if compare:
            path = f'per_class_{pct(ratio)}p.png'
            plots.plot_per_class(
                [at_ratio[name]['test']['per_class_acc'] for name in compare],
                compare,
                class_names,
                osp.join(args.out, path),
                title=f'Per-class test accuracy ({label})')
            figures['per_class'][label] = path
    for run in runs:
        path = osp.join('confusion', f'{run["name"]}.png')
        plots.plot_confusion(
            run['test']['confusion_matrix'],
            class_names,
            osp.join(args.out, path),
            title=f'{run["name"]}: top-1 {100 * run["test"]["top1"]:.1f}%, '
            f'mean-class {100 * run["test"]["mean_class_acc"]:.1f}%')
        figures['confusion'][run['name']] = path
    return figures


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def check_inputs(args: argparse.Namespace, methods: Sequence[Method]) -> None:
    """Fail before any run, naming the option or file at fault.

    Args:
        args (argparse.Namespace): The benchmark's arguments.
        methods (Sequence[Method]): Every config, the reference included.
    """
    for ratio in args.ratios:
        if not 0 < ratio < 1:
            raise BenchmarkError(f'--ratios: {ratio} is not in (0, 1)')
    if args.gpus < 1:
        raise BenchmarkError(f'--gpus must be >= 1, got {args.gpus}')
    if args.jobs < 1:
        raise BenchmarkError(f'--jobs must be >= 1, got {args.jobs}')
    needed = [('--train-list', args.train_list),
              ('--test-list', args.test_list)]
    if any(m.cfg.get('val_dataloader') for m in methods):
        needed.append(('--val-list', args.val_list))
    for option, path in needed:
        if not osp.isfile(path):
            raise BenchmarkError(f'{option}: {path} not found')
    for option in args.cfg_options:
        if '=' not in option:
            raise BenchmarkError(f'--cfg-options: {option!r} is not '
                                 'KEY=VALUE')
    names = [m.name for m in methods]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BenchmarkError(f'configs with the same file name: {duplicates}'
                             ' (their run dirs would collide)')


def main(argv: Optional[List[str]] = None) -> None:
    """Run the tool; errors exit with one message naming the file.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        methods = [load_method(path) for path in args.configs]
        reference = load_method(args.reference) if args.reference else None
        check_inputs(args, methods + ([reference] if reference else []))
        if reference is not None and reference.kind != 'supervised':
            raise BenchmarkError(
                f'--reference {reference.config}: the reference trains on '
                'every clip with labels; give a labeled-only '
                '(VideoListDataset) config')
        compare = compared_methods(args, methods)
        num_classes, class_names = num_classes_of(args)
        specs = plan_runs(args, methods, reference)
        if args.dry_run:
            print_plan(specs, args, num_classes)
            return
        records = {}
        for spec in specs:
            record = finished_record(spec) if args.skip_existing else None
            if record is None:
                continue
            print(f'reusing the finished run in {spec.work_dir}')
            if record['train_command'] != shell(
                    train_command(spec, args,
                                  run_options(spec, args, num_classes))):
                print('  warning: it was trained with another command '
                      'than this benchmark would run now; see '
                      f'{osp.join(spec.work_dir, RUN_RECORD)}')
            record['reused'] = True
            records[spec.name] = record
        todo = [spec for spec in specs if spec.name not in records]
        print(f'{len(todo)} run(s) to train and test, {args.jobs} at a time',
              flush=True)
        for spec, record in zip(todo, execute_all(todo, args, num_classes)):
            records[spec.name] = record
        runs, commands = [], []
        for spec in specs:
            run = collect(spec, records[spec.name], num_classes)
            print(
                f'{spec.name}: top-1 {100 * run["test"]["top1"]:.1f}%, '
                f'mean-class {100 * run["test"]["mean_class_acc"]:.1f}%, '
                f'{run["wall_time"]["total"]:.0f} s',
                flush=True)
            runs.append(run)
            commands += run['commands']
        results = dict(
            benchmark_command=shell([_python(),
                                     _script('benchmark.py')] + argv),
            data_root=args.data_root,
            train_list=args.train_list,
            val_list=args.val_list,
            test_list=args.test_list,
            class_names=class_names,
            configs=[
                dict(config=m.config, name=m.name, kind=m.kind)
                for m in methods
            ],
            reference=dict(
                config=reference.config,
                name=reference.name,
                kind=reference.kind) if reference else None,
            ratios=args.ratios,
            seeds=args.seeds,
            cfg_options=args.cfg_options,
            gpus=args.gpus,
            commands=commands,
            runs=runs,
            summary=report.summarize(runs),
            offline_summary=report.summarize_offline(runs))
        results['figures'] = make_figures(runs, args, compare, class_names)
    except (BenchmarkError, FileNotFoundError, ValueError) as e:
        # ValueError covers malformed lists and class files
        # (AnnotationError).
        sys.exit(f'benchmark.py: error: {e}')
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    with open(osp.join(args.out, 'results.md'), 'w') as f:
        f.write(report.render_markdown(results))
    print(f'wrote {osp.join(args.out, "results.json")}, '
          f'{osp.join(args.out, "results.md")} and figures')


def print_plan(specs: Sequence[RunSpec], args: argparse.Namespace,
               num_classes: int) -> None:
    """``--dry-run``: print the commands in order, run nothing.

    Args:
        specs (Sequence[RunSpec]): The runs.
        args (argparse.Namespace): The benchmark's arguments.
        num_classes (int): Classes of the data.
    """
    made = set()
    for spec in specs:
        print(f'# {spec.name}')
        if spec.split_dir is not None and spec.split_dir not in made and \
                not osp.isfile(spec.labeled):
            print(shell(split_command(spec, args)))
            made.add(spec.split_dir)
        print(
            shell(
                train_command(spec, args, run_options(spec, args,
                                                      num_classes))))
        marker = osp.join(spec.work_dir, 'last_checkpoint')
        options = run_options(spec, args, num_classes, training=False)
        print(
            shell(test_command(spec, '__CKPT__', options)).replace(
                '__CKPT__', f'"$(cat {shlex.quote(marker)})"'))


if __name__ == '__main__':
    main()
