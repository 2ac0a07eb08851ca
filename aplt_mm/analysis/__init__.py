"""Read training logs and prediction dumps, aggregate and plot them.

Shared by ``tools/benchmark.py`` and ``tools/analysis/*``: :mod:`.logs`
(mmengine ``scalars.json``), :mod:`.metrics` (``tools/test.py --dump``
pickles, class names), :mod:`.plots` (PNG figures) and :mod:`.report`
(aggregation over seeds, markdown).
"""
from .logs import epoch_stats, load_records, load_run_log, offline_phases
from .metrics import (classification_metrics, dump_metrics, load_class_map,
                      load_dump, mean_std)
from .plots import plot_confusion, plot_per_class, plot_pseudo_labels
from .report import render_markdown, summarize, summarize_offline

__all__ = [
    'epoch_stats', 'load_records', 'load_run_log', 'offline_phases',
    'classification_metrics', 'dump_metrics', 'load_class_map', 'load_dump',
    'mean_std', 'plot_confusion', 'plot_per_class', 'plot_pseudo_labels',
    'render_markdown', 'summarize', 'summarize_offline'
]
