from .multi_view import MultiView
from .skeleton_views import (JointJitter, RandomJointDropout,
                             RandomSkeletonAffine, RandomTemporalCrop,
                             SkeletonFlip)

__all__ = [
    'JointJitter', 'MultiView', 'RandomJointDropout', 'RandomSkeletonAffine',
    'RandomTemporalCrop', 'SkeletonFlip'
]
