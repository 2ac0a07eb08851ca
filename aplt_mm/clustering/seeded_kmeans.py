"""Semi-supervised (seeded) k-means of APLT section 3.3, plus plain k-means.

All functions are plain torch and device agnostic: they run on whatever device
the inputs live on. Distances are Euclidean. The squared distances used for
the nearest-centroid search are computed chunk by chunk as
``||x||^2 + ||c||^2 - 2 x c^T`` (one ``addmm`` per chunk, ``||x||^2``
computed once), so an ``N x C x D`` tensor is never built and the extra
memory is ``O(chunk_size * (C + D) + N)``. Hamerly's bounds skip the points
that provably keep their centroid (see :func:`_lloyd`). The distances returned
to the caller are recomputed directly as ``||x - c||``, free of the
cancellation of the expanded form for points close to their centroid.

On CUDA, note that (1) ``index_add_`` uses atomics, so centroid sums can
differ in the last bits between runs, and (2) the distance matmul follows
``torch.backends.cuda.matmul.allow_tf32``.
"""
from typing import NamedTuple, Optional, Tuple

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from .geometry import sq_norms
from .prototypes import (DEFAULT_CHUNK_SIZE, check_features, check_labels,
                         check_positive, class_sums)


class ClusteringResult(NamedTuple):
    """Output of :func:`seeded_kmeans` and :func:`kmeans`.

    Attributes:
        assignments: ``[N]`` int64 index of the nearest centroid of each
            clustered (unlabeled) feature.
        distances: ``[N]`` Euclidean distance of each feature to its assigned
            centroid (the centroid in ``centroids``), feature dtype.
        centroids: ``[K, D]`` centroids the assignments were computed
            against, feature dtype.
        num_iters: Number of assignment steps run.
        converged: True iff the last assignment step reproduced the previous
            one (then ``centroids`` is a fixed point of the update).
    """
    assignments: Tensor
    distances: Tensor
    centroids: Tensor
    num_iters: int
    converged: bool


