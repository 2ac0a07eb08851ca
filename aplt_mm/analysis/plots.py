"""PNG figures: pseudo-label curves, per-class accuracy, confusion matrices.

Figures are drawn on :class:`matplotlib.figure.Figure` objects and saved
with the Agg renderer, without pyplot, so importing this module changes no
global matplotlib state and needs no display.
"""
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .metrics import row_percentages

# Bars get value labels up to this many classes; beyond, they would overlap.
MAX_LABELLED_CLASSES = 20


def _save(fig: Figure, out: str) -> str:
    """Write ``fig`` to the PNG ``out``, creating its dir; return ``out``."""
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=120, bbox_inches='tight')
    return out


def _percent(values: Sequence[Optional[float]]) -> np.ndarray:
    """Fractions as percentages, None as NaN (a gap in a line plot)."""
    return np.array([np.nan if v is None else 100.0 * v for v in values],
                    dtype=float)


def _series(rows: Sequence[Dict[str, Any]],
            key: str) -> Tuple[List[int], List[Optional[float]]]:
    """Epochs and values of ``key`` for the rows that logged it."""
    kept = [row for row in rows if row.get(key) is not None]
    return [row['epoch'] for row in kept], [row[key] for row in kept]


def has_pseudo_label_stats(run_log: Dict[str, Any]) -> bool:
    """Whether a run logged FixMatch mask ratios or offline phases."""
    return bool(run_log['offline_phases']) or any(
        epoch.get('mask_ratio') is not None for epoch in run_log['epochs'])


def plot_pseudo_labels(runs: Sequence[Tuple[str, Dict[str, Any]]],
                       out: str,
                       title: str = 'Pseudo-labels during training') -> str:
    """The paper's Fig. 2b: pseudo-label accuracy and count vs epoch.

    For each run: FixMatch's online pseudo-labels per epoch (those whose
    confidence passed the threshold; count = mask ratio x unlabeled clips)
    and, for APLT, the offline phases' kept pseudo-labels per phase (solid,
    squares), its FixMatch part then dashed.

    Args:
        runs (Sequence[tuple[str, dict]]): ``(name, run_log)`` pairs, run
            logs as :func:`aplt_mm.analysis.logs.load_run_log` returns them.
        out (str): PNG path; parent dirs are created.
        title (str): Figure title.

    Returns:
        str: ``out``.
    """
    fig = Figure(figsize=(12, 4.8))
    ax_acc, ax_num = fig.subplots(1, 2, sharex=True)
    last_epoch = 1
    totals: List[int] = []
    for i, (name, log) in enumerate(runs):
        color = f'C{i % 10}'
        phases = log['offline_phases']
        online_style = dict(color=color, marker='o', markersize=4)
        if phases:
            online_style.update(linestyle='--', alpha=0.8)
            online_label = f'{name}: its FixMatch pseudo-labels (per epoch)'
        else:
            online_label = f'{name}: online pseudo-labels (per epoch)'
        x, acc = _series(log['epochs'], 'pseudo_acc')
        ax_acc.plot(x, _percent(acc), label=online_label, **online_style)
        x, num = _series(log['epochs'], 'num_pseudo_labels')
        ax_num.plot(x, num, label=online_label, **online_style)
        if phases:
            phase_style = dict(
                color=color, marker='s', markersize=7, linewidth=2.2)
            phase_label = f'{name}: offline phases, kept pseudo-labels'
            x, acc = _series(phases, 'pseudo_acc')
            ax_acc.plot(x, _percent(acc), label=phase_label, **phase_style)
            x, num = _series(phases, 'num_kept')
            ax_num.plot(x, num, label=phase_label, **phase_style)
        last_epoch = max(
            [last_epoch] +
            [row['epoch'] for row in list(log['epochs']) + list(phases)])
        if log.get('num_unlabeled') and log['num_unlabeled'] not in totals:
            totals.append(log['num_unlabeled'])
    for total in totals:
        ax_num.axhline(
            total,
            color='0.4',
            linestyle=':',
            linewidth=1.2,
            label=f'all unlabeled clips ({total})')
    ax_acc.set_ylabel('pseudo-label accuracy (%)')
    ax_acc.set_ylim(-2, 102)
    ax_acc.set_title('Accuracy of the pseudo-labels')
    ax_num.set_ylabel('number of pseudo-labels')
    ax_num.set_ylim(bottom=0)
    ax_num.set_title('Number of pseudo-labels')
    ax_acc.set_xlim(0.5, last_epoch + 0.5)
    for ax in (ax_acc, ax_num):
        ax.set_xlabel('epoch')
        # Whole epochs only, even for a single epoch.
        ax.xaxis.set_major_locator(
            MaxNLocator(integer=True, min_n_ticks=1))
        ax.grid(alpha=0.3)
    # One legend for both panels, below them, so it hides no curve.
    handles, labels = {}, []
    for ax in (ax_acc, ax_num):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in handles:
                handles[label] = handle
                labels.append(label)
    fig.legend([handles[label] for label in labels],
               labels,
               loc='upper center',
               bbox_to_anchor=(0.5, 0.0),
               ncol=2,
               frameon=False)
    fig.suptitle(title)
    return _save(fig, out)


