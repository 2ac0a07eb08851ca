"""The Lloyd iterations of :mod:`.seeded_kmeans`, accelerated by Hamerly's
bounds (Hamerly, "Making k-means even faster", SDM 2010).

After the first few steps most points keep their centroid, yet plain Lloyd
compares every point with every centroid at every step. Hamerly's bounds
prove, for most points, that the nearest centroid cannot have changed, so
only the remaining points are compared. Each point keeps

- an upper bound ``u_i >= ||x_i - mu_{a_i}||`` on the distance to its own
  centroid, and
- a lower bound ``l_i <= min_{k != a_i} ||x_i - mu_k||`` on the distance to
  any other centroid,

both exact after the point is compared. When centroid ``k`` moves by
``delta_k = ||mu_k' - mu_k||``, the triangle inequality keeps them bounds
with ``u_i += delta_{a_i}`` and ``l_i -= max_k delta_k``. A point with
``u_i <= max(l_i, s_{a_i})``, where ``s_k = min_{j != k} ||mu_k - mu_j|| / 2``,
keeps its centroid, so only points with ``u_i > max(l_i, s_{a_i})`` are
compared with all centroids in the next step.

Two more savings: the float64 member sums are updated
incrementally (only the points that changed cluster are subtracted from the
old cluster and added to the new one; recomputed from scratch when more
than a third of the points moved, then cheaper than gathering them), and
points that keep their centroid are not gathered at all.

The result is that of :func:`~.seeded_kmeans.lloyd`: the same assignments
and number of steps (tested), and the same centroids up to float rounding
(the incremental sums add the same values in another order; on exactly
representable features they are bit-identical). Two centroids at the same
distance from a point within float rounding may also be resolved
differently, as the compared points' scores come from matrix products of
other shapes.
"""
from typing import Optional, Tuple

import torch
from torch import Tensor

from .geometry import sq_norms
from .prototypes import class_sums


def hamerly_lloyd(feats: Tensor, centroids: Tensor, fixed_sums: Tensor,
                  fixed_counts: Tensor, max_iter: int,
                  chunk_size: int) -> Tuple[Tensor, Tensor, int, bool]:
    """:func:`~.seeded_kmeans.lloyd`, comparing only the points whose
    bounds do not prove that they keep their centroid.

    Args:
        feats: ``[N, D]`` features to assign, ``N >= 1``.
        centroids: ``[K, D]`` initial centroids, dtype of ``feats``.
        fixed_sums: ``[K, D]`` float64 sums of the fixed (labeled) members.
        fixed_counts: ``[K]`` int64 number of fixed members.
        max_iter: Maximum number of assignment steps.
        chunk_size: Rows processed at once; the extra memory is about
            ``chunk_size * (K + D)`` elements plus 4 words per point
            (assignment, bounds, squared norm).

    Returns:
        ``(assignments [N] int64, centroids [K, D], num_iters, converged)``.
    """
    num, num_clusters = feats.shape[0], centroids.shape[0]
    rows = min(chunk_size, num)
    scores = feats.new_empty((rows, num_clusters))
    rows_buffer = feats.new_empty((rows, feats.shape[1]))
    norms = sq_norms(feats, rows)
    assignments = feats.new_zeros(num, dtype=torch.long)
    upper = feats.new_empty(num)
    lower = feats.new_empty(num)
    candidates = None  # every point
    for num_iters in range(1, max_iter + 1):
        moved, moved_from = _assign(feats, norms, centroids, candidates,
                                    assignments, upper, lower, scores,
                                    rows_buffer)
        if num_iters > 1 and moved.numel() == 0:
            return assignments, centroids, num_iters, True
        if num_iters == max_iter:
            break
        # Center update, as update_centroids of seeded_kmeans.py.
        if num_iters == 1 or 3 * moved.numel() > num:
            sums, counts = class_sums(feats, assignments, num_clusters, rows)
            sums += fixed_sums
            counts += fixed_counts
        else:
            _move_members(feats, moved, moved_from, assignments[moved], sums,
                          counts, rows_buffer)
        means = (sums / counts.clamp_min(1).unsqueeze(1)).to(centroids.dtype)
        new_centroids = torch.where((counts > 0).unsqueeze(1), means,
                                    centroids)
        # Bounds after the move.
        drift = torch.linalg.vector_norm(new_centroids - centroids, dim=1)
        centroids = new_centroids
        upper += drift[assignments]
        lower -= drift.max()
        candidates = torch.nonzero(upper > torch.maximum(
            lower, _half_gaps(centroids)[assignments])).flatten()
        if 2 * candidates.numel() > num:
            candidates = None  # most points: a contiguous pass is cheaper
    return assignments, centroids, num_iters, False


