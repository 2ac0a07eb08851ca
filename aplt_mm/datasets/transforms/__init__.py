from . import numpy_compat  # noqa: F401 (PoseCompact under NumPy 2)
from .multi_view import MultiView
from .skeleton_normalize import NormalizeBodySize
from .skeleton_views import (JointJitter, RandomJointDropout,
                             RandomSkeletonAffine, RandomTemporalCrop,
                             SkeletonFlip)

__all__ = [
    'JointJitter', 'MultiView', 'NormalizeBodySize', 'RandomJointDropout',
    'RandomSkeletonAffine', 'RandomTemporalCrop', 'SkeletonFlip'
]
