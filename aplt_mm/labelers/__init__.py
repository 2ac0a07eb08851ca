"""Offline labelers: how an offline phase turns features into pseudo-labels.

Registered in mmaction's ``TASK_UTILS`` and built by the model from
``model.offline_labeler``; :class:`APLTOfflineHook` runs them.
"""
from .base import OfflineFeatures, PhaseResult
from .classifier_labeler import ClassifierLabeler
from .clustering_labeler import ClusteringLabeler
from .diagnostics import phase_report

__all__ = [
    'ClassifierLabeler', 'ClusteringLabeler', 'OfflineFeatures',
    'PhaseResult', 'phase_report'
]
