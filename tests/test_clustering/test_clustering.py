# Copyright (c) APLT authors. All rights reserved.
"""Hand-computed checks of the offline pseudo-labeling maths (section 3.3)."""
import importlib
import math

import pytest
import torch

from aplt_mm.clustering import (adaptive_thresholds, build_prototypes, kmeans,
                                match_clusters_to_classes, seeded_kmeans)
from aplt_mm.clustering.seeded_kmeans import ALGORITHMS, lloyd
from aplt_mm.clustering.seeded_kmeans_hamerly import (_move_members,
                                                      hamerly_lloyd)


@pytest.fixture(autouse=True, scope='module')
def single_thread():
    """Tiny tensors: a thread pool only adds per-op latency (milliseconds on
    a loaded machine), so run this module single-threaded."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def col(*values, dtype=torch.float32):
    """1-D points as an ``[N, 1]`` feature matrix."""
    return torch.tensor(values, dtype=dtype).unsqueeze(1)


def labels(*values):
    return torch.tensor(values, dtype=torch.long)


# Toy used by several tests (D = 1):
#   labeled:   x=0 (class 0), x=4 (class 1)
#   unlabeled: u = [2.5, 10, 10]
# step 1, centroids [0, 4] (class means):
#   2.5 -> |2.5-0|=2.5 vs |2.5-4|=1.5 -> 1;  10 -> 1;  10 -> 1
#   update: c0 = 0 / 1 = 0;  c1 = (4 + 2.5 + 10 + 10) / 4 = 6.625
# step 2, centroids [0, 6.625]:
#   2.5 -> 2.5 vs 4.125 -> 0 (flips);  10 -> 1;  10 -> 1
#   update: c0 = (0 + 2.5) / 2 = 1.25;  c1 = (4 + 10 + 10) / 3 = 8
# step 3, centroids [1.25, 8]:
#   2.5 -> 1.25 vs 5.5 -> 0;  10 -> 8.75 vs 2 -> 1   (unchanged: converged)
#   distances = [1.25, 2, 2]
TOY = dict(labeled_feats=col(0., 4.), labeled_labels=labels(0, 1),
           unlabeled_feats=col(2.5, 10., 10.), num_classes=2)


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_seeded_kmeans_toy_converges(algorithm):
    res = seeded_kmeans(**TOY, algorithm=algorithm)
    assert res.assignments.tolist() == [0, 1, 1]
    assert res.centroids.flatten().tolist() == [1.25, 8.0]
    assert res.distances.tolist() == [1.25, 2.0, 2.0]
    assert res.num_iters == 3 and res.converged
    assert res.assignments.dtype == torch.long


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_seeded_kmeans_toy_max_iter_steps(algorithm):
    # max_iter=1: nearest class mean; distances to [0, 4].
    res = seeded_kmeans(**TOY, max_iter=1, algorithm=algorithm)
    assert res.assignments.tolist() == [1, 1, 1]
    assert res.centroids.flatten().tolist() == [0.0, 4.0]
    assert res.distances.tolist() == [1.5, 6.0, 6.0]
    assert res.num_iters == 1 and not res.converged
    # max_iter=2: step-2 assignments against the centroids [0, 6.625].
    res = seeded_kmeans(**TOY, max_iter=2, algorithm=algorithm)
    assert res.assignments.tolist() == [0, 1, 1]
    assert res.centroids.flatten().tolist() == [0.0, 6.625]
    assert res.distances.tolist() == [2.5, 3.375, 3.375]
    assert res.num_iters == 2 and not res.converged


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_seeded_kmeans_2d_labeled_augmentation(algorithm):
    # D = 2. Class 0 anchors: (0,0) and its "augmented" copy (0,2) -> mean
    # (0,1); class 1 anchor: (4,0). Unlabeled (1,1): |(1,0)|=1 vs
    # |(-3,1)|=sqrt(10) -> 0; (4,2): |(4,1)|=sqrt(17) vs |(0,2)|=2 -> 1.
    # Update: c0 = ((0,0)+(0,2)+(1,1))/3 = (1/3, 1); c1 = ((4,0)+(4,2))/2 =
    # (4,1). Step 2 gives the same assignments -> converged after 2 steps.
    res = seeded_kmeans(torch.tensor([[0., 0.], [0., 2.], [4., 0.]]),
                        labels(0, 0, 1), torch.tensor([[1., 1.], [4., 2.]]),
                        2, algorithm=algorithm)
    assert res.assignments.tolist() == [0, 1]
    torch.testing.assert_close(res.centroids,
                               torch.tensor([[1 / 3, 1.], [4., 1.]]))
    # distances: |(1,1)-(1/3,1)| = 2/3; |(4,2)-(4,1)| = 1.
    torch.testing.assert_close(res.distances, torch.tensor([2 / 3, 1.]))
    assert res.num_iters == 2 and res.converged


def test_seeded_kmeans_chunking_is_transparent(monkeypatch):
    # Record the incremental updates so that both update paths are covered.
    module = importlib.import_module(
        'aplt_mm.clustering.seeded_kmeans_hamerly')
    moves = []

    def spy(feats, moved, *args):
        moves.append(moved.numel())
        _move_members(feats, moved, *args)

    monkeypatch.setattr(module, '_move_members', spy)
    gen = torch.Generator().manual_seed(0)
    centers = torch.randn(4, 5, generator=gen) * 3
    lab_y = torch.arange(20) % 4
    lab_x = centers[lab_y] + torch.randn(20, 5, generator=gen)
    unl_x = centers[torch.arange(200) % 4] + 2 * torch.randn(
        200, 5, generator=gen)
    small = seeded_kmeans(lab_x, lab_y, unl_x, 4, chunk_size=3)
    large = seeded_kmeans(lab_x, lab_y, unl_x, 4, chunk_size=1 << 20)
    # 1st update recomputes all sums, the 2nd moves only 2 points.
    assert moves == [2, 2]
    assert torch.equal(small.assignments, large.assignments)
    assert small.num_iters == large.num_iters and small.converged
    torch.testing.assert_close(small.centroids, large.centroids)
    torch.testing.assert_close(small.distances, large.distances)
    # The fixed point: centroids are the means of labeled + assigned.
    means, _ = build_prototypes(torch.cat([lab_x, unl_x]),
                                torch.cat([lab_y, large.assignments]), 4)
    torch.testing.assert_close(large.centroids, means)
    # Distances are the Euclidean distances to the assigned centroids.
    expect = (unl_x - large.centroids[large.assignments]).norm(dim=1)
    torch.testing.assert_close(large.distances, expect)


def both(feats, centroids, fixed=None, max_iter=100, chunk_size=1000):
    """(lloyd, hamerly_lloyd) on the same inputs; ``fixed`` = (labeled
    features, labels) anchors, None for plain k-means."""
    num_clusters, dim = centroids.shape
    if fixed is None:
        sums = torch.zeros(num_clusters, dim, dtype=torch.float64)
        counts = torch.zeros(num_clusters, dtype=torch.long)
    else:
        sums = torch.zeros(num_clusters, dim, dtype=torch.float64).index_add_(
            0, fixed[1], fixed[0].double())
        counts = torch.bincount(fixed[1], minlength=num_clusters)
    return [
        run(feats, centroids.clone(), sums, counts, max_iter, chunk_size)
        for run in (lloyd, hamerly_lloyd)
    ]


def assert_same_run(plain, fast, exact=True):
    """Same assignments, number of steps and convergence; the same
    centroids (bit for bit when ``exact``: sums of exactly representable
    features do not depend on their order; else to the dtype's rounding)."""
    assert torch.equal(plain[0], fast[0])
    assert plain[2:] == fast[2:]
    if exact:
        assert torch.equal(plain[1], fast[1])
    else:
        # The incremental sums add the same values in another order.
        torch.testing.assert_close(plain[1], fast[1])


@pytest.mark.parametrize('chunk_size', [1, 2, 3, 4, 5, 6, 7, 100])
def test_hamerly_equals_lloyd_on_hand_made_inputs(chunk_size):
    # Integers, so every sum is exact and centroids must agree bit for bit.
    # Ties: 2 is as far from 0 as from 4, 7 as far from 4 as from 10 (the
    # first centroid wins); 6 points = chunk boundaries at every size.
    lab, y = col(0., 4., 10., dtype=torch.float64), labels(0, 1, 2)
    unl = col(2., 7., 9., 11., 3., 5., dtype=torch.float64)
    for max_iter in (1, 2, 3, 100):
        plain, fast = both(unl, lab.clone(), (lab, y), max_iter, chunk_size)
        assert_same_run(plain, fast)
    assert plain[0][:2].tolist() == [0, 1]  # the ties, at step 1
    # Plain k-means with a cluster that stays empty (keeps its centroid).
    unl = col(0., 1., 2., 10., 11., 12., 13., 30., dtype=torch.float64)
    plain, fast = both(unl, col(0., 100., 1., dtype=torch.float64), None, 100,
                       chunk_size)
    assert_same_run(plain, fast)
    assert plain[1][1].item() == 100
    # Points that change cluster over 3 steps; from [0, 12, 13]:
    # step 1 assigns [0 0 0 | 1 1 1 | 2 2] -> centroids [1, 11, 21.5];
    # step 2 moves 13 to cluster 1 -> [1, 11.5, 30]; step 3 repeats it.
    plain, fast = both(unl, col(0., 12., 13., dtype=torch.float64), None,
                       100, chunk_size)
    assert_same_run(plain, fast)
    assert plain[1].flatten().tolist() == [1.0, 11.5, 30.0]
    assert plain[2:] == (3, True)


@pytest.mark.parametrize('seed', [0, 1, 3])
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_hamerly_equals_lloyd_on_random_mixtures(seed, dtype):
    # Overlapping blobs, so that the loop runs 7..26 steps and Hamerly's
    # bounds skip points while assignments still change.
    gen = torch.Generator().manual_seed(seed)
    centers = torch.randn(6, 8, generator=gen, dtype=dtype)
    lab_y = torch.arange(30) % 6
    lab_x = centers[lab_y] + torch.randn(30, 8, generator=gen, dtype=dtype)
    unl_x = centers[torch.randint(6, (3000, ), generator=gen)] + torch.randn(
        3000, 8, generator=gen, dtype=dtype)
    means = torch.stack([lab_x[lab_y == c].mean(dim=0) for c in range(6)])
    plain, fast = both(unl_x, means, (lab_x, lab_y), chunk_size=1000)
    assert plain[2] > 5 and plain[3]
    assert_same_run(plain, fast, exact=False)
    # Plain k-means from 6 of the points, chunks of a prime size.
    plain, fast = both(unl_x, unl_x[:6], chunk_size=997)
    assert_same_run(plain, fast, exact=False)
    # Through the public entry points.
    results = [
        seeded_kmeans(lab_x, lab_y, unl_x, 6, algorithm=a) for a in ALGORITHMS
    ]
    assert torch.equal(results[0].assignments, results[1].assignments)
    torch.testing.assert_close(results[0].distances, results[1].distances)
    with pytest.raises(ValueError, match="algorithm must be one of"):
        seeded_kmeans(lab_x, lab_y, unl_x, 6, algorithm='elkan')


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_seeded_kmeans_single_class(algorithm):
    # C = 1: everything joins class 0; c = (0 + 2 + 4) / 3 = 2.
    res = seeded_kmeans(col(0.), labels(0), col(2., 4.), 1,
                        algorithm=algorithm)
    assert res.assignments.tolist() == [0, 0]
    assert res.centroids.flatten().tolist() == [2.0]
    assert res.distances.tolist() == [0.0, 2.0]
    assert res.num_iters == 2 and res.converged


def test_seeded_kmeans_no_unlabeled():
    res = seeded_kmeans(col(0., 2., 4.), labels(0, 0, 1), col(), 2)
    assert res.assignments.shape == (0, ) and res.distances.shape == (0, )
    assert res.assignments.dtype == torch.long
    assert res.centroids.flatten().tolist() == [1.0, 4.0]
    assert res.num_iters == 0 and res.converged


def test_seeded_kmeans_float64_preserved():
    res = seeded_kmeans(TOY['labeled_feats'].double(), TOY['labeled_labels'],
                        TOY['unlabeled_feats'].double(), 2)
    assert res.centroids.dtype == res.distances.dtype == torch.float64
    assert res.centroids.flatten().tolist() == [1.25, 8.0]


def test_seeded_kmeans_validation():
    lab, y, unl = col(0., 4.), labels(0, 1), col(1.)
    with pytest.raises(ValueError, match=r'classes \[1, 3\].*anchor'):
        seeded_kmeans(lab, labels(0, 2), unl, 4)
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        seeded_kmeans(lab, labels(0, 2), unl, 2)
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        seeded_kmeans(lab, labels(-1, 1), unl, 2)
    with pytest.raises(TypeError, match='int64'):
        seeded_kmeans(lab, y.int(), unl, 2)
    with pytest.raises(ValueError, match=r'shape \[2\]'):
        seeded_kmeans(lab, labels(0, 1, 1), unl, 2)
    with pytest.raises(TypeError, match='float64'):
        seeded_kmeans(lab, y, unl.double(), 2)
    with pytest.raises(TypeError, match='float32 or float64'):
        seeded_kmeans(lab.half(), y, unl.half(), 2)
    with pytest.raises(ValueError, match='dimension 2'):
        seeded_kmeans(lab, y, torch.zeros(1, 2), 2)
    with pytest.raises(ValueError, match='2-D'):
        seeded_kmeans(lab.flatten(), y, unl, 2)
    with pytest.raises(ValueError, match='meta'):
        seeded_kmeans(lab, y, unl.to('meta'), 2)
    with pytest.raises(ValueError, match='NaN'):
        seeded_kmeans(lab, y, col(1., float('nan')), 2)
    with pytest.raises(ValueError, match='max_iter'):
        seeded_kmeans(lab, y, unl, 2, max_iter=0)


# Eq. 4, distances [1, 2, 3, 6] assigned [0, 0, 1, 1]:
#   tau_global = (1+2+3+6)/4 = 3; tau_local = [3/2, 9/2] = [1.5, 4.5]
#   tau_adapt = [1.5/4.5*3, 4.5/4.5*3] = [1, 3]
#   keep: 1<1 F, 2<1 F, 3<3 F (strict), 6<3 F
def test_adaptive_thresholds_eq4_example():
    res = adaptive_thresholds(torch.tensor([1., 2., 3., 6.]),
                              labels(0, 0, 1, 1), 2)
    assert res.global_threshold.item() == 3.0
    assert res.local_thresholds.tolist() == [1.5, 4.5]
    assert res.class_thresholds.tolist() == [1.0, 3.0]
    assert res.keep.tolist() == [False] * 4
    assert res.counts.tolist() == [2, 2]


# distances [0.5, 2.5, 1, 3, 8] assigned [0, 0, 1, 1, 1]:
#   tau_global = 15/5 = 3; tau_local = [3/2, 12/3] = [1.5, 4]
#   tau_adapt = [1.5/4*3, 4/4*3] = [1.125, 3]
#   keep: 0.5<1.125 T, 2.5 F, 1<3 T, 3<3 F (strict), 8 F
def test_adaptive_thresholds_keeps_per_class():
    dist = torch.tensor([0.5, 2.5, 1., 3., 8.])
    res = adaptive_thresholds(dist, labels(0, 0, 1, 1, 1), 2)
    assert res.global_threshold.item() == 3.0
    assert res.local_thresholds.tolist() == [1.5, 4.0]
    assert res.class_thresholds.tolist() == [1.125, 3.0]
    assert res.keep.tolist() == [True, False, True, False, False]


# C = 3, class 1 empty. distances [1, 3, 2] assigned [0, 0, 2]:
#   tau_global = 6/3 = 2; tau_local = [2, 0 (empty), 2]; max = 2
#   tau_adapt = [2/2*2, 0, 2/2*2] = [2, 0, 2]; keep: 1<2 T, 3<2 F, 2<2 F
def test_adaptive_thresholds_empty_class():
    res = adaptive_thresholds(torch.tensor([1., 3., 2.]), labels(0, 0, 2), 3)
    assert res.global_threshold.item() == 2.0
    assert res.local_thresholds.tolist() == [2.0, 0.0, 2.0]
    assert res.class_thresholds.tolist() == [2.0, 0.0, 2.0]
    assert res.counts.tolist() == [2, 0, 1]
    assert res.keep.tolist() == [True, False, False]


def test_adaptive_thresholds_degenerate():
    # All distances zero: 0/0 avoided, thresholds 0, nothing kept.
    res = adaptive_thresholds(torch.zeros(3), labels(0, 1, 1), 2)
    assert res.global_threshold.item() == 0.0
    assert res.class_thresholds.tolist() == [0.0, 0.0]
    assert res.keep.tolist() == [False] * 3
    # No unlabeled sample at all.
    res = adaptive_thresholds(torch.zeros(0), labels(), 2)
    assert res.global_threshold.item() == 0.0
    assert res.local_thresholds.tolist() == [0.0, 0.0]
    assert res.class_thresholds.tolist() == [0.0, 0.0]
    assert res.keep.shape == (0, ) and res.keep.dtype == torch.bool
    assert res.counts.tolist() == [0, 0]


def test_adaptive_thresholds_consistency_and_dtype():
    gen = torch.Generator().manual_seed(0)
    dist = torch.rand(1000, generator=gen, dtype=torch.float64) * 5
    assign = torch.randint(4, (1000, ), generator=gen)
    res = adaptive_thresholds(dist, assign, 4)
    assert res.class_thresholds.dtype == torch.float64
    assert torch.equal(res.keep, dist < res.class_thresholds[assign])
    assert res.class_thresholds.max() == res.global_threshold
    torch.testing.assert_close(res.global_threshold, dist.mean())
    for c in range(4):
        torch.testing.assert_close(res.local_thresholds[c],
                                   dist[assign == c].mean())


def test_adaptive_thresholds_validation():
    with pytest.raises(ValueError, match='non-negative'):
        adaptive_thresholds(torch.tensor([1., -1.]), labels(0, 1), 2)
    with pytest.raises(ValueError, match='non-negative'):
        adaptive_thresholds(torch.tensor([1., float('nan')]), labels(0, 1),
                            2)
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        adaptive_thresholds(torch.tensor([1., 1.]), labels(0, 2), 2)
    with pytest.raises(ValueError, match=r'shape \[2\]'):
        adaptive_thresholds(torch.tensor([1., 1.]), labels(0), 2)


def test_kmeans_seed_determinism_and_recovery():
    gen = torch.Generator().manual_seed(1)
    centers = torch.tensor([[0., 0.], [10., 0.], [0., 10.]])
    truth = torch.arange(90) % 3
    feats = centers[truth] + 0.5 * torch.randn(90, 2, generator=gen)
    a = kmeans(feats, 3, seed=7)
    b = kmeans(feats, 3, seed=7, chunk_size=4)
    assert torch.equal(a.assignments, b.assignments)
    torch.testing.assert_close(a.centroids, b.centroids)
    assert a.converged
    # Well separated blobs: the partition is recovered up to a permutation.
    mapping = match_clusters_to_classes(a.assignments, truth, 3, 3)
    assert torch.equal(mapping[a.assignments], truth)
    torch.testing.assert_close(a.centroids[mapping.argsort()], centers,
                               atol=0.3, rtol=0)


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_kmeans_empty_cluster_keeps_centroid(algorithm):
    # Points [0, 1, 10, 11], initial centroids [0.5, 100, 10.5]:
    # step 1 assigns [0, 0, 2, 2]; cluster 1 is empty and keeps 100;
    # c0 = 0.5, c2 = 10.5 are unchanged, so step 2 repeats -> converged.
    res = kmeans(col(0., 1., 10., 11.), 3,
                 init_centroids=col(0.5, 100., 10.5), algorithm=algorithm)
    assert res.assignments.tolist() == [0, 0, 2, 2]
    assert res.centroids.flatten().tolist() == [0.5, 100.0, 10.5]
    assert res.distances.tolist() == [0.5, 0.5, 0.5, 0.5]
    assert res.num_iters == 2 and res.converged


def test_kmeans_fewer_distinct_points_than_clusters():
    # Only 2 distinct points for 3 clusters: k-means++ duplicates a centre.
    feats = col(0., 0., 0., 5., 5.)
    res = kmeans(feats, 3, seed=0)
    assert res.distances.tolist() == [0.0] * 5
    assert set(res.centroids.flatten().tolist()) == {0.0, 5.0}
    with pytest.raises(ValueError, match='3 initial centroids from 2'):
        kmeans(col(0., 1.), 3)


def test_match_clusters_to_classes():
    # Pure permutation: cluster k holds class [2, 0, 1][k].
    mapping = match_clusters_to_classes(labels(0, 0, 1, 1, 2, 2),
                                        labels(2, 2, 0, 0, 1, 1), 3, 3)
    assert mapping.tolist() == [2, 0, 1]
    # Table rows (clusters) x cols (classes): [[3, 0], [2, 1]]. Majority vote
    # would send both clusters to class 0; Hungarian maximises the matched
    # total: 0->0, 1->1 gives 3 + 1 = 4 > 0->1, 1->0 = 0 + 2.
    mapping = match_clusters_to_classes(labels(0, 0, 0, 1, 1, 1),
                                        labels(0, 0, 0, 0, 0, 1), 2, 2)
    assert mapping.tolist() == [0, 1]
    # K=4 > C=2: table [[2,0],[0,2],[1,0],[0,0]]; clusters 0, 1 are matched,
    # cluster 2 takes its majority class 0, cluster 3 (no labels) gets -1.
    mapping = match_clusters_to_classes(labels(0, 0, 1, 1, 2),
                                        labels(0, 0, 1, 1, 0), 4, 2)
    assert mapping.tolist() == [0, 1, 0, -1]
    assert mapping.dtype == torch.long
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        match_clusters_to_classes(labels(0, 2), labels(0, 1), 2, 2)


def test_build_prototypes():
    # class 0: mean of (0,0), (2,4) = (1,2); class 1: mean of (1,1), (3,3)
    # = (2,2).
    feats = torch.tensor([[0., 0.], [1., 1.], [2., 4.], [3., 3.]])
    y = labels(0, 1, 0, 1)
    protos, counts = build_prototypes(feats, y, 2)
    assert protos.tolist() == [[1.0, 2.0], [2.0, 2.0]]
    assert counts.tolist() == [2, 2]
    # normalize: (1,2)/sqrt(5), (2,2)/sqrt(8) = (1,1)/sqrt(2).
    protos, _ = build_prototypes(feats, y, 2, normalize=True)
    torch.testing.assert_close(
        protos,
        torch.tensor([[1 / math.sqrt(5), 2 / math.sqrt(5)],
                      [1 / math.sqrt(2), 1 / math.sqrt(2)]]))
    protos, _ = build_prototypes(feats.double(), y, 2, chunk_size=1)
    assert protos.dtype == torch.float64
    assert protos.tolist() == [[1.0, 2.0], [2.0, 2.0]]
    with pytest.raises(ValueError, match=r'classes \[2\]'):
        build_prototypes(feats, y, 3)


def test_move_members_updates_sums_and_counts():
    # Points [0, 1, 10, 11, 12]; old clusters [0, 0, 1, 1, 1] give sums
    # [0+1, 10+11+12] = [1, 33], counts [2, 3]. Moving point 1 (x=1) from 0
    # to 1 gives sums [0, 34], counts [1, 4].
    feats = col(0., 1., 10., 11., 12.)
    sums = torch.tensor([[1.], [33.]], dtype=torch.float64)
    counts = labels(2, 3)
    _move_members(feats, labels(1), labels(0), labels(1), sums, counts,
                  torch.empty(1, 1))
    assert sums.flatten().tolist() == [0.0, 34.0]
    assert counts.tolist() == [1, 4]
