"""Seeded k-means with a balanced (Sinkhorn-Knopp) assignment step.

Nearest-centroid assignment lets a few centroids absorb most unlabeled clips
when features are weak: on MSR Action3D, 323 clips fell into 3-8 of 27
clusters. The balanced step instead solves an entropic optimal-transport
problem each iteration (Cuturi 2013; as in SwAV / SeLa):

    Q = argmax_Q <Q, -D / (eps * s)> + H(Q)
        s.t.  Q 1 = 1/N (every clip assigned once),
              Q^T 1 = prior (class sizes follow the prior),

with ``D`` the squared distances to the centroids and ``s`` their mean (so
``eps`` is relative to the data's scale). Its solution is
``Q_ic ~ exp(-D_ic / (eps s) + v_c)``; Sinkhorn's iterations find the
column potentials ``v``, and each clip takes ``argmax_c Q_ic``. The soft
plan's class sizes follow the prior exactly; the hard ``argmax`` follows it
closely when distances separate the clips (largest cluster 6-9% for a fair
share of 5-8% on the probed checkpoints) but not when they barely do: on
near-collinear warm-up features one cluster still took 33% of the clips
(MSR skeletons, first phase), against 61% with nearest assignment. The
centroid update is the seeded one (labeled anchors always count).
"""
from typing import Optional

import torch
from torch import Tensor

from .geometry import sq_distances, sq_norms
from .prototypes import DEFAULT_CHUNK_SIZE, class_sums
from .seeded_kmeans import (ClusteringResult, distances_to_assigned,
                            update_centroids)


def sinkhorn_potentials(logits: Tensor,
                        prior: Tensor,
                        num_iters: int = 50,
                        init: Optional[Tensor] = None) -> Tensor:
    """Column potentials ``v`` such that ``softmax(logits + v)`` (rows sum to
    1) has column means ``prior``.

    Args:
        logits: ``[n, C]`` scores (``-D / (eps s)``).
        prior: ``[C]`` positive target class shares, summing to 1.
        num_iters: Sinkhorn iterations (row normalisation is exact, each
            iteration corrects the columns).
        init: ``[C]`` warm start (the previous Lloyd iteration's ``v``).
    """
    log_prior = prior.to(logits.dtype).log()
    v = logits.new_zeros(logits.shape[1]) if init is None else init.clone()
    log_n = torch.log(torch.tensor(float(logits.shape[0]),
                                   dtype=logits.dtype))
    for _ in range(num_iters):
        log_q = torch.log_softmax(logits + v, dim=1)
        v += log_prior - (torch.logsumexp(log_q, dim=0) - log_n)
    return v


def balanced_seeded_kmeans(labeled_feats: Tensor,
                           labeled_labels: Tensor,
                           unlabeled_feats: Tensor,
                           num_classes: int,
                           prior: Tensor,
                           epsilon: float = 0.05,
                           max_iter: int = 100,
                           init_centroids: Optional[Tensor] = None,
                           sample_size: int = 16384,
                           sinkhorn_iters: int = 50,
                           tol: float = 1e-3,
                           seed: int = 0,
                           chunk_size: int = DEFAULT_CHUNK_SIZE
                           ) -> ClusteringResult:
    """Seeded k-means whose assignment step is balanced (module docstring).

    The potentials are solved on at most ``sample_size`` clips drawn once
    with ``seed`` (the class shares are a population property), then every
    clip is assigned with them, so the cost per iteration is one chunked
    distance pass; the ``[N, C]`` distance matrix is the only extra memory.

    Args:
        labeled_feats, labeled_labels: Anchors (they count in every update;
            every class needs one).
        unlabeled_feats: ``[N, D]`` features to assign.
        num_classes: ``C``.
        prior: ``[C]`` target class shares (uniform, or the labeled
            frequencies).
        epsilon: Entropic temperature relative to the mean squared distance;
            smaller is closer to a hard balanced matching.
        max_iter: Maximum assignment steps.
        init_centroids: ``[C, D]`` initial centroids; default the labeled
            class means.
        sample_size, seed: See above.
        sinkhorn_iters: Sinkhorn iterations of the first step; later steps
            start from the previous potentials and run a tenth as many.
        tol: Stop once at most this share of the clips changed class in a
            step (``converged=True``): at the balance constraint's boundary
            a few clips can swap back and forth forever.
        chunk_size: Rows processed at once.
    """
    fixed_sums, fixed_counts = class_sums(labeled_feats, labeled_labels,
                                          num_classes, chunk_size)
    centroids = init_centroids if init_centroids is not None else (
        fixed_sums / fixed_counts.clamp_min(1).unsqueeze(1)).to(
            labeled_feats.dtype)
    num = unlabeled_feats.shape[0]
    if num == 0:
        return ClusteringResult(
            labeled_labels.new_empty(0), unlabeled_feats.new_empty(0),
            centroids, 0, True)
    generator = torch.Generator().manual_seed(seed)
    sample = torch.randperm(num, generator=generator)[:sample_size].to(
        unlabeled_feats.device)
    row_sq_norms = sq_norms(unlabeled_feats, chunk_size)
    potentials, assignments, converged = None, None, False
    for num_iters in range(1, max_iter + 1):
        logits = sq_distances(unlabeled_feats, centroids, chunk_size,
                              row_sq_norms)
        logits.mul_(-1 / (epsilon * float(logits[sample].mean().clamp_min(
            torch.finfo(logits.dtype).tiny))))
        # Warm-started from the previous step, a few iterations suffice.
        potentials = sinkhorn_potentials(
            logits[sample], prior,
            sinkhorn_iters if potentials is None else max(
                1, sinkhorn_iters // 10), potentials)
        new = (logits + potentials).argmax(1)
        del logits
        changed = num if assignments is None else int(
            (new != assignments).sum())
        assignments = new
        if changed <= tol * num:
            converged = True
            break
        if num_iters == max_iter:
            break
        centroids = update_centroids(unlabeled_feats, assignments,
                                     centroids, fixed_sums, fixed_counts,
                                     chunk_size)
    distances = distances_to_assigned(unlabeled_feats, centroids,
                                      assignments, chunk_size)
    return ClusteringResult(assignments, distances, centroids, num_iters,
                            converged)