def seeded_kmeans(labeled_feats: Tensor,
                  labeled_labels: Tensor,
                  unlabeled_feats: Tensor,
                  num_classes: int,
                  max_iter: int = 100,
                  chunk_size: int = DEFAULT_CHUNK_SIZE,
                  init_centroids: Optional[Tensor] = None
                  ) -> ClusteringResult:
    """Semi-supervised k-means with labeled anchors (APLT section 3.3).

    Centroids start as the labeled class means,
    ``mu_c = mean{F_l^i : y_l^i = c}``, then two steps alternate:

    1. Cluster assignment: ``a_i = argmin_c ||F_u^i - mu_c||`` for every
       unlabeled feature.
    2. Center update: ``mu_c = (sum_{y_l^i = c} F_l^i + sum_{a_i = c} F_u^i)
       / (N_l^c + N_u^c)``; labeled features keep their ground-truth label.

    The loop stops when an assignment step reproduces the previous one
    (``converged=True``, the centroids are then exactly the means of their
    labeled + assigned features) or after ``max_iter`` assignment steps. In
    both cases the returned centroids are the ones the returned assignments
    and distances refer to; ``max_iter=1`` is a nearest-class-mean
    classifier. Convergence needs at least 2 steps. The loop is accelerated
    without changing its result (Hamerly's bounds skip points that provably
    keep their centroid; sums are updated incrementally), up to ties within
    float rounding.

    Labeled-augmentation: pass the strong-augmented copies of the labeled
    clips concatenated to ``labeled_feats`` (and their labels to
    ``labeled_labels``); they then take part in the initialisation and in
    every update exactly like the original labeled features.

    Every class needs at least one labeled anchor: the centroid of a class
    without one would be undefined at initialisation. Conversely, with
    anchors a centroid can never become empty, since its labeled features
    always count in the update.

    Args:
        labeled_feats: ``[Nl, D]`` float32/float64 labeled features.
        labeled_labels: ``[Nl]`` int64 ground-truth labels in ``[0, C)``.
        unlabeled_feats: ``[Nu, D]`` unlabeled features, same dtype and
            device as ``labeled_feats``. ``Nu == 0`` is allowed: the result
            then has empty assignments/distances, the class means as
            centroids, ``num_iters=0`` and ``converged=True``.
        num_classes: Number of classes ``C``.
        max_iter: Maximum number of assignment steps (>= 1).
        chunk_size: Rows processed at once; the extra memory is about
            ``chunk_size * (C + D)`` elements plus 5 words per unlabeled
            row (assignments, bounds, norms). Does not change the result
            beyond float rounding.
        init_centroids: Optional ``[C, D]`` initial centroids replacing the
            labeled class means (e.g. means that also count augmented
            copies, which then take no part in the updates).

    Returns:
        :class:`ClusteringResult` for the unlabeled features; the centroids
        and distances have the dtype of the features.

    Raises:
        TypeError: Wrong dtypes (features must be float32/float64 and share
            their dtype, labels must be int64).
        ValueError: Shape or device mismatch, labels outside ``[0, C)``, a
            class without labeled anchor, or non-finite features.
    """
    check_features(labeled_feats, 'labeled_feats')
    check_features(unlabeled_feats, 'unlabeled_feats')
    check_positive(num_classes, 'num_classes')
    check_positive(max_iter, 'max_iter')
    check_positive(chunk_size, 'chunk_size')
    _check_compatible(unlabeled_feats, labeled_feats, 'unlabeled_feats',
                      'labeled_feats')
    check_labels(labeled_labels, labeled_feats.shape[0], num_classes,
                 'labeled_labels', labeled_feats.device)

    fixed_sums, fixed_counts = class_sums(labeled_feats, labeled_labels,
                                          num_classes, chunk_size)
    missing = torch.nonzero(fixed_counts == 0).flatten().tolist()
    if missing:
        raise ValueError(
            f'classes {missing} have no labeled feature; seeded k-means needs '
            'a labeled anchor per class to initialise its centroid')
    if not bool(torch.isfinite(fixed_sums).all()):
        raise ValueError('labeled_feats contains NaN or Inf')
    centroids = (fixed_sums / fixed_counts.unsqueeze(1)).to(
        labeled_feats.dtype)
    if init_centroids is not None:
        check_features(init_centroids, 'init_centroids')
        _check_compatible(init_centroids, labeled_feats, 'init_centroids',
                          'labeled_feats')
        if init_centroids.shape[0] != num_classes:
            raise ValueError(f'init_centroids has {init_centroids.shape[0]} '
                             f'rows, expected num_classes={num_classes}')
        centroids = init_centroids.clone()
    return _lloyd(unlabeled_feats, centroids, fixed_sums, fixed_counts,
                  max_iter, chunk_size)


def kmeans(feats: Tensor,
           num_clusters: int,
           max_iter: int = 100,
           seed: int = 0,
           chunk_size: int = DEFAULT_CHUNK_SIZE,
           init_centroids: Optional[Tensor] = None) -> ClusteringResult:
    """Plain (unsupervised) k-means, for the "KM" ablation.

    Lloyd iterations ``a_i = argmin_k ||x_i - mu_k||``,
    ``mu_k = mean{x_i : a_i = k}``, stopped like :func:`seeded_kmeans`.
    A cluster that receives no point keeps its previous centroid (it can
    win points back later). Use :func:`match_clusters_to_classes` on the
    labeled part of the assignments to turn clusters into class labels.

    Initialisation is k-means++ (Arthur & Vassilvitskii, 2007): the first
    centroid is a uniformly drawn point, each next one is drawn with
    probability proportional to the squared distance to the closest centroid
    chosen so far. The draws come from a CPU ``torch.Generator`` seeded with
    ``seed``, so a seed gives the same result on every call (and the same
    draws on every device). If every point already coincides with a chosen
    centroid (fewer distinct points than clusters), the next centroid is
    drawn uniformly, i.e. duplicated; its cluster may then stay empty.

    Args:
        feats: ``[N, D]`` float32/float64 features.
        num_clusters: Number of clusters ``K``; ``N >= K`` is required
            unless ``init_centroids`` is given.
        max_iter: Maximum number of assignment steps (>= 1).
        seed: Seed of the k-means++ draws.
        chunk_size: Rows processed at once (memory bound, see
            :func:`seeded_kmeans`).
        init_centroids: Optional ``[K, D]`` initial centroids replacing
            k-means++ (e.g. a warm start), same dtype/device as ``feats``.

    Returns:
        :class:`ClusteringResult` over ``feats``.

    Raises:
        TypeError: Wrong dtypes.
        ValueError: Wrong shapes/devices, or ``N < K`` without
            ``init_centroids``.
    """
    check_features(feats, 'feats')
    check_positive(num_clusters, 'num_clusters')
    check_positive(max_iter, 'max_iter')
    check_positive(chunk_size, 'chunk_size')
    if init_centroids is None:
        if feats.shape[0] < num_clusters:
            raise ValueError(f'cannot draw {num_clusters} initial centroids '
                             f'from {feats.shape[0]} points')
        centroids = _kmeans_plus_plus(feats, num_clusters, seed, chunk_size)
    else:
        check_features(init_centroids, 'init_centroids')
        _check_compatible(init_centroids, feats, 'init_centroids', 'feats')
        if init_centroids.shape[0] != num_clusters:
            raise ValueError(f'init_centroids has {init_centroids.shape[0]} '
                             f'rows, expected num_clusters={num_clusters}')
        centroids = init_centroids.clone()
    no_sums = feats.new_zeros((num_clusters, feats.shape[1]),
                              dtype=torch.float64)
    no_counts = torch.zeros(num_clusters, dtype=torch.long,
                            device=feats.device)
    return _lloyd(feats, centroids, no_sums, no_counts, max_iter, chunk_size)


