"""Plan a benchmark: which runs, on which data, for how many steps.

A run is one config trained at one label ratio with one seed. Its data
comes either from the lists ``make_split.py`` writes into the run's split
dir (``--data-root``: the config's ``label_ratio``, if it has one, is set
to None so the lists are read as they are), or from ``--cfg-options``
templates (``split_options``) filled with the run's ``{ratio}``,
``{seed}``, ``{pct}`` and ``{split}`` (the split dir :func:`split_command`
writes), e.g. ``train_dataloader.dataset.label_ratio={ratio}`` for a
config that draws its split at load time.

Equal budgets: every run of a ratio trains for about ``steps`` optimizer
steps. A config's iterations per epoch depend on its data and sampler
(the semi-supervised sampler's epoch is one pass over the unlabeled set),
so the planner builds each run's train dataloader and counts them, then
sets ``max_epochs = max(1, round(steps / iters_per_epoch))`` and scales
every epoch-counted setting by ``max_epochs / configured max_epochs``
(:func:`schedule_options`). The difference left is under half an epoch;
the tables state each run's steps.
"""
import copy
import math
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from mmengine.config import Config

#: Arguments of custom hooks that count epochs, scaled with the schedule
#: (besides any argument whose name ends in ``_epoch`` or ``_epochs``).
EPOCH_ARGS = {'APLTOfflineHook': ('interval', )}
#: Options of every training run: log every iteration with its own
#: values, so per-epoch statistics are exact.
LOG_OPTIONS = {
    'default_hooks.logger.interval': 1,
    'log_processor.window_size': 1
}
_KEYS_IGNORED_BY_VAL_CHECK = ('pipeline', 'test_mode')


class BenchmarkError(Exception):
    """A problem reported to the user as one message, without traceback."""


@dataclass
class Method:
    """A config of the benchmark: its path, name (file name without
    ``.py`` and a ``_<pct>p`` ratio suffix) and loaded config."""
    config: str
    name: str
    cfg: Config


@dataclass
class Run:
    """One training + test run.

    Attributes:
        method (Method): The config.
        ratio (float): Labeled fraction (1.0 for the reference).
        seed (int): Split seed and ``randomness.seed``.
        reference (bool): Whether this is the fully supervised reference.
        work_dir (str): ``<out>/runs/<name>``.
        split_dir (str | None): The split :func:`split_command` writes.
        options (dict): ``--cfg-options`` of the training command: data,
            schedule, seed, logging, then the user's.
        iters_per_epoch (int): Optimizer steps per epoch.
        epochs (int): Epochs it trains.
        num_labeled (int): Labeled training clips.
        num_unlabeled (int): Unlabeled training clips.
        has_val (bool): Whether it validates (on a split that is not the
            test list).
    """
    method: Method
    ratio: float
    seed: int
    reference: bool
    work_dir: str
    split_dir: Optional[str] = None
    options: Dict[str, Any] = field(default_factory=dict)
    iters_per_epoch: int = 0
    epochs: int = 0
    num_labeled: int = 0
    num_unlabeled: int = 0
    has_val: bool = False

    @property
    def name(self) -> str:
        """The run's name, its work dir's base name."""
        return osp.basename(self.work_dir)

    @property
    def steps(self) -> int:
        """Optimizer steps of the run."""
        return self.epochs * self.iters_per_epoch


def load_method(path: str) -> Method:
    """Load a config; a BenchmarkError names the file if it fails."""
    if not osp.isfile(path):
        raise BenchmarkError(f'config not found: {path}')
    try:
        cfg = Config.fromfile(path)
    except Exception as e:  # a config is Python: anything can go wrong
        raise BenchmarkError(f'{path}: cannot load the config: '
                             f'{type(e).__name__}: {e}') from None
    if cfg.get('train_cfg', {}).get('max_epochs') is None:
        raise BenchmarkError(f'{path}: the benchmark scales epoch-based '
                             'schedules; train_cfg.max_epochs is not set')
    # The runner sets the ratio: aplt_x_25p.py runs as aplt_x at each ratio.
    name = re.sub(r'_\d+p$', '', osp.splitext(osp.basename(path))[0])
    return Method(path, name, cfg)


