"""Aggregate benchmark runs over seeds and render them as markdown."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .metrics import mean_std

Run = Dict[str, Any]

#: (key of a run's test metrics, column title) of the accuracy tables.
ACCURACY_COLUMNS = (('top1', 'top-1'), ('f1_mean', 'F1_mean'))
# (key of an offline phase, column title, scale of the value).
#: Test metrics aggregated over seeds.
METRICS = ('top1', 'top5', 'mean_class_acc', 'f1_macro', 'f1_micro',
           'f1_mean')
OFFLINE_COLUMNS = (
    ('num_kept', 'kept pseudo-labels', 1.0),
    ('coverage', 'coverage (%)', 100.0),
    ('pseudo_acc', 'kept accuracy (%)', 100.0),
    ('assignment_acc', 'assignment accuracy (%)', 100.0),
    ('time', 'time (s)', 1.0),
)


def ratio_label(ratio: float) -> str:
    """A label ratio as a percentage: ``0.25`` -> ``'25%'``.

    Args:
        ratio (float): Labeled fraction.

    Returns:
        str: The label.
    """
    return f'{ratio * 100:g}%'


def _groups(runs: Sequence[Run]) -> Dict[Tuple[str, float], List[Run]]:
    """Runs grouped by (method, ratio), in first-seen order."""
    groups: Dict[Tuple[str, float], List[Run]] = {}
    for run in runs:
        groups.setdefault((run['method'], run['ratio']), []).append(run)
    return groups


def summarize(runs: Sequence[Run]) -> List[Dict[str, Any]]:
    """Mean and std over seeds of each (method, ratio).

    Args:
        runs (Sequence[dict]): Run records of ``results.json``.

    Returns:
        list[dict]: One row per (method, ratio): ``method``, ``ratio``,
        ``reference``, ``seeds`` and ``<metric>_mean`` / ``<metric>_std``
        for ``top1``, ``top5``, ``mean_class_acc``, ``f1_macro``,
        ``f1_micro``, ``f1_mean`` (fractions; the last checkpoint's test
        metrics), the same prefixed ``best_`` for the checkpoint
        validation selected (None without validation), ``steps``
        (optimizer steps), ``epoch_time`` (s per epoch), ``offline_time``
        (s, all phases of a run) and ``wall_time`` (s, training +
        testing, as measured around the tools).
    """
    rows = []
    for (method, ratio), group in _groups(runs).items():
        row = dict(
            method=method,
            ratio=ratio,
            reference=group[0]['reference'],
            seeds=[run['seed'] for run in group])
        per_run = dict(
            steps=[run.get('steps') for run in group],
            epoch_time=[_epoch_time(run) for run in group],
            offline_time=[
                sum(p['time'] or 0.0 for p in run['offline_phases'])
                for run in group
            ],
            wall_time=[run['wall_time']['total'] for run in group])
        for key in METRICS:
            per_run[key] = [run['test'].get(key) for run in group]
            per_run['best_' + key] = [(run.get('test_best') or {}).get(key)
                                      for run in group]
        for key, values in per_run.items():
            row[f'{key}_mean'], row[f'{key}_std'] = mean_std(values)
        rows.append(row)
    return rows


def _epoch_time(run: Run) -> Optional[float]:
    """Mean seconds per training epoch of a run, None without times."""
    times = [e['time'] for e in run['epochs'] if e['time'] is not None]
    return sum(times) / len(times) if times else None


def summarize_offline(runs: Sequence[Run]) -> List[Dict[str, Any]]:
    """Mean and std over seeds of each offline phase of each group.

    Args:
        runs (Sequence[dict]): Run records of ``results.json``.

    Returns:
        list[dict]: One row per (method, ratio, phase epoch): ``method``,
        ``ratio``, ``epoch``, ``seeds`` and ``<key>_mean`` / ``<key>_std``
        for ``num_kept``, ``coverage``, ``pseudo_acc``, ``assignment_acc``
        and ``time``.
    """
    rows = []
    for (method, ratio), group in _groups(runs).items():
        by_epoch: Dict[int, List[Tuple[int, Dict[str, Any]]]] = {}
        for run in group:
            for phase in run['offline_phases']:
                by_epoch.setdefault(phase['epoch'], []).append(
                    (run['seed'], phase))
        for epoch in sorted(by_epoch):
            phases = by_epoch[epoch]
            row = dict(
                method=method,
                ratio=ratio,
                epoch=epoch,
                seeds=[seed for seed, _ in phases])
            for key, _, _ in OFFLINE_COLUMNS:
                row[f'{key}_mean'], row[f'{key}_std'] = mean_std(
                    [phase.get(key) for _, phase in phases])
            rows.append(row)
    return rows


def _cell(row: Dict[str, Any],
          key: str,
          scale: float = 100.0,
          digits: int = 1) -> str:
    """A ``mean ± std`` cell of ``key``, scaled; ``-`` where missing."""
    mean, std = row.get(f'{key}_mean'), row.get(f'{key}_std')
    if mean is None:
        return '-'
    return f'{mean * scale:.{digits}f} ± {std * scale:.{digits}f}'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A markdown table."""
    lines = [
        '| ' + ' | '.join(header) + ' |',
        '|' + '|'.join(['---'] * len(header)) + '|'
    ]
    lines += ['| ' + ' | '.join(row) + ' |' for row in rows]
    return '\n'.join(lines)