def match_clusters_to_classes(cluster_ids: Tensor, labels: Tensor,
                              num_clusters: int,
                              num_classes: int) -> Tensor:
    """Maps clusters to classes by Hungarian matching on labeled data.

    Builds the contingency table ``M[k, c] = #{i : cluster_ids_i = k,
    labels_i = c}`` over the labeled samples and solves the one-to-one
    assignment maximising ``sum_k M[k, pi(k)]``
    (``scipy.optimize.linear_sum_assignment``). When ``K > C`` only ``C``
    clusters can be matched; each remaining cluster takes its majority
    labeled class (lowest class index on ties), or ``-1`` if it contains no
    labeled sample (no evidence: callers should ignore those samples).
    When ``K <= C`` every cluster gets a distinct class.

    Typical "KM" ablation use::

        res = kmeans(torch.cat([f_l, f_u]), C)
        mapping = match_clusters_to_classes(res.assignments[:len(f_l)], y_l,
                                            C, C)
        pseudo_labels = mapping[res.assignments[len(f_l):]]

    Args:
        cluster_ids: ``[Nl]`` int64 cluster of each labeled sample, in
            ``[0, K)``.
        labels: ``[Nl]`` int64 ground-truth class, in ``[0, C)``, same
            device.
        num_clusters: Number of clusters ``K``.
        num_classes: Number of classes ``C``.

    Returns:
        ``[K]`` int64 class of each cluster (``-1`` as above), on the device
        of ``cluster_ids``.

    Raises:
        TypeError: Non-int64 inputs.
        ValueError: Shape/device mismatch or values out of range.
    """
    check_positive(num_clusters, 'num_clusters')
    check_positive(num_classes, 'num_classes')
    if not isinstance(cluster_ids, Tensor) or cluster_ids.dim() != 1:
        raise ValueError('cluster_ids must be a 1-D tensor')
    check_labels(cluster_ids, cluster_ids.shape[0], num_clusters,
                 'cluster_ids', cluster_ids.device)
    check_labels(labels, cluster_ids.shape[0], num_classes, 'labels',
                 cluster_ids.device)
    table = torch.bincount(cluster_ids * num_classes + labels,
                           minlength=num_clusters * num_classes).view(
                               num_clusters, num_classes).cpu().numpy()
    mapping = np.full(num_clusters, -1, dtype=np.int64)
    rows, cols = linear_sum_assignment(table, maximize=True)
    mapping[rows] = cols
    unmatched = np.setdiff1d(np.arange(num_clusters), rows)
    has_labels = table[unmatched].sum(axis=1) > 0
    mapping[unmatched[has_labels]] = table[unmatched[has_labels]].argmax(
        axis=1)
    return torch.from_numpy(mapping).to(cluster_ids.device)


