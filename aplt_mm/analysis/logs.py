"""Read what an mmengine training run writes into its work dir.

A run in work dir ``W`` writes ``W/<timestamp>/vis_data/scalars.json``, one
JSON object per line, of three kinds:

- train lines (they have ``iter``): per-iteration values logged every
  ``default_hooks.logger.interval`` iterations (``loss*``, ``mask_ratio``,
  ``pseudo_acc``, ``time``, ...), with ``epoch`` and the global ``iter``;
- validation lines (``acc/*``), ``step`` = epoch;
- offline-phase lines of :class:`APLTOfflineHook` (``offline/*``), ``step`` =
  the epoch after which the phase ran.

The values of ``loss*``, ``time`` and ``data_time`` in a train line are
means over the last ``log_processor.window_size`` iterations; the others
are the logged iteration's own. With ``interval=1`` and ``window_size=1``
(what ``tools/benchmark.py`` sets) the per-epoch figures below are exact.

Everything here returns plain dicts and lists, ready for JSON.
"""
import glob
import json
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence

from mmengine.config import Config

from ..datasets.video_list import load_video_list

Record = Dict[str, Any]

# Keys of an offline-phase line, without the ``offline/`` prefix.
OFFLINE_KEYS = ('num_kept', 'coverage', 'time', 'extract_time', 'label_time',
                'assignment_acc', 'pseudo_acc')


def find_log_dirs(work_dir: str) -> List[str]:
    """Timestamp dirs of ``work_dir`` with a ``scalars.json``, oldest first.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        list[str]: The ``<timestamp>`` dirs, sorted by name (= start time).
    """
    pattern = osp.join(glob.escape(work_dir), '*', 'vis_data', 'scalars.json')
    return sorted(
        osp.dirname(osp.dirname(path)) for path in glob.glob(pattern))