def _method_name(row: Dict[str, Any]) -> str:
    """The config's name, marked as the reference where it is."""
    return row['method'] + (' (reference)' if row['reference'] else '')


def accuracy_table(summary: Sequence[Dict[str, Any]],
                   ratios: Sequence[float],
                   prefix: str = '') -> str:
    """Methods x label ratios: top-1 and F1_mean (%), optimizer steps.

    Args:
        summary (Sequence[dict]): Rows of :func:`summarize`.
        ratios (Sequence[float]): Label ratios of the matrix, in column
            order; the reference's full-label column is added after them.
        prefix (str): ``''`` for the last checkpoint, ``'best_'`` for the
            one validation selected.

    Returns:
        str: A markdown table.
    """
    columns = list(ratios)
    if any(row['reference'] for row in summary):
        columns.append(1.0)
    header = ['method']
    for ratio in columns:
        label = ratio_label(ratio)
        header += [f'{label} {title}' for _, title in ACCURACY_COLUMNS]
        header.append(f'{label} steps')
    rows = []
    methods = list(
        dict.fromkeys((row['method'], row['reference']) for row in summary))
    for method, reference in methods:
        mine = {
            row['ratio']: row
            for row in summary
            if row['method'] == method and row['reference'] == reference
        }
        cells = [_method_name(next(iter(mine.values())))]
        for ratio in columns:
            row = mine.get(ratio, {})
            cells += [_cell(row, prefix + key) for key, _ in ACCURACY_COLUMNS]
            steps = row.get('steps_mean')
            cells.append('-' if steps is None else f'{steps:.0f}')
        rows.append(cells)
    return _table(header, rows)


def offline_table(offline: Sequence[Dict[str, Any]]) -> str:
    """Offline phases: kept pseudo-labels, their accuracy, time.

    Args:
        offline (Sequence[dict]): Rows of :func:`summarize_offline`.

    Returns:
        str: A markdown table.
    """
    header = ['method', 'labels', 'after epoch'
              ] + [title for _, title, _ in OFFLINE_COLUMNS]
    rows = []
    for row in offline:
        cells = [row['method'], ratio_label(row['ratio']), str(row['epoch'])]
        cells += [
            _cell(row, key, scale, digits=1)
            for key, _, scale in OFFLINE_COLUMNS
        ]
        rows.append(cells)
    return _table(header, rows)


def time_table(summary: Sequence[Dict[str, Any]]) -> str:
    """Wall time per epoch, of the offline phases and in total.

    Args:
        summary (Sequence[dict]): Rows of :func:`summarize`.

    Returns:
        str: A markdown table.
    """
    header = [
        'method', 'labels', 's / epoch', 'offline phases (s)',
        'train + test (s)'
    ]
    rows = [[
        _method_name(row),
        ratio_label(row['ratio']),
        _cell(row, 'epoch_time', 1.0),
        _cell(row, 'offline_time', 1.0),
        _cell(row, 'wall_time', 1.0, digits=0)
    ] for row in summary]
    return _table(header, rows)


def render_markdown(results: Dict[str, Any]) -> str:
    """``results.md``: tables, figures and the commands that were run.

    Args:
        results (dict): The content of ``results.json``.

    Returns:
        str: The markdown text.
    """
    seeds = ', '.join(str(s) for s in results['seeds'])
    parts = [
        '# Benchmark results', '',
        f'Data: {results["data"]}; seeds {seeds}. Cells: mean ± std over '
        'seeds (sample std, 0 for one seed). Budget: '
        f'{results["budget"]}.', '',
        '## Test scores of the last checkpoint (%)', '',
        accuracy_table(results['summary'], results['ratios']), ''
    ]
    if any(row['best_top1_mean'] is not None for row in results['summary']):
        parts += [
            '## Test scores of the checkpoint validation selected (%)', '',
            'Selected on the validation split (never the test list).', '',
            accuracy_table(results['summary'], results['ratios'], 'best_'),
            ''
        ]
    if results['offline_summary']:
        parts += [
            '## APLT offline phases', '',
            'Kept pseudo-labels of each phase, their accuracy against the '
            'unlabeled clips\' true labels, the accuracy of all cluster '
            'assignments before filtering, and the phase\'s wall time.', '',
            offline_table(results['offline_summary']), ''
        ]
    parts += [
        '## Wall time', '',
        'Seconds per training epoch (sum of its iterations, without '
        'validation and offline phases), of all offline phases, and of '
        'the training and test commands together.', '',
        time_table(results['summary']), ''
    ]
    figures = results['figures']
    if any(figures.values()):
        parts += ['## Figures', '']
        for caption, key in (('Pseudo-labels during training (Fig. 2b)',
                              'pseudo_labels'),
                             ('Per-class accuracy (Fig. 4, left)',
                              'per_class')):
            for label, path in figures[key].items():
                parts.append(f'- {caption}, {label}: ![]({path})')
        for name, path in figures['confusion'].items():
            parts.append(f'- Confusion matrix, {name}: [{path}]({path})')
        parts.append('')
    parts += [
        '## Commands', '', '```bash', results['benchmark_command'], '```', '',
        'ran, in this order:', '', '```bash'
    ] + results['commands'] + ['```', '']
    return '\n'.join(parts)