def _check_compatible(feats: Tensor, ref: Tensor, name: str,
                      ref_name: str) -> None:
    """Raises unless ``feats`` matches ``ref`` in width, dtype and device."""
    if feats.shape[1] != ref.shape[1]:
        raise ValueError(f'{name} has dimension {feats.shape[1]} but '
                         f'{ref_name} has {ref.shape[1]}')
    if feats.dtype != ref.dtype:
        raise TypeError(
            f'{name} is {feats.dtype} but {ref_name} is {ref.dtype}')
    if feats.device != ref.device:
        raise ValueError(
            f'{name} is on {feats.device} but {ref_name} is on {ref.device}')


def _lloyd(feats: Tensor, centroids: Tensor, fixed_sums: Tensor,
           fixed_counts: Tensor, max_iter: int,
           chunk_size: int) -> ClusteringResult:
    """Lloyd iterations with optional fixed (labeled) members per centroid.

    Two exact accelerations keep late iterations cheap:

    * Hamerly's bounds (Hamerly, 2010): each point keeps an upper bound
      ``u`` on the distance to its centroid and a lower bound ``l`` on the
      distance to any other one. After centroid ``c`` moves by ``delta_c``,
      ``u += delta_{a}`` and ``l -= max(delta)``. A point with
      ``u <= max(l, s_a)``, where ``s_a`` is half the distance from its
      centroid to the nearest other centroid, provably keeps its
      assignment, so only the remaining points are compared against all
      centroids (assignments can differ from an exhaustive search only on
      ties within float rounding).
    * Incremental sums: when few points changed cluster, only those rows are
      subtracted from their old cluster and added to the new one. The sums
      are recomputed from scratch when more than a third of the points
      moved (then cheaper than gathering the moved rows).

    Args:
        feats: ``[N, D]`` features to assign.
        centroids: ``[K, D]`` initial centroids, dtype of ``feats``.
        fixed_sums: ``[K, D]`` float64 sums of members that never move
            (labeled anchors; zeros for plain k-means).
        fixed_counts: ``[K]`` int64 number of those members.
        max_iter: Maximum number of assignment steps.
        chunk_size: Rows processed at once.

    Returns:
        :class:`ClusteringResult`. A centroid with no member at all keeps its
        previous value.
    """
    num = feats.shape[0]
    if num == 0:
        return ClusteringResult(
            feats.new_empty(0, dtype=torch.long), feats.new_empty(0),
            centroids, 0, True)
    num_clusters = centroids.shape[0]
    rows = min(chunk_size, num)
    scores = feats.new_empty((rows, num_clusters))
    rows_buffer = feats.new_empty((rows, feats.shape[1]))
    norms = sq_norms(feats, rows)
    assignments = feats.new_zeros(num, dtype=torch.long)
    upper = feats.new_empty(num)
    lower = feats.new_empty(num)
    candidates = None  # all rows
    converged = False
    for num_iters in range(1, max_iter + 1):
        moved, moved_from = _assign(feats, norms, centroids, candidates,
                                    assignments, upper, lower, scores,
                                    rows_buffer)
        if num_iters > 1 and moved.numel() == 0:
            converged = True
            break
        if num_iters == max_iter:
            break
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
        drift = torch.linalg.vector_norm(new_centroids - centroids, dim=1)
        centroids = new_centroids
        upper += drift[assignments]
        lower -= drift.max()
        candidates = torch.nonzero(upper > torch.maximum(
            lower, _half_gaps(centroids)[assignments])).flatten()
        if 2 * candidates.numel() > num:
            candidates = None  # most rows: contiguous pass is cheaper
    distances = _distances_to_assigned(feats, centroids, assignments,
                                       rows_buffer)
    if not bool(torch.isfinite(distances).all()):
        raise ValueError('features to cluster contain NaN or Inf')
    return ClusteringResult(assignments, distances, centroids, num_iters,
                            converged)


