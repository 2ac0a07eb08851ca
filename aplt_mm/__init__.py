"""APLT for MMAction2: semi-supervised micro-action recognition.

Importing this package registers its datasets, transforms, samplers,
models and hooks in MMAction2's registries (``mmaction`` scope); configs do
it with ``custom_imports = dict(imports=['aplt_mm'])``.
"""
import warnings

# mmcv-lite lacks compiled ops that recognizers never use; its import-time
# warning about them would only confuse users of every tool.
warnings.filterwarnings(
    'ignore', message='Fail to import ``MultiScaleDeformableAttention``')

# Imported for registration.
from . import datasets, engine, evaluation, labelers, models  # noqa: F401,E402
from .clustering import (adaptive_thresholds, build_prototypes,  # noqa: E402
                         cluster_pseudo_labels, seeded_kmeans)
from .version import __version__  # noqa: E402

__all__ = [
    '__version__', 'cluster_pseudo_labels', 'seeded_kmeans',
    'adaptive_thresholds', 'build_prototypes'
]
