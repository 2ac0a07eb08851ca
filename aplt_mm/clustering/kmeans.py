"""Plain (unsupervised) k-means, for the "KM" ablation of Table 3.

The same Lloyd iterations as :mod:`.seeded_kmeans`, without labeled
anchors: centroids start from k-means++ draws and clusters are turned into
classes afterwards by Hungarian matching on the labeled features.
"""
from typing import Optional

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from .geometry import sq_norms
from .prototypes import (DEFAULT_CHUNK_SIZE, check_features, check_labels,
                         check_positive)
from .seeded_kmeans import (ClusteringResult, check_algorithm,
                            check_compatible, cluster)


def kmeans(feats: Tensor,
           num_clusters: int,
           max_iter: int = 100,
           seed: int = 0,
           chunk_size: int = DEFAULT_CHUNK_SIZE,
           init_centroids: Optional[Tensor] = None,
           algorithm: str = 'hamerly') -> ClusteringResult:
    """Plain (unsupervised) k-means, for the "KM" ablation.

    Lloyd iterations ``a_i = argmin_k ||x_i - mu_k||``,
    ``mu_k = mean{x_i : a_i = k}`` (:func:`seeded_kmeans` without anchors),
    stopped like :func:`seeded_kmeans`.
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
        algorithm: ``'hamerly'`` (default) or ``'lloyd'``, as in
            :func:`seeded_kmeans` (same result).

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
    check_algorithm(algorithm)
    if init_centroids is None:
        if feats.shape[0] < num_clusters:
            raise ValueError(f'cannot draw {num_clusters} initial centroids '
                             f'from {feats.shape[0]} points')
        centroids = _kmeans_plus_plus(feats, num_clusters, seed, chunk_size)
    else:
        check_features(init_centroids, 'init_centroids')
        check_compatible(init_centroids, feats, 'init_centroids', 'feats')
        if init_centroids.shape[0] != num_clusters:
            raise ValueError(f'init_centroids has {init_centroids.shape[0]} '
                             f'rows, expected num_clusters={num_clusters}')
        centroids = init_centroids.clone()
    no_sums = feats.new_zeros((num_clusters, feats.shape[1]),
                              dtype=torch.float64)
    no_counts = torch.zeros(num_clusters, dtype=torch.long,
                            device=feats.device)
    return cluster(feats, centroids, no_sums, no_counts, max_iter, chunk_size,
                   algorithm)


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