def _assign(feats: Tensor, sq_norms: Tensor, centroids: Tensor,
            candidates: Optional[Tensor], assignments: Tensor, upper: Tensor,
            lower: Tensor, scores: Tensor,
            rows_buffer: Tensor) -> Tuple[Tensor, Tensor]:
    """Exhaustive nearest-centroid search for the ``candidates`` rows.

    ``||x - c||^2 = ||x||^2 + (||c||^2 - 2 x c^T)``; the bracket is one
    ``addmm`` per chunk. Updates, for those rows only, ``assignments`` (the
    argmin, first index on ties), ``upper`` (distance to it) and ``lower``
    (distance to the second nearest centroid, ``inf`` if ``K == 1``).

    Args:
        feats: ``[N, D]`` features.
        sq_norms: ``[N]`` squared row norms of ``feats``.
        centroids: ``[K, D]`` centroids.
        candidates: ``[M]`` int64 rows to process, or None for all rows
            (contiguous slices: no gather/scatter).
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
    centroids_t = centroids.t()
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
        chunk_scores = torch.addmm(centroid_sq_norms, chunk, centroids_t,
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
    """``s_k = min_{j != k} ||c_k - c_j|| / 2`` (``inf`` if ``K == 1``)."""
    gaps = torch.cdist(centroids, centroids,
                       compute_mode='donot_use_mm_for_euclid_dist')
    gaps.fill_diagonal_(float('inf'))
    return gaps.min(dim=1).values / 2


def _move_members(feats: Tensor, moved: Tensor, old: Tensor, new: Tensor,
                  sums: Tensor, counts: Tensor, rows_buffer: Tensor) -> None:
    """Moves rows ``moved`` from clusters ``old`` to ``new`` in place.

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


def distances_to_assigned(feats: Tensor,
                          centroids: Tensor,
                          assignments: Tensor,
                          chunk_size: int = DEFAULT_CHUNK_SIZE) -> Tensor:
    """``||x_i - c_{a_i}||`` for every row, computed directly (no
    cancellation), ``chunk_size`` rows at a time."""
    rows = max(1, min(chunk_size, feats.shape[0]))
    return _distances_to_assigned(feats, centroids, assignments,
                                  feats.new_empty((rows, feats.shape[1])))


def _distances_to_assigned(feats: Tensor, centroids: Tensor,
                           assignments: Tensor, diff: Tensor) -> Tensor:
    """``||x_i - c_{a_i}||`` computed directly, using the ``[rows, D]``
    scratch buffer ``diff``."""
    distances = feats.new_empty(feats.shape[0])
    for start in range(0, feats.shape[0], diff.shape[0]):
        rows = slice(start, start + diff.shape[0])
        chunk = feats[rows]
        chunk_diff = torch.index_select(centroids, 0, assignments[rows],
                                        out=diff[:chunk.shape[0]])
        torch.linalg.vector_norm(chunk_diff.sub_(chunk), dim=1,
                                 out=distances[rows])
    return distances


def _kmeans_plus_plus(feats: Tensor, num_clusters: int, seed: int,
                      chunk_size: int) -> Tensor:
    """k-means++ seeding; see :func:`kmeans` for the draws."""
    generator = torch.Generator().manual_seed(seed)
    num = feats.shape[0]
    norms = sq_norms(feats, chunk_size)
    closest = torch.full_like(norms, float('inf'))
    centroids = feats.new_empty((num_clusters, feats.shape[1]))
    index = torch.randint(num, (1, ), generator=generator)
    for k in range(num_clusters):
        if k > 0:
            # float64 so that small weights are not absorbed by the cumsum.
            cumulative = closest.to(torch.float64).cumsum(0)
            total = cumulative[-1]
            if bool(total > 0):
                target = torch.rand(1, generator=generator,
                                    dtype=torch.float64).to(feats.device)
                index = torch.searchsorted(cumulative, target * total,
                                           right=True).clamp_max(num - 1)
            else:
                index = torch.randint(num, (1, ), generator=generator)
        centroids[k] = feats[index.to(feats.device)].squeeze(0)
        center = centroids[k]
        center_sq = center.dot(center)
        for start in range(0, num, chunk_size):
            rows = slice(start, start + chunk_size)
            sq_dist = (norms[rows] - 2 * (feats[rows] @ center) +
                       center_sq).clamp_min_(0)
            torch.minimum(closest[rows], sq_dist, out=closest[rows])
    return centroids