def _assign(feats: Tensor, sq_norms: Tensor, centroids: Tensor,
            candidates: Optional[Tensor], assignments: Tensor, upper: Tensor,
            lower: Tensor, scores: Tensor,
            rows_buffer: Tensor) -> Tuple[Tensor, Tensor]:
    """Nearest-centroid search for the ``candidates`` rows, as
    :func:`~.seeded_kmeans.nearest_centroids` (scores
    ``||c||^2 - 2 x c^T``, first index on ties), which also resets their
    bounds: ``upper`` to the distance to the nearest centroid, ``lower`` to
    the distance to the second nearest (``inf`` if ``K == 1``).

    Args:
        feats: ``[N, D]`` features.
        sq_norms: ``[N]`` squared row norms of ``feats`` (the scores leave
            ``||x||^2`` out; the bounds are distances).
        centroids: ``[K, D]`` centroids.
        candidates: ``[M]`` int64 rows to process, or None for all rows
            (contiguous slices: no gather).
        assignments: ``[N]`` int64 assignments, updated in place.
        upper: ``[N]`` upper bounds, updated in place.
        lower: ``[N]`` lower bounds, updated in place.
        scores: ``[rows, K]`` scratch buffer; ``rows`` is the chunk size.
        rows_buffer: ``[rows, D]`` scratch buffer.

    Returns:
        ``(moved, moved_from)``: the processed rows whose assignment changed
        and their previous assignment.
    """
    centroid_sq_norms = centroids.square().sum(dim=1)
    rows = scores.shape[0]
    total = feats.shape[0] if candidates is None else candidates.numel()
    moved = [assignments.new_empty(0)]
    moved_from = [assignments.new_empty(0)]
    for start in range(0, total, rows):
        if candidates is None:
            index = slice(start, start + rows)
            chunk = feats[index]
        else:
            index = candidates[start:start + rows]
            chunk = torch.index_select(feats, 0, index,
                                       out=rows_buffer[:index.numel()])
        chunk_scores = torch.addmm(centroid_sq_norms, chunk, centroids.t(),
                                   alpha=-2, out=scores[:chunk.shape[0]])
        best, nearest = chunk_scores.min(dim=1)
        # Second smallest score: mask the smallest (cheaper than topk).
        chunk_scores.scatter_(1, nearest.unsqueeze(1), float('inf'))
        second = chunk_scores.min(dim=1).values
        row_sq_norms = sq_norms[index]
        upper[index] = (best + row_sq_norms).clamp_min_(0).sqrt_()
        lower[index] = (second + row_sq_norms).clamp_min_(0).sqrt_()
        changed = torch.nonzero(assignments[index] != nearest).flatten()
        moved.append(changed + start if candidates is None else
                     index[changed])
        moved_from.append(assignments[index][changed])
        assignments[index] = nearest
    return torch.cat(moved), torch.cat(moved_from)


def _half_gaps(centroids: Tensor) -> Tensor:
    """``s_k = min_{j != k} ||mu_k - mu_j|| / 2`` (``inf`` if ``K == 1``)."""
    gaps = torch.cdist(centroids, centroids,
                       compute_mode='donot_use_mm_for_euclid_dist')
    gaps.fill_diagonal_(float('inf'))
    return gaps.min(dim=1).values / 2


def _move_members(feats: Tensor, moved: Tensor, old: Tensor, new: Tensor,
                  sums: Tensor, counts: Tensor, rows_buffer: Tensor) -> None:
    """Move rows ``moved`` from clusters ``old`` to ``new`` in the member
    sums and counts, in place.

    Args:
        feats: ``[N, D]`` features.
        moved: ``[M]`` int64 indices of the rows whose cluster changed.
        old: ``[M]`` their previous clusters.
        new: ``[M]`` their current clusters.
        sums: ``[K, D]`` float64 member sums, updated in place.
        counts: ``[K]`` int64 member counts, updated in place.
        rows_buffer: ``[rows, D]`` scratch buffer.
    """
    delta = feats.new_empty(sums.shape)
    rows = rows_buffer.shape[0]
    for start in range(0, moved.numel(), rows):
        index = moved[start:start + rows]
        chunk = torch.index_select(feats, 0, index,
                                   out=rows_buffer[:index.numel()])
        delta.zero_()
        delta.index_add_(0, new[start:start + rows], chunk)
        delta.index_add_(0, old[start:start + rows], chunk, alpha=-1)
        sums += delta
    counts += torch.bincount(new, minlength=counts.numel())
    counts -= torch.bincount(old, minlength=counts.numel())
