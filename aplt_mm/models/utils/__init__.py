"""Pieces shared by the semi-supervised recognizers and the SSL algorithms
(below both, so neither imports the other's package)."""
from .batch_norm import running_stats_frozen
from .semi_batch import (SemiBatch, check_finite_losses, labeled_cross_entropy,
                         neck_features, split_semi_batch, target_stats)

__all__ = [
    'SemiBatch', 'check_finite_losses', 'labeled_cross_entropy',
    'neck_features', 'running_stats_frozen', 'split_semi_batch',
    'target_stats'
]
