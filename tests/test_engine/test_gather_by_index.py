import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from aplt_mm.utils import gather_by_index
from conftest import free_port


def test_single_process_places_rows_by_index():
    values = torch.tensor([[1.], [2.], [3.]])
    out = gather_by_index(torch.tensor([2, 0, 1]), values, total=3)
    assert out.flatten().tolist() == [2., 3., 1.]
    with pytest.raises(RuntimeError, match=r'samples \[3\]'):
        gather_by_index(torch.tensor([0, 1, 2]), values, total=4)


def _worker(rank, port, out_dir):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    try:
        # Interleaved shards of different lengths; rank 0 ends with a
        # padded repeat of sample 0, as DefaultSampler pads.
        indices = {0: [0, 2, 4, 0], 1: [1, 3]}[rank]
        values = torch.tensor([[10. * i, i] for i in indices])
        out = gather_by_index(torch.tensor(indices), values, total=5)
        torch.save(out, os.path.join(out_dir, f'rank{rank}.pt'))
    finally:
        dist.destroy_process_group()


def test_two_ranks_with_uneven_shards_get_the_same_table(tmp_path):
    mp.spawn(_worker, args=(free_port(), str(tmp_path)), nprocs=2)
    outs = [torch.load(tmp_path / f'rank{r}.pt') for r in range(2)]
    expected = torch.tensor([[10. * i, i] for i in range(5)])
    assert torch.equal(outs[0], expected)
    assert torch.equal(outs[1], expected)