def read_scalars(path: str) -> List[Record]:
    """Parse a ``scalars.json`` file (JSON lines).

    Args:
        path (str): The file.

    Returns:
        list[dict]: One dict per non-blank line, in file order.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If a line is not a JSON object (message names the file
            and line).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'scalars file not found: {path}')
    records = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path}:{lineno}: not JSON ({e})') from None
            if not isinstance(record, dict):
                raise ValueError(f'{path}:{lineno}: not a JSON object')
            records.append(record)
    return records


def is_train_record(record: Record) -> bool:
    """Whether a scalars line was logged by a training iteration."""
    return 'iter' in record and 'epoch' in record


def is_val_record(record: Record) -> bool:
    """Whether a scalars line holds validation metrics."""
    return not is_train_record(record) and any(
        key.startswith('acc/') for key in record)


def is_offline_record(record: Record) -> bool:
    """Whether a scalars line was logged by an APLT offline phase."""
    return any(key.startswith('offline/') for key in record)


def _epoch_of(record: Record) -> int:
    """The epoch a scalars line belongs to."""
    return int(record['epoch'] if is_train_record(record) else record['step'])


def load_records(work_dir: str) -> List[Record]:
    """All scalars lines of a run, across the work dir's timestamp dirs.

    A resumed run continues in a new timestamp dir, and a run restarted in
    the same work dir starts over in one: the lines of a later dir replace
    those of earlier dirs from its first training epoch on.

    Args:
        work_dir (str): The run's work dir.

    Returns:
        list[dict]: The lines, in training order.

    Raises:
        FileNotFoundError: If no timestamp dir holds a ``scalars.json``.
    """
    log_dirs = find_log_dirs(work_dir)
    if not log_dirs:
        raise FileNotFoundError(
            f'no <timestamp>/vis_data/scalars.json under {work_dir}: not an '
            'mmengine training work dir, or its run logged nothing yet')
    records: List[Record] = []
    for log_dir in log_dirs:
        new = read_scalars(osp.join(log_dir, 'vis_data', 'scalars.json'))
        epochs = [_epoch_of(r) for r in new if is_train_record(r)]
        if not epochs:
            continue
        first = min(epochs)
        records = [r for r in records if _epoch_of(r) < first] + new
    return records


def _mean(values: Sequence[float]) -> Optional[float]:
    """The mean, or None without values."""
    return sum(values) / len(values) if values else None


def _values(records: Sequence[Record], key: str) -> List[float]:
    """The logged values of ``key``, skipping lines without it."""
    return [float(r[key]) for r in records if r.get(key) is not None]


def epoch_stats(records: Sequence[Record],
                num_unlabeled: Optional[int] = None) -> List[Record]:
    """Per-epoch training statistics from the train and validation lines.

    Args:
        records (Sequence[dict]): Scalars lines of one run
            (:func:`load_records`).
        num_unlabeled (int, optional): Size of the unlabeled list, to turn
            the FixMatch mask ratio into a number of pseudo-labels.

    Returns:
        list[dict]: One dict per trained epoch, in order, with keys

        - ``epoch``, ``iters`` (iterations of the epoch, from the global
          ``iter`` counter);
        - ``time``: seconds, mean logged ``time`` x ``iters`` (the sum of
          the iterations' times when every iteration is logged; without
          validation and offline phases);
        - ``data_time``: seconds of it spent waiting for data, mean logged
          ``data_time`` x ``iters``;
        - ``loss``: mean logged loss;
        - ``mask_ratio``: mean share of unlabeled clips whose FixMatch
          pseudo-label passed the threshold;
        - ``num_pseudo_labels``: ``mask_ratio * num_unlabeled``;
        - ``pseudo_acc``: accuracy of those pseudo-labels over the epoch
          (iterations weighted by their mask ratio, i.e. by their number of
          pseudo-labels);
        - ``offline_keep_ratio``: mean share of unlabeled clips with a kept
          offline pseudo-label (APLT online epochs);
        - ``val_top1``, ``val_mean1``: validation after the epoch.

        Values a run did not log are None.
    """
    train: Dict[int, List[Record]] = {}
    val: Dict[int, Record] = {}
    for record in records:
        if is_train_record(record):
            train.setdefault(int(record['epoch']), []).append(record)
        elif is_val_record(record):
            val[int(record['step'])] = record
    stats = []
    prev_last_iter = 0
    for epoch in sorted(train):
        lines = train[epoch]
        last_iter = max(int(r['iter']) for r in lines)
        if epoch - 1 in train:
            iters = last_iter - prev_last_iter
        else:
            # Every epoch has as many iterations, and the last one of an
            # epoch is logged (LoggerHook's ignore_last=False).
            iters = round(last_iter / epoch)
        prev_last_iter = last_iter

        mean_time = _mean(_values(lines, 'time'))
        mean_data_time = _mean(_values(lines, 'data_time'))
        mask_ratio = _mean(_values(lines, 'mask_ratio'))
        weighted = [(float(r['pseudo_acc']), float(r['mask_ratio']))
                    for r in lines if r.get('pseudo_acc') is not None
                    and r.get('mask_ratio') is not None]
        weight = sum(w for _, w in weighted)
        num_pseudo_labels = None
        if mask_ratio is not None and num_unlabeled is not None:
            num_pseudo_labels = mask_ratio * num_unlabeled
        stats.append(
            dict(
                epoch=epoch,
                iters=iters,
                time=None if mean_time is None else mean_time * iters,
                data_time=(None if mean_data_time is None else
                           mean_data_time * iters),
                loss=_mean(_values(lines, 'loss')),
                mask_ratio=mask_ratio,
                num_pseudo_labels=num_pseudo_labels,
                pseudo_acc=(sum(a * w for a, w in weighted) /
                            weight if weight > 0 else None),
                offline_keep_ratio=_mean(_values(lines,
                                                 'offline_keep_ratio')),
                val_top1=val.get(epoch, {}).get('acc/top1'),
                val_mean1=val.get(epoch, {}).get('acc/mean1')))
    return stats


def offline_phases(records: Sequence[Record]) -> List[Record]:
    """The APLT offline phases of a run, in order.

    Args:
        records (Sequence[dict]): Scalars lines of one run.

    Returns:
        list[dict]: One dict per phase: ``epoch`` (after which it ran) and
        ``num_kept``, ``coverage``, ``time`` (seconds; of which
        ``extract_time`` extracting features and ``label_time`` clustering,
        thresholding and building prototypes), ``assignment_acc``,
        ``pseudo_acc`` (None where not logged).
    """
    phases = []
    for record in records:
        if is_offline_record(record):
            phase = dict(epoch=int(record['step']))
            phase.update(
                {key: record.get(f'offline/{key}')
                 for key in OFFLINE_KEYS})
            phases.append(phase)
    return phases


def count_clips(path: str) -> int:
    """Number of clips of a video list (blank and ``#`` lines skipped)."""
    return len(load_video_list(path))


def _drawn_unlabeled_clips(dataset: Dict[str, Any]) -> Optional[int]:
    """Size of the unlabeled part a ``SemiVideoDataset`` config draws from
    its ``ann_file`` by ``label_ratio``; None for other configs or a
    missing list."""
    ann, ratio = dataset.get('ann_file'), dataset.get('label_ratio')
    if ratio is None or not (ann and osp.isfile(ann)):
        return None
    # Imported here: the rest of the module reads logs without torch.
    from ..datasets import is_semi_video_dataset
    from ..datasets.splits import stratified_split
    if not is_semi_video_dataset(dataset):
        return None  # a labeled-only run keeps the labeled part
    _, unlabeled = stratified_split(
        load_video_list(ann), ratio, dataset.get('split_seed', 0),
        dataset.get('min_per_class', 0))
    return len(unlabeled)


def num_unlabeled_clips(work_dir: str,
                        phases: Sequence[Record] = ()) -> Optional[int]:
    """Size of a run's unlabeled list.

    Read from the config the run dumped (``vis_data/config.py``:
    ``train_dataloader.dataset.unlabeled_ann_file``, or the unlabeled part
    of its ``ann_file`` a ``SemiVideoDataset`` draws by ``label_ratio``;
    relative paths taken from the current directory), else from an
    offline phase (``num_kept / coverage``).

    Args:
        work_dir (str): The run's work dir.
        phases (Sequence[dict]): Its offline phases (:func:`offline_phases`).

    Returns:
        int | None: The count, or None if neither source gives it (e.g. a
        labeled-only run).
    """
    for log_dir in reversed(find_log_dirs(work_dir)):
        cfg_path = osp.join(log_dir, 'vis_data', 'config.py')
        if not osp.isfile(cfg_path):
            continue
        dataset = Config.fromfile(cfg_path).get('train_dataloader',
                                                {}).get('dataset', {})
        ann = dataset.get('unlabeled_ann_file')
        if ann and osp.isfile(ann):
            return count_clips(ann)
        drawn = _drawn_unlabeled_clips(dataset)
        if drawn is not None:
            return drawn
        break
    for phase in phases:
        if phase.get('num_kept') and phase.get('coverage'):
            return round(phase['num_kept'] / phase['coverage'])
    return None


def load_run_log(work_dir: str,
                 num_unlabeled: Optional[int] = None) -> Dict[str, Any]:
    """Everything :mod:`aplt_mm.analysis` uses of a run's logs.

    Args:
        work_dir (str): The run's work dir.
        num_unlabeled (int, optional): Size of the unlabeled list; None
            (default) looks it up with :func:`num_unlabeled_clips`.

    Returns:
        dict: ``work_dir``, ``num_unlabeled``, ``epochs``
        (:func:`epoch_stats`), ``offline_phases`` (:func:`offline_phases`)
        and ``train_time`` (seconds: the epochs' and phases' times).
    """
    records = load_records(work_dir)
    phases = offline_phases(records)
    if num_unlabeled is None:
        num_unlabeled = num_unlabeled_clips(work_dir, phases)
    for phase in phases:
        # Logs written before the hook logged num_kept have the coverage.
        if phase['num_kept'] is None and phase['coverage'] is not None \
                and num_unlabeled is not None:
            phase['num_kept'] = round(phase['coverage'] * num_unlabeled)
    epochs = epoch_stats(records, num_unlabeled)
    times = [row['time'] for row in list(epochs) + phases]
    return dict(
        work_dir=work_dir,
        num_unlabeled=num_unlabeled,
        epochs=epochs,
        offline_phases=phases,
        train_time=sum(t for t in times if t is not None))
