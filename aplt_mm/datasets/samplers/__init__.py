from .labeled_part_sampler import LabeledPartSampler
from .semi_supervised_sampler import SemiSupervisedSampler

__all__ = ['LabeledPartSampler', 'SemiSupervisedSampler']
