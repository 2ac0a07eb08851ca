"""Offline pseudo-labeling maths of APLT (section 3.3) as plain torch ops."""
from .prototypes import build_prototypes
from .seeded_kmeans import (ClusteringResult, kmeans,
                            match_clusters_to_classes, seeded_kmeans)
from .thresholds import ThresholdResult, adaptive_thresholds

__all__ = [
    'ClusteringResult', 'ThresholdResult', 'seeded_kmeans', 'kmeans',
    'match_clusters_to_classes', 'adaptive_thresholds', 'build_prototypes'
]
