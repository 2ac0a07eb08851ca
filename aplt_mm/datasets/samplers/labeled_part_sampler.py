"""The labeled part of the semi-supervised batches, for labeled-only runs."""
from typing import Iterator

from mmaction.registry import DATA_SAMPLERS

from .semi_supervised_sampler import SemiSupervisedSampler


@DATA_SAMPLERS.register_module()
class LabeledPartSampler(SemiSupervisedSampler):
    """:class:`SemiSupervisedSampler`'s batches without their unlabeled
    clips.

    A labeled-only baseline on the same semi-supervised dataset then takes
    as many optimizer steps per epoch as the semi-supervised runs
    (``ceil(N_u / (world_size * B_u))``) and sees the same labeled clips in
    the same order, so the two compare at equal steps whatever the label
    ratio. The train dataloader's ``batch_size`` must be ``B_l``
    (``labeled_batch_size``).

    Args: as :class:`SemiSupervisedSampler`.
    """

    def __iter__(self) -> Iterator[int]:
        num_labeled = self.dataset.num_labeled
        return iter([i for i in super().__iter__() if i < num_labeled])

    @property
    def batch_size(self) -> int:
        """Clips per batch: the ``B_l`` labeled ones."""
        return self.labeled_batch_size

    def __len__(self) -> int:
        # Each batch of B_l + B_u indices keeps its B_l labeled ones.
        return self.num_batches * self.labeled_batch_size