def pct(ratio: float) -> str:
    """A ratio as a percentage without trailing zeros: 0.25 -> ``'25'``."""
    return f'{ratio * 100:g}'


def fill(templates: Sequence[str], **values: Any) -> Dict[str, Any]:
    """``KEY=VALUE`` templates filled with ``values``, as a dict."""
    options = {}
    for template in templates:
        key, sep, value = template.partition('=')
        if not sep:
            raise BenchmarkError(f'{template!r} is not KEY=VALUE')
        try:
            options[key] = value.format(**values) if values else value
        except (KeyError, IndexError) as e:
            raise BenchmarkError(
                f'{template!r}: unknown field {e}; templates may use '
                f'{sorted(values)}') from None
    return options


def resolved(cfg: Config, options: Dict[str, Any]) -> Config:
    """A copy of ``cfg`` with ``options`` applied as ``--cfg-options``."""
    cfg = copy.deepcopy(cfg)
    cfg.merge_from_dict(_parsed(options))
    return cfg


def _parsed(options: Dict[str, Any]) -> Dict[str, Any]:
    """Option values as ``--cfg-options`` parses them from text."""
    from mmengine.config import DictAction
    return {key: DictAction._parse_iterable(str(value)) if isinstance(
        value, str) else value for key, value in options.items()}


def data_sizes(cfg: Config, gpus: int) -> Dict[str, int]:
    """Iterations per epoch and clip counts of a config's training data.

    Builds the train dataloader as the Runner does (reading the lists,
    not the videos) and counts its batches; with ``gpus`` processes each
    rank takes ``ceil(batches / gpus)`` (the samplers shard that way).

    Returns:
        dict: ``iters_per_epoch``, ``num_labeled``, ``num_unlabeled``.
    """
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.update(num_workers=0, persistent_workers=False)
    try:
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    except Exception as e:
        raise BenchmarkError(f'cannot build the training data: '
                             f'{type(e).__name__}: {e}') from None
    dataset = loader.dataset
    labeled = getattr(dataset, 'num_labeled', len(dataset))
    return dict(
        iters_per_epoch=math.ceil(len(loader) / gpus),
        num_labeled=labeled,
        num_unlabeled=getattr(dataset, 'num_unlabeled', 0))


def schedule_options(cfg: Config, epochs: int) -> Dict[str, Any]:
    """Options that train ``cfg`` for ``epochs`` epochs, every
    epoch-counted setting scaled by ``epochs / max_epochs``.

    Scaled: ``train_cfg.max_epochs`` and ``val_interval``; ``begin``,
    ``end``, ``T_max`` and ``milestones`` of epoch-based
    ``param_scheduler`` entries; an epoch-based checkpoint interval; and
    custom hooks' arguments named ``*_epoch(s)`` or listed in
    :data:`EPOCH_ARGS`. Intervals stay >= 1.
    """
    old = cfg.train_cfg.max_epochs
    factor = epochs / old

    def scale(value, least=1):
        return max(least, round(value * factor))

    options = {'train_cfg.max_epochs': epochs}
    if cfg.train_cfg.get('val_interval'):
        options['train_cfg.val_interval'] = min(
            epochs, scale(cfg.train_cfg.val_interval))
    schedulers = cfg.get('param_scheduler') or []
    is_list = isinstance(schedulers, (list, tuple))
    for i, sched in enumerate(schedulers if is_list else [schedulers]):
        if not sched.get('by_epoch', True):
            continue
        prefix = f'param_scheduler.{i}.' if is_list else 'param_scheduler.'
        for key in ('begin', 'end', 'T_max'):
            if key in sched and sched[key] <= old:
                options[prefix + key] = scale(sched[key], least=0)
        if 'milestones' in sched:
            options[prefix + 'milestones'] = [
                scale(m) for m in sched['milestones']
            ]
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint') or {}
    if checkpoint.get('by_epoch', True) and checkpoint.get('interval', 1) > 1:
        options['default_hooks.checkpoint.interval'] = scale(
            checkpoint['interval'])
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        for key, value in hook.items():
            if (key.endswith(('_epoch', '_epochs'))
                    or key in EPOCH_ARGS.get(hook.get('type'), ())) \
                    and isinstance(value, int) and value > 0:
                options[f'custom_hooks.{i}.{key}'] = scale(value)
    return options


