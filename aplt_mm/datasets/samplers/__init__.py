from .labeled_part_sampler import LabeledPartSampler
from .semi_supervised_sampler import (SemiSupervisedBatchSampler,
                                      SemiSupervisedSampler)

__all__ = [
    'LabeledPartSampler', 'SemiSupervisedBatchSampler',
    'SemiSupervisedSampler'
]
