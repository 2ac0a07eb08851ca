"""Semi-supervised (seeded) k-means of APLT section 3.3.

The labeled features are anchors: they fix one centroid per class and keep
their ground-truth class, while the unlabeled features are clustered around
them. With ``F_l`` the labeled features (``y_l`` their labels), ``F_u`` the
unlabeled ones and ``C`` classes::

    init:    mu_c = mean{F_l^i : y_l^i = c}
    repeat:  1. cluster assignment  a_i  = argmin_c ||F_u^i - mu_c||
             2. center update       mu_c = (sum_{y_l^i = c} F_l^i
                                            + sum_{a_i = c} F_u^i)
                                           / (N_l^c + N_u^c)
    until an assignment step reproduces the previous one.

Memory stays bounded for any number of features: step 1 computes the
squared distances ``chunk_size`` rows at a time as
``||x||^2 + ||c||^2 - 2 x c^T`` (the ``||x||^2`` term does not change the
argmin and is dropped), so an ``N x C`` or ``N x C x D`` tensor is never
built; step 2 sums the members chunk by chunk in float64
(:func:`class_sums`). The distances returned to the caller are recomputed
directly as ``||x - mu_a||``, free of the cancellation of the expanded
form.

:func:`lloyd` below is these two steps as written. By default
:func:`seeded_kmeans` runs the same iterations with Hamerly's bounds
(:mod:`.seeded_kmeans_hamerly`), which skips the distance computation for
points that provably keep their centroid and updates the member sums
incrementally: the same assignments and number of steps (tested), the same
centroids up to the rounding of the sums, 1.8-2.3x faster on CPU at
100k x 128-512 x 52 (docs/benchmarks.md).

All functions are plain torch and run on the device of their inputs. On
CUDA, ``index_add_`` uses atomics (centroid sums can differ in the last
bits between runs) and the distance matmul follows
``torch.backends.cuda.matmul.allow_tf32``.
"""
from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor

from .prototypes import (DEFAULT_CHUNK_SIZE, check_features, check_labels,
                         check_positive, class_sums)
from .seeded_kmeans_hamerly import hamerly_lloyd

