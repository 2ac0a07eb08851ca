from .semi_supervised_sampler import (SemiSupervisedBatchSampler,
                                      SemiSupervisedSampler)

__all__ = ['SemiSupervisedBatchSampler', 'SemiSupervisedSampler']
