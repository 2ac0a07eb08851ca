import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from aplt_mm.datasets import SemiSupervisedSampler, SemiVideoDataset
from conftest import free_port


def build_dataset(tiny_data):
    return SemiVideoDataset(
        ann_file=tiny_data['labeled'],
        unlabeled_ann_file=tiny_data['unlabeled'],
        data_prefix=dict(video=tiny_data['videos']),
        num_classes=tiny_data['num_classes'],
        pipeline=[])


def test_batches_hold_labeled_then_unlabeled_in_ratio(tiny_data):
    dataset = build_dataset(tiny_data)
    assert (dataset.num_labeled, dataset.num_unlabeled) == (6, 12)
    sampler = SemiSupervisedSampler(
        dataset, labeled_batch_size=2, unlabeled_ratio=2, seed=0)
    indices = list(sampler)
    assert sampler.batch_size == 6
    # One epoch = one pass over the 12 unlabeled clips, 4 per batch.
    assert len(indices) == len(sampler) == 3 * 6
    for start in range(0, len(indices), 6):
        batch = indices[start:start + 6]
        assert all(i < 6 for i in batch[:2])
        assert all(6 <= i < 18 for i in batch[2:])
    unlabeled = [i for i in indices if i >= 6]
    assert sorted(unlabeled) == list(range(6, 18))


def test_labeled_part_cycles_and_epoch_length_follows_unlabeled(tiny_data):
    dataset = build_dataset(tiny_data)
    sampler = SemiSupervisedSampler(
        dataset, labeled_batch_size=4, unlabeled_ratio=1, seed=0)
    indices = list(sampler)
    # 12 unlabeled / 4 per batch = 3 batches, needing 12 labeled draws
    # from 6 labeled clips: two full permutations.
    labeled = [i for i in indices if i < 6]
    assert len(labeled) == 12
    assert sorted(labeled[:6]) == list(range(6))
    assert sorted(labeled[6:]) == list(range(6))


def test_padding_when_unlabeled_does_not_fill_the_last_batch(tiny_data):
    dataset = build_dataset(tiny_data)
    sampler = SemiSupervisedSampler(
        dataset, labeled_batch_size=1, unlabeled_ratio=5, seed=0)
    # ceil(12 / 5) = 3 batches, 15 unlabeled slots: every clip once, plus 3.
    unlabeled = [i for i in sampler if i >= 6]
    assert len(unlabeled) == 15
    assert set(unlabeled) == set(range(6, 18))


def test_set_epoch_is_deterministic(tiny_data):
    dataset = build_dataset(tiny_data)

    def epoch(seed, ep):
        sampler = SemiSupervisedSampler(
            dataset, labeled_batch_size=2, unlabeled_ratio=2, seed=seed)
        sampler.set_epoch(ep)
        return list(sampler)

    assert epoch(0, 3) == epoch(0, 3)
    assert epoch(0, 3) != epoch(0, 4)
    assert epoch(0, 3) != epoch(1, 3)


def test_bad_arguments(tiny_data):
    dataset = build_dataset(tiny_data)
    with pytest.raises(ValueError, match='unlabeled_ratio'):
        SemiSupervisedSampler(dataset, labeled_batch_size=2,
                              unlabeled_ratio=0)
    with pytest.raises(ValueError, match='labeled_batch_size'):
        SemiSupervisedSampler(dataset, labeled_batch_size=0)
    with pytest.raises(TypeError, match='num_labeled'):
        SemiSupervisedSampler(list(range(10)), labeled_batch_size=2)


def _rank_indices(rank, world_size, port, tiny_data, out_dir):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        sampler = SemiSupervisedSampler(
            build_dataset(tiny_data), labeled_batch_size=1,
            unlabeled_ratio=2)  # seed synchronised across ranks
        sampler.set_epoch(2)
        torch.save(
            dict(indices=list(sampler), length=len(sampler)),
            os.path.join(out_dir, f'rank{rank}.pt'))
    finally:
        dist.destroy_process_group()


def test_ranks_get_disjoint_shards(tiny_data, tmp_path):
    world_size = 2
    mp.spawn(
        _rank_indices,
        args=(world_size, free_port(), tiny_data, str(tmp_path)),
        nprocs=world_size)
    ranks = [torch.load(tmp_path / f'rank{r}.pt') for r in range(world_size)]
    # 12 unlabeled over 2 ranks x 2 per batch: 3 batches of 3 per rank.
    assert all(r['length'] == 9 == len(r['indices']) for r in ranks)
    unlabeled = [[i for i in r['indices'] if i >= 6] for r in ranks]
    assert not set(unlabeled[0]) & set(unlabeled[1])
    assert sorted(unlabeled[0] + unlabeled[1]) == list(range(6, 18))
    labeled = [[i for i in r['indices'] if i < 6] for r in ranks]
    assert sorted(labeled[0] + labeled[1]) == list(range(6))
