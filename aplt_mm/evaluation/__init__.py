"""Evaluation: classification scores of micro-action benchmarks.

:mod:`.classification` holds the numpy functions (F1, coarse labels);
:class:`MicroActionMetric` is the registered mmengine metric the configs'
evaluators use, and the benchmark tables compute the same numbers from
prediction dumps with the same functions.
"""
from .classification import (f1_scores, load_coarse_labels, map_labels,
                             micro_action_scores)
from .micro_action_metric import MicroActionMetric

__all__ = [
    'f1_scores', 'load_coarse_labels', 'map_labels', 'micro_action_scores',
    'MicroActionMetric'
]
