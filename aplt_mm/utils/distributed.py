"""Collect per-rank results back into dataset order."""
import torch
from mmengine.dist import all_gather, all_reduce, get_world_size


def gather_by_index(indices: torch.Tensor, values: torch.Tensor,
                    total: int) -> torch.Tensor:
    """Put every rank's ``values`` at their dataset ``indices``.

    Samplers shard a dataset in their own order (``DefaultSampler``
    interleaves ranks and pads with repeats) and ranks may hold different
    numbers of samples, so results are placed by index rather than by
    concatenating rank blocks; repeated indices (padding) carry the same
    values and simply overwrite each other.

    Args:
        indices: ``[n]`` dataset index of each local row.
        values: ``[n, ...]`` local rows.
        total: Dataset size.

    Returns:
        ``[total, ...]`` tensor, identical on every rank.

    Raises:
        RuntimeError: if some index in ``[0, total)`` came from no rank.
    """
    indices = indices.long()
    if get_world_size() > 1:
        # all_gather needs equal shapes: pad every rank to the longest.
        sizes = all_gather(torch.tensor([len(indices)],
                                        device=values.device))
        longest = int(max(s.item() for s in sizes))
        pad = longest - len(indices)
        padded_idx = torch.cat([indices, indices.new_full((pad, ), -1)])
        padded_val = torch.cat(
            [values, values.new_zeros((pad, ) + values.shape[1:])])
        all_idx = torch.cat(all_gather(padded_idx.to(values.device)))
        all_val = torch.cat(all_gather(padded_val))
        real = all_idx >= 0
        indices, values = all_idx[real].cpu(), all_val[real]
    out = values.new_zeros((total, ) + values.shape[1:])
    seen = torch.zeros(total, dtype=torch.bool)
    out[indices.to(out.device)] = values
    seen[indices.cpu()] = True
    if not seen.all():
        missing = torch.nonzero(~seen).flatten()[:5].tolist()
        raise RuntimeError(f'No rank produced a result for samples {missing}'
                           f' ({int((~seen).sum())} of {total} missing).')
    return out


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum of ``tensor`` over all ranks (itself when not distributed).

    Statistics an algorithm keeps (EMA confidences, class histograms) are
    reduced as sums and counts, so every rank gets the same, exact answer
    even when ranks hold different numbers of samples.
    """
    if get_world_size() > 1:
        tensor = tensor.clone()
        all_reduce(tensor, op='sum')
    return tensor


def all_gather_rows(rows: torch.Tensor) -> torch.Tensor:
    """Every rank's ``rows`` (``[n_r, ...]``, ``n_r`` may differ), stacked
    in rank order; ``rows`` itself when not distributed."""
    if get_world_size() == 1:
        return rows
    sizes = all_gather(torch.tensor([len(rows)], device=rows.device))
    sizes = [int(s.item()) for s in sizes]
    padded = torch.cat(
        [rows, rows.new_zeros((max(sizes) - len(rows), ) + rows.shape[1:])])
    return torch.cat([g[:n] for g, n in zip(all_gather(padded), sizes)])