def _val_dataset(cfg: Config) -> Optional[Dict[str, Any]]:
    loader = cfg.get('val_dataloader')
    return loader.get('dataset') if loader else None


def _same_data(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Whether two dataset configs read the same clips."""
    a, b = ({k: v
             for k, v in d.items() if k not in _KEYS_IGNORED_BY_VAL_CHECK}
            for d in (a, b))
    if a == b:
        return True
    files = [d.get('ann_file') for d in (a, b)]
    if all(isinstance(f, str) and osp.isfile(f) for f in files):
        # Binary: pose pickles as well as text lists.
        with open(files[0], 'rb') as fa, open(files[1], 'rb') as fb:
            same = fa.read() == fb.read()
        rest = [{k: v for k, v in d.items() if k != 'ann_file'}
                for d in (a, b)]
        return same and rest[0] == rest[1]
    return False


def check_no_test_selection(cfg: Config, where: str) -> bool:
    """Refuse a config that validates on its test data.

    Returns:
        bool: Whether it has a validation split.

    Raises:
        BenchmarkError: If the validation dataset reads the test clips.
    """
    val, test = _val_dataset(cfg), cfg.test_dataloader.dataset
    if val is not None and _same_data(val, test):
        raise BenchmarkError(
            f'{where}: the validation split is the test list '
            f'({test.get("ann_file")}): the best checkpoint would be '
            'selected on test. Carve a validation list from the training '
            'clips (--val-ratio), give one (--val-list), or drop '
            'validation (--no-val).')
    return val is not None


NO_VAL = {
    'val_dataloader': None,
    'val_cfg': None,
    'val_evaluator': None,
    'default_hooks.checkpoint.save_best': None
}

#: Options of list-based runs: the lists ``make_split.py`` writes into
#: ``{split}``; the reference trains on the training list, or on
#: ``{split}/train.txt`` (what is left after carving ``val.txt``). A
#: config that draws its split by ``label_ratio`` also gets
#: :data:`NO_RATIO`, so it reads these lists as they are.
LIST_OPTIONS = ('train_dataloader.dataset.ann_file={split}/labeled.txt',
                'train_dataloader.dataset.unlabeled_ann_file='
                '{split}/unlabeled.txt')
REFERENCE_LIST_OPTIONS = ('train_dataloader.dataset.ann_file='
                          '{split}/train.txt', )
NO_RATIO = {'train_dataloader.dataset.label_ratio': 'None'}


def matrix(methods: Sequence[Method], reference: Optional[Method],
           ratios: Sequence[float], seeds: Sequence[int],
           out: str) -> List[Run]:
    """Every run: config-major, then ratio, then seed; reference last.

    The split of (ratio, seed) is ``<out>/splits/<pct>p_seed<seed>``; the
    reference of a seed uses the first ratio's split dir (its
    ``train.txt``).
    """

    def split_dir(ratio, seed):
        return osp.join(out, 'splits', f'{pct(ratio)}p_seed{seed}')

    runs = [
        Run(method, ratio, seed, False,
            osp.join(out, 'runs', f'{method.name}_{pct(ratio)}p_seed{seed}'),
            split_dir(ratio, seed)) for method in methods
        for ratio in ratios for seed in seeds
    ]
    if reference is not None:
        runs += [
            Run(reference, 1.0, seed, True,
                osp.join(out, 'runs', f'{reference.name}_100p_seed{seed}'),
                split_dir(ratios[0], seed)) for seed in seeds
        ]
    return runs


def is_semi(method: Method) -> bool:
    """Whether the config trains on unlabeled clips too: its train dataset
    names an ``unlabeled_ann_file`` or is a ``SemiVideoDataset`` (which
    may draw the unlabeled part by ``label_ratio`` instead)."""
    from aplt_mm.datasets import is_semi_video_dataset
    dataset = method.cfg.train_dataloader.dataset
    return 'unlabeled_ann_file' in dataset or is_semi_video_dataset(dataset)


def data_options(run: Run, args: Any) -> Dict[str, Any]:
    """The run's data: split options, test (and val) lists, seed."""
    values = dict(
        ratio=f'{run.ratio:g}', seed=run.seed, pct=pct(run.ratio),
        split=run.split_dir)
    options = {}
    if args.train_list is not None:  # list-based: make_split's files
        if run.reference and args.val_ratio is None:
            options['train_dataloader.dataset.ann_file'] = args.train_list
        else:
            templates = REFERENCE_LIST_OPTIONS if run.reference else \
                LIST_OPTIONS[:1 + is_semi(run.method)]
            options.update(fill(templates, **values))
        if 'label_ratio' in run.method.cfg.train_dataloader.dataset:
            options.update(NO_RATIO)  # the lists are the split
        for split in ('train', 'val', 'test'):
            options[f'{split}_dataloader.dataset.data_prefix.video'] = \
                args.video_prefix
        options['test_dataloader.dataset.ann_file'] = args.test_list
        if args.val_ratio is not None:
            options['val_dataloader.dataset.ann_file'] = osp.join(
                run.split_dir, 'val.txt')
        elif args.val_list is not None:
            options['val_dataloader.dataset.ann_file'] = args.val_list
    if not run.reference:  # the reference's config names all its data
        options.update(fill(args.split_options, **values))
    if args.no_val:
        options.update(NO_VAL)
    options['randomness.seed'] = run.seed
    return options