#: How the Lloyd iterations are run: ``'hamerly'`` (bounds skip points that
#: keep their centroid; the default, faster once few points move) or
#: ``'lloyd'`` (every distance at every step, :func:`lloyd`).
ALGORITHMS = ('hamerly', 'lloyd')


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
                  init_centroids: Optional[Tensor] = None,
                  algorithm: str = 'hamerly') -> ClusteringResult:
    """Semi-supervised k-means with labeled anchors (APLT section 3.3).

    Centroids start as the labeled class means
    ``mu_c = mean{F_l^i : y_l^i = c}``; then cluster assignment
    (``a_i = argmin_c ||F_u^i - mu_c||``) and center update (``mu_c`` = mean
    of the labeled features of class ``c`` and the unlabeled features
    assigned to it) alternate, see the module docstring.

    The loop stops when an assignment step reproduces the previous one
    (``converged=True``; the centroids are then exactly the means of their
    labeled + assigned features) or after ``max_iter`` assignment steps. In
    both cases the returned centroids are the ones the returned assignments
    and distances refer to; ``max_iter=1`` is a nearest-class-mean
    classifier. Convergence needs at least 2 steps.

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
            ``chunk_size * (C + D)`` elements plus a few words per
            unlabeled row. Does not change the result beyond float
            rounding.
        init_centroids: Optional ``[C, D]`` initial centroids replacing the
            labeled class means (e.g. means that also count augmented
            copies, which then take no part in the updates).
        algorithm: One of :data:`ALGORITHMS`: ``'hamerly'`` (default) or
            ``'lloyd'``; both give the same result.

    Returns:
        :class:`ClusteringResult` for the unlabeled features; the centroids
        and distances have the dtype of the features.

    Raises:
        TypeError: Wrong dtypes (features must be float32/float64 and share
            their dtype, labels must be int64).
        ValueError: Shape or device mismatch, labels outside ``[0, C)``, a
            class without labeled anchor, non-finite features or an unknown
            ``algorithm``.
    """
    check_features(labeled_feats, 'labeled_feats')
    check_features(unlabeled_feats, 'unlabeled_feats')
    check_positive(num_classes, 'num_classes')
    check_positive(max_iter, 'max_iter')
    check_positive(chunk_size, 'chunk_size')
    check_algorithm(algorithm)
    check_compatible(unlabeled_feats, labeled_feats, 'unlabeled_feats',
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
        check_compatible(init_centroids, labeled_feats, 'init_centroids',
                         'labeled_feats')
        if init_centroids.shape[0] != num_classes:
            raise ValueError(f'init_centroids has {init_centroids.shape[0]} '
                             f'rows, expected num_classes={num_classes}')
        centroids = init_centroids.clone()
    return cluster(unlabeled_feats, centroids, fixed_sums, fixed_counts,
                   max_iter, chunk_size, algorithm)


def cluster(feats: Tensor, centroids: Tensor, fixed_sums: Tensor,
            fixed_counts: Tensor, max_iter: int, chunk_size: int,
            algorithm: str = 'hamerly') -> ClusteringResult:
    """Run the Lloyd iterations with ``algorithm`` and measure the
    distances of the result (shared by :func:`seeded_kmeans` and plain
    :func:`~aplt_mm.clustering.kmeans.kmeans`; they validate the inputs).

    Args:
        feats: ``[N, D]`` features to assign.
        centroids: ``[K, D]`` initial centroids, dtype of ``feats``.
        fixed_sums: ``[K, D]`` float64 sums of the members that never move
            (labeled anchors; zeros for plain k-means).
        fixed_counts: ``[K]`` int64 number of those members.
        max_iter: Maximum number of assignment steps (>= 1).
        chunk_size: Rows processed at once (>= 1).
        algorithm: One of :data:`ALGORITHMS`.

    Returns:
        :class:`ClusteringResult`.
    """
    check_algorithm(algorithm)
    if feats.shape[0] == 0:
        return ClusteringResult(
            feats.new_empty(0, dtype=torch.long), feats.new_empty(0),
            centroids, 0, True)
    run = hamerly_lloyd if algorithm == 'hamerly' else lloyd
    assignments, centroids, num_iters, converged = run(
        feats, centroids, fixed_sums, fixed_counts, max_iter, chunk_size)
    distances = distances_to_assigned(feats, centroids, assignments,
                                      chunk_size)
    if not bool(torch.isfinite(distances).all()):
        raise ValueError('features to cluster contain NaN or Inf')
    return ClusteringResult(assignments, distances, centroids, num_iters,
                            converged)


def lloyd(feats: Tensor, centroids: Tensor, fixed_sums: Tensor,
          fixed_counts: Tensor, max_iter: int,
          chunk_size: int) -> Tuple[Tensor, Tensor, int, bool]:
    """Lloyd iterations: assign every point, update every centroid.

    ::

        for t = 1 .. max_iter:
            a = nearest_centroids(feats, mu)              # step 1
            if t > 1 and a == previous a: converged, stop
            if t == max_iter: stop
            mu = update_centroids(feats, a, mu, fixed)    # step 2

    so the returned centroids are those the returned assignments were
    computed against.

    Args:
        feats: ``[N, D]`` features to assign, ``N >= 1``.
        centroids: ``[K, D]`` initial centroids, dtype of ``feats``.
        fixed_sums: ``[K, D]`` float64 sums of the fixed (labeled) members.
        fixed_counts: ``[K]`` int64 number of fixed members.
        max_iter: Maximum number of assignment steps.
        chunk_size: Rows processed at once.

    Returns:
        ``(assignments [N] int64, centroids [K, D], num_iters, converged)``.
    """
    assignments = None
    for num_iters in range(1, max_iter + 1):
        previous = assignments
        assignments = nearest_centroids(feats, centroids, chunk_size)
        if previous is not None and torch.equal(assignments, previous):
            return assignments, centroids, num_iters, True
        if num_iters == max_iter:
            break
        centroids = update_centroids(feats, assignments, centroids,
                                     fixed_sums, fixed_counts, chunk_size)
    return assignments, centroids, num_iters, False


def nearest_centroids(feats: Tensor, centroids: Tensor,
                      chunk_size: int) -> Tensor:
    """``a_i = argmin_k ||x_i - mu_k||^2`` (first index on ties), one
    ``addmm`` of ``||mu_k||^2 - 2 x_i . mu_k`` per chunk of rows.

    Args:
        feats: ``[N, D]`` features.
        centroids: ``[K, D]`` centroids.
        chunk_size: Rows per chunk; the only temporary is a
            ``[chunk_size, K]`` score matrix.

    Returns:
        ``[N]`` int64 index of the nearest centroid of each row.
    """
    centroid_sq_norms = centroids.square().sum(dim=1)
    rows = min(chunk_size, feats.shape[0])
    scores = feats.new_empty((rows, centroids.shape[0]))
    assignments = feats.new_empty(feats.shape[0], dtype=torch.long)
    for start in range(0, feats.shape[0], rows):
        chunk = feats[start:start + rows]
        chunk_scores = torch.addmm(centroid_sq_norms, chunk, centroids.t(),
                                   alpha=-2, out=scores[:chunk.shape[0]])
        assignments[start:start + rows] = chunk_scores.min(dim=1).indices
    return assignments


def update_centroids(feats: Tensor, assignments: Tensor, centroids: Tensor,
                     fixed_sums: Tensor, fixed_counts: Tensor,
                     chunk_size: int) -> Tensor:
    """``mu_k = (fixed_sums_k + sum_{a_i = k} x_i) / (fixed_counts_k +
    #{a_i = k})``; a centroid with no member at all (plain k-means only:
    a seeded centroid always has its anchors) keeps its previous value.

    Args:
        feats: ``[N, D]`` features.
        assignments: ``[N]`` int64 their clusters.
        centroids: ``[K, D]`` current centroids.
        fixed_sums: ``[K, D]`` float64 sums of the fixed members.
        fixed_counts: ``[K]`` int64 number of fixed members.
        chunk_size: Rows summed at once (float64 accumulation across
            chunks, :func:`class_sums`).

    Returns:
        ``[K, D]`` new centroids, dtype of ``centroids``.
    """
    sums, counts = class_sums(feats, assignments, centroids.shape[0],
                              min(chunk_size, feats.shape[0]))
    sums += fixed_sums
    counts += fixed_counts
    means = (sums / counts.clamp_min(1).unsqueeze(1)).to(centroids.dtype)
    return torch.where((counts > 0).unsqueeze(1), means, centroids)


def distances_to_assigned(feats: Tensor,
                          centroids: Tensor,
                          assignments: Tensor,
                          chunk_size: int = DEFAULT_CHUNK_SIZE) -> Tensor:
    """``||x_i - mu_{a_i}||`` for every row, computed directly (no
    cancellation), ``chunk_size`` rows at a time."""
    rows = max(1, min(chunk_size, feats.shape[0]))
    diff = feats.new_empty((rows, feats.shape[1]))
    distances = feats.new_empty(feats.shape[0])
    for start in range(0, feats.shape[0], rows):
        chunk = feats[start:start + rows]
        chunk_diff = torch.index_select(centroids, 0,
                                        assignments[start:start + rows],
                                        out=diff[:chunk.shape[0]])
        torch.linalg.vector_norm(chunk_diff.sub_(chunk), dim=1,
                                 out=distances[start:start + rows])
    return distances


def check_compatible(feats: Tensor, ref: Tensor, name: str,
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


def check_algorithm(algorithm: str) -> None:
    """Raises unless ``algorithm`` is one of :data:`ALGORITHMS`."""
    if algorithm not in ALGORITHMS:
        raise ValueError(
            f'algorithm must be one of {ALGORITHMS}, got {algorithm!r}')