def plot_per_class(accuracies: Sequence[Sequence[Optional[float]]],
                   names: Sequence[str],
                   class_names: Sequence[str],
                   out: str,
                   title: str = 'Per-class test accuracy') -> str:
    """The paper's Fig. 4 (left): per-class accuracy of runs side by side.

    Args:
        accuracies (Sequence[Sequence[float | None]]): Per run, the accuracy
            (fraction) of every class; None for a class without test clips.
        names (Sequence[str]): Legend name of each run.
        class_names (Sequence[str]): X tick labels, one per class.
        out (str): PNG path; parent dirs are created.
        title (str): Figure title.

    Returns:
        str: ``out``.
    """
    num_classes = len(class_names)
    fig = Figure(figsize=(max(7.5, 0.7 * num_classes + 2.5), 4.8))
    ax = fig.subplots()
    x = np.arange(num_classes)
    width = 0.8 / len(accuracies)
    for i, (acc, name) in enumerate(zip(accuracies, names)):
        values = _percent(acc)
        present = values[~np.isnan(values)]
        label = f'{name} (mean-class {present.mean():.1f}%)' if len(
            present) else name
        bars = ax.bar(
            x + (i - (len(accuracies) - 1) / 2) * width,
            np.nan_to_num(values),
            width,
            label=label,
            color=f'C{i % 10}')
        if num_classes <= MAX_LABELLED_CLASSES:
            ax.bar_label(
                bars,
                labels=['' if np.isnan(v) else f'{v:.0f}' for v in values],
                fontsize=7,
                padding=1)
    ax.set_xticks(x)
    ax.set_xticklabels(class_names, rotation=40, ha='right')
    ax.set_xlabel('class')
    ax.set_ylabel('test accuracy (%)')
    # Room above 100% for the legend, so it covers no bar.
    ax.set_ylim(0, 125)
    ax.set_yticks(np.arange(0, 101, 20))
    ax.grid(axis='y', alpha=0.3)
    ax.legend(loc='upper center', ncol=len(accuracies), frameon=False)
    ax.set_title(title)
    return _save(fig, out)


def plot_confusion(matrix: Sequence[Sequence[int]],
                   class_names: Sequence[str],
                   out: str,
                   normalize: bool = False,
                   title: str = 'Confusion matrix') -> str:
    """A confusion matrix with class names and a value in every cell.

    Args:
        matrix (Sequence[Sequence[int]]): ``[C, C]`` counts, rows = true
            class, columns = predicted class.
        class_names (Sequence[str]): Names of the C classes.
        out (str): PNG path; parent dirs are created.
        normalize (bool): Show each row as percentages of its true class
            instead of counts.
        title (str): Figure title.

    Returns:
        str: ``out``.
    """
    values = row_percentages(matrix) if normalize else np.asarray(
        matrix, dtype=float)
    num_classes = len(class_names)
    side = max(5.0, 0.55 * num_classes + 3.0)
    fig = Figure(figsize=(side + 1.0, side))
    ax = fig.subplots()
    vmax = 100.0 if normalize else max(values.max(), 1.0)
    image = ax.imshow(values, cmap='Blues', vmin=0, vmax=vmax)
    colorbar = fig.colorbar(
        image,
        ax=ax,
        fraction=0.046,
        pad=0.04,
        label='% of the true class' if normalize else 'clips')
    colorbar.locator = MaxNLocator(integer=True)
    colorbar.update_ticks()
    # White text on the dark half of the colour scale.
    threshold = 0.5 * vmax
    for row in range(num_classes):
        for col in range(num_classes):
            value = values[row, col]
            ax.text(
                col,
                row,
                f'{value:.0f}',
                ha='center',
                va='center',
                fontsize=8 if num_classes <= 15 else 6,
                color='white' if value > threshold else 'black')
    ticks = np.arange(num_classes)
    ax.set_xticks(ticks)
    ax.set_xticklabels(class_names, rotation=45, ha='right')
    ax.set_yticks(ticks)
    ax.set_yticklabels(class_names)
    ax.set_xlabel('predicted class')
    ax.set_ylabel('true class')
    ax.set_title(title)
    return _save(fig, out)
