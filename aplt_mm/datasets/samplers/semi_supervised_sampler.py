"""Batches of labeled and unlabeled clips in a fixed ratio."""
import math
from typing import Iterator, Optional

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import BatchSampler, Sampler

from mmaction.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class SemiSupervisedSampler(Sampler):
    """Yield batches of ``B_l`` labeled then ``mu * B_l`` unlabeled indices.

    Works on a dataset that puts its labeled clips first and exposes
    ``num_labeled`` and ``num_unlabeled`` (:class:`SemiVideoDataset`). It
    emits flat indices in blocks of ``B_l * (1 + mu)``;
    :class:`SemiSupervisedBatchSampler`, the train dataloader's
    ``batch_sampler``, cuts the stream at the block boundaries, so every
    batch holds exactly ``B_l`` labeled and ``mu * B_l`` unlabeled clips
    whatever ``train_dataloader.batch_size`` says (it must match or be
    None).

    An epoch is one pass over the unlabeled set (FixMatch's convention):
    ``ceil(N_u / (world_size * B_u))`` batches per rank, the last ones padded
    with clips of a second permutation; the labeled part cycles through
    fresh permutations as often as needed. Every permutation is drawn from
    ``seed``, ``epoch`` and a stream id, so :meth:`set_epoch` makes a run
    reproducible and resumable at any epoch. Ranks take interleaved batches
    of one shared stream, so they never share a clip within an epoch
    (except for the padding).

    Args:
        dataset: The semi-supervised dataset.
        labeled_batch_size (int): ``B_l``, labeled clips per batch per rank.
        unlabeled_ratio (int): ``mu``, unlabeled clips per labeled clip.
        shuffle (bool): Shuffle each epoch. Defaults to True.
        seed (int, optional): Base seed, shared by all ranks. Defaults to a
            random seed synchronised across ranks.
    """

    def __init__(self,
                 dataset,
                 labeled_batch_size: int,
                 unlabeled_ratio: int = 1,
                 shuffle: bool = True,
                 seed: Optional[int] = None) -> None:
        for attr in ('num_labeled', 'num_unlabeled'):
            if not hasattr(dataset, attr):
                raise TypeError(
                    f'{type(self).__name__} needs a dataset with labeled and '
                    f'unlabeled parts (e.g. SemiVideoDataset); '
                    f'{type(dataset).__name__} has no `{attr}`.')
        if int(labeled_batch_size) != labeled_batch_size or \
                labeled_batch_size < 1:
            raise ValueError('labeled_batch_size must be a positive integer, '
                             f'got {labeled_batch_size}')
        if int(unlabeled_ratio) != unlabeled_ratio or unlabeled_ratio < 1:
            raise ValueError('unlabeled_ratio (mu) must be a positive '
                             f'integer, got {unlabeled_ratio}')
        # Accessing the counts forces the dataset's lazy init.
        len(dataset)
        if dataset.num_labeled == 0 or dataset.num_unlabeled == 0:
            raise ValueError(
                f'{type(self).__name__} needs labeled and unlabeled clips, '
                f'got {dataset.num_labeled} labeled and '
                f'{dataset.num_unlabeled} unlabeled.')
        self.dataset = dataset
        self.rank, self.world_size = get_dist_info()
        self.labeled_batch_size = int(labeled_batch_size)
        self.unlabeled_batch_size = int(labeled_batch_size * unlabeled_ratio)
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.num_batches = math.ceil(
            dataset.num_unlabeled /
            (self.world_size * self.unlabeled_batch_size))

    @property
    def batch_size(self) -> int:
        """Clips per batch, ``B_l * (1 + mu)``."""
        return self.labeled_batch_size + self.unlabeled_batch_size

    def _stream(self, n: int, length: int, stream_id: int) -> torch.Tensor:
        """``length`` indices over ``range(n)``: permutations back to back."""
        g = torch.Generator()
        g.manual_seed(self.seed + self.epoch * 1000003 + stream_id)
        reps = math.ceil(length / n)
        if self.shuffle:
            perms = [torch.randperm(n, generator=g) for _ in range(reps)]
        else:
            perms = [torch.arange(n)] * reps
        return torch.cat(perms)[:length]

    def __iter__(self) -> Iterator[int]:
        num_global = self.num_batches * self.world_size
        labeled = self._stream(self.dataset.num_labeled,
                               num_global * self.labeled_batch_size, 0)
        unlabeled = self._stream(self.dataset.num_unlabeled,
                                 num_global * self.unlabeled_batch_size, 1)
        labeled = labeled.view(num_global, self.labeled_batch_size)
        unlabeled = unlabeled.view(num_global, self.unlabeled_batch_size)
        unlabeled = unlabeled + self.dataset.num_labeled
        # Rank r takes global batches r, r + W, r + 2W, ...
        batches = torch.cat([labeled, unlabeled], dim=1)
        return iter(batches[self.rank::self.world_size].reshape(-1).tolist())

    def __len__(self) -> int:
        return self.num_batches * self.batch_size

    def set_epoch(self, epoch: int) -> None:
        """Select the permutations of ``epoch``."""
        self.epoch = epoch


@DATA_SAMPLERS.register_module()
class SemiSupervisedBatchSampler(BatchSampler):
    """The batches of a :class:`SemiSupervisedSampler`, one block each.

    Used as ``train_dataloader.batch_sampler``: MMEngine passes it the
    built ``train_dataloader.sampler`` and ``train_dataloader.batch_size``.
    The batch size is the sampler's ``labeled_batch_size * (1 +
    unlabeled_ratio)``, stated once in the sampler; a different explicit
    ``batch_size`` is refused, because a loader cutting the stream at
    other boundaries would make batches without a labeled clip.

    Args:
        sampler (SemiSupervisedSampler): The index sampler.
        batch_size (int, optional): ``train_dataloader.batch_size``; None
            takes the sampler's.
        drop_last (bool): Must be False (every block is a full batch).
    """

    def __init__(self,
                 sampler: SemiSupervisedSampler,
                 batch_size: Optional[int] = None,
                 drop_last: bool = False) -> None:
        if not isinstance(sampler, SemiSupervisedSampler):
            raise TypeError(
                f'train_dataloader.batch_sampler={type(self).__name__} cuts '
                'the blocks of a SemiSupervisedSampler; '
                f'train_dataloader.sampler is a {type(sampler).__name__}. '
                'Remove the batch_sampler or use SemiSupervisedSampler.')
        if drop_last:
            raise ValueError(
                f'{type(self).__name__} needs drop_last=False: every block '
                'of the sampler is a full batch.')
        check_batch_size(sampler, batch_size)
        super().__init__(sampler, sampler.batch_size, drop_last=False)


def check_batch_size(sampler: SemiSupervisedSampler,
                     batch_size: Optional[int]) -> None:
    """Refuse a loader batch size other than the sampler's block size."""
    if batch_size is None or batch_size == sampler.batch_size:
        return
    mu = sampler.unlabeled_batch_size // sampler.labeled_batch_size
    raise ValueError(
        f'train_dataloader.batch_size={batch_size} does not match '
        'train_dataloader.sampler, whose batches hold labeled_batch_size * '
        f'(1 + unlabeled_ratio) = {sampler.labeled_batch_size} * (1 + {mu}) '
        f'= {sampler.batch_size} clips; with another batch size some '
        'batches would hold no labeled clip. Set '
        f'train_dataloader.batch_size={sampler.batch_size} (or None), or '
        'change train_dataloader.sampler.labeled_batch_size / '
        'unlabeled_ratio.')
