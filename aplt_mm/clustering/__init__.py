"""Offline pseudo-labeling maths of APLT (section 3.3) as plain torch ops.

:func:`cluster_pseudo_labels` is the whole labeling on feature tensors; the
other functions are its steps.
"""
from .balanced import balanced_seeded_kmeans, sinkhorn_potentials
from .geometry import GEOMETRIES, apply_geometry, feature_center, sq_distances
from .kmeans import kmeans, match_clusters_to_classes
from .prototypes import build_prototypes
from .pseudo_labels import (DEFAULT_OPTIONS, PAPER_OPTIONS,
                            RECOMMENDED_OPTIONS, PseudoLabels, check_options,
                            cluster_pseudo_labels)
from .seeded_kmeans import ClusteringResult, seeded_kmeans
from .selection import SELECTIONS, Selection, select_pseudo_labels
from .thresholds import ThresholdResult, adaptive_thresholds

__all__ = [
    'ClusteringResult', 'ThresholdResult', 'PseudoLabels', 'Selection',
    'seeded_kmeans', 'balanced_seeded_kmeans', 'sinkhorn_potentials',
    'kmeans', 'match_clusters_to_classes', 'adaptive_thresholds',
    'build_prototypes', 'cluster_pseudo_labels', 'check_options',
    'select_pseudo_labels', 'apply_geometry', 'feature_center',
    'sq_distances', 'GEOMETRIES', 'SELECTIONS', 'DEFAULT_OPTIONS',
    'PAPER_OPTIONS', 'RECOMMENDED_OPTIONS'
]