def budget(runs: Sequence[Run], args: Any) -> None:
    """Fill each run's options, iterations per epoch and epochs.

    ``args.steps`` is the budget of every run; None takes the native
    steps (configured epochs x iterations per epoch) of the first run of
    each ratio (the first config, first seed); ``args.paper_epochs`` keeps
    every config's own epochs (the paper's convention, unequal steps).
    Also refuses a run that would validate on its test data.
    """
    steps_of_ratio: Dict[float, int] = {}
    for run in runs:
        options = data_options(run, args)
        cfg = resolved(run.method.cfg, {**options, **args.cfg_options})
        run.has_val = check_no_test_selection(cfg, run.method.config)
        checkpoint = cfg.get('default_hooks', {}).get('checkpoint') or {}
        if not run.has_val and checkpoint.get('save_best'):
            options.update(NO_VAL)  # nothing to select the best on
        try:
            sizes = data_sizes(cfg, args.gpus)
        except BenchmarkError as e:
            raise BenchmarkError(f'{run.method.config} ({run.name}): {e}')
        run.iters_per_epoch = sizes['iters_per_epoch']
        run.num_labeled = sizes['num_labeled']
        run.num_unlabeled = sizes['num_unlabeled']
        native = cfg.train_cfg.max_epochs
        if args.paper_epochs:
            run.epochs = native
        else:
            steps = args.steps or steps_of_ratio.setdefault(
                run.ratio, native * run.iters_per_epoch)
            run.epochs = max(1, round(steps / run.iters_per_epoch))
        schedule = schedule_options(cfg, run.epochs)
        clash = sorted(set(schedule) & set(args.cfg_options))
        if clash:
            raise BenchmarkError(
                f'--cfg-options {clash[0]}: the benchmark sets the schedule '
                'from the step budget; use --steps or --paper-epochs')
        options.update(schedule)
        options.update(LOG_OPTIONS)
        run.options = {**options, **args.cfg_options}
