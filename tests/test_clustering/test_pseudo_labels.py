"""The offline labeling on hand-made features: cluster_pseudo_labels, its
options, the selection rules and Eq. 7's reductions."""
import math

import pytest
import torch

from aplt_mm import cluster_pseudo_labels
from aplt_mm.clustering import (PAPER_OPTIONS, select_pseudo_labels,
                                sinkhorn_potentials)
from aplt_mm.labelers import ClusteringLabeler, OfflineFeatures, phase_report
from aplt_mm.models.losses import margin_loss
from conftest import REPO_ROOT


def three_blobs(per_class=30, noise=0.05, seed=0):
    """Clean clips of 3 classes at e_0, e_1, e_2 (4-D), 2 labeled each."""
    gen = torch.Generator().manual_seed(seed)
    means = torch.eye(4)[:3]
    yl = torch.arange(3).repeat_interleave(2)
    yu = torch.arange(3).repeat_interleave(per_class)
    xl = means[yl] + noise * torch.randn(len(yl), 4, generator=gen)
    xu = means[yu] + noise * torch.randn(len(yu), 4, generator=gen)
    return xl, yl, xu, yu


def accuracy(result, truth):
    return (result.assignments == truth).float().mean().item()


def test_offset_strong_copies_collapse_the_papers_la_not_the_safe_ones():
    xl, yl, xu, yu = three_blobs()
    # Strong copies of classes 1 and 2 sit 4 units off along a 4th axis
    # (a strong view far from its clean clip); class 0's copies do not move.
    offset = torch.tensor([0., 4., 4.])[yl].unsqueeze(1) * torch.eye(4)[3]
    xa = xl + offset
    paper = cluster_pseudo_labels(xl, yl, xu, 3, xa, yl, geometry='raw',
                                  labeled_aug='anchors', selection='all',
                                  assignment='nearest')
    # Centroids 1 and 2 are dragged 2 units away: every clean clip is
    # nearer to centroid 0.
    assert torch.bincount(paper.assignments, minlength=3).tolist() == [
        90, 0, 0]
    assert accuracy(paper, yu) == pytest.approx(1 / 3)
    for variant in ('aligned', 'init', 'off'):
        safe = cluster_pseudo_labels(xl, yl, xu, 3, xa, yl, geometry='raw',
                                     labeled_aug=variant, selection='all',
                                     assignment='nearest')
        assert accuracy(safe, yu) == 1.0, variant
    # The floor (nearest clean labeled mean) is reported either way.
    assert (paper.nearest_mean == yu).all()


def test_aligned_copies_keep_each_class_mean():
    xl, yl, xu, _ = three_blobs()
    xa = xl + torch.tensor([0., 3., 1., -2.])
    aligned = cluster_pseudo_labels(xl, yl, xu[:0], 3, xa, yl,
                                    geometry='raw', labeled_aug='aligned',
                                    assignment='nearest', selection='all')
    off = cluster_pseudo_labels(xl, yl, xu[:0], 3, geometry='raw',
                                labeled_aug='off', assignment='nearest',
                                selection='all')
    assert torch.allclose(aligned.prototypes, off.prototypes, atol=1e-6)


def test_balanced_assignment_does_not_collapse_where_nearest_does():
    # Three unlabeled groups on a line; the labeled clips of classes 1 and
    # 2 are outliers far above them, so nearest-centroid puts everything in
    # class 0 and the pinned anchors never win a clip back.
    gen = torch.Generator().manual_seed(0)
    centers = torch.tensor([[0., 0.], [2., 0.], [4., 0.]])
    yu = torch.arange(3).repeat_interleave(30)
    xu = centers[yu] + 0.1 * torch.randn(90, 2, generator=gen)
    xl = torch.tensor([[0., 0.], [2., 10.], [4., 10.]])
    yl = torch.arange(3)
    options = dict(geometry='raw', labeled_aug='off', selection='all',
                   prior='uniform')
    nearest = cluster_pseudo_labels(xl, yl, xu, 3, assignment='nearest',
                                    **options)
    assert torch.bincount(nearest.assignments, minlength=3).tolist() == [
        90, 0, 0]
    balanced = cluster_pseudo_labels(xl, yl, xu, 3, assignment='sinkhorn',
                                     **options)
    assert accuracy(balanced, yu) == 1.0
    # Phase diagnostics flag the collapse and the floor.
    truth = yu.clone()
    report = phase_report(
        ClusteringLabeler(**options, assignment='nearest')(
            OfflineFeatures(xl, yl, None, yl[:0], xu, torch.zeros(90, 3)),
            3), truth, 3)
    scalars, _, warnings = report
    assert scalars['largest_share'] == 1.0 and scalars['empty_classes'] == 2
    assert any('collapse' in w for w in warnings)


def test_sinkhorn_potentials_meet_the_prior():
    gen = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(500, 4, generator=gen, dtype=torch.float64)
    prior = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)
    v = sinkhorn_potentials(logits, prior, num_iters=200)
    shares = torch.softmax(logits + v, dim=1).mean(0)
    assert torch.allclose(shares, prior, atol=1e-6)


def test_eq4_selection_by_hand():
    # tau_global = 2.5, tau_local = [1.5, 3.5],
    # tau_adapt = [1.5 / 3.5 * 2.5, 2.5]: only distance 1 passes.
    sel = select_pseudo_labels('eq4', torch.tensor([0, 0, 1, 1]),
                               torch.tensor([1., 2., 3., 4.]), 2)
    assert sel.keep.tolist() == [True, False, False, False]
    assert sel.thresholds.tolist() == pytest.approx([1.5 / 3.5 * 2.5, 2.5])


def test_ranked_selection_by_hand():
    assignments = torch.tensor([0, 0, 0, 1, 1])
    distances = torch.tensor([3., 1., 2., 5., 4.])
    # Closest half (rounded up) of each class: 2 of 3, 1 of 2.
    sel = select_pseudo_labels('ranked', assignments, distances, 2,
                               fraction=0.5, rank_by='distance')
    assert sel.keep.tolist() == [False, True, True, False, True]
    # Margins d_2nd - d: sqrt([16, 1, 9, 36, 25]) - d = [1, 0, 1, 1, 1]:
    # ties keep the earlier clip.
    sq = torch.stack([distances**2, torch.tensor([16., 1., 9., 36., 25.])],
                     1)
    sq[3:] = sq[3:].flip(1)
    sel = select_pseudo_labels('ranked', assignments, distances, 2,
                               sq_dists=sq, fraction=0.5, rank_by='margin')
    assert sel.keep.tolist() == [True, False, True, True, False]


def test_freematch_selection_by_hand():
    sq = torch.tensor([[0., 4.], [1., 1.], [4., 0.], [1., 9.]])
    assignments = torch.tensor([0, 0, 1, 0])
    # Mean squared distance 2.5; T = 0.4 makes the soft assignment
    # softmax(-sq).
    p = [[1 / (1 + math.exp(-4)), math.exp(-4) / (1 + math.exp(-4))],
         [0.5, 0.5],
         [math.exp(-4) / (1 + math.exp(-4)), 1 / (1 + math.exp(-4))],
         [1 / (1 + math.exp(-8)), math.exp(-8) / (1 + math.exp(-8))]]
    conf = [p[0][0], p[1][0], p[2][1], p[3][0]]
    tau_g = sum(conf) / 4
    mean_p = [sum(r[c] for r in p) / 4 for c in range(2)]
    tau = [m / max(mean_p) * tau_g for m in mean_p]
    expected = [conf[i] >= tau[a] for i, a in enumerate([0, 0, 1, 0])]
    sel = select_pseudo_labels('freematch', assignments, sq.sqrt(), 2,
                               sq_dists=sq, temperature=0.4)
    assert sel.keep.tolist() == expected == [True, False, True, True]
    assert sel.thresholds.tolist() == pytest.approx(tau)


def test_eq7_reductions_by_hand():
    logits = torch.tensor([[2., 0.], [0., 0.], [0., 1.]], requires_grad=True)
    labels = torch.tensor([0, -1, 1])
    keep = torch.tensor([True, False, True])
    ce0 = -math.log(math.exp(2) / (math.exp(2) + 1))
    ce2 = -math.log(math.exp(1) / (math.exp(1) + 1))
    kept = margin_loss(logits, labels, keep, 'kept')
    batch = margin_loss(logits, labels, keep, 'batch')
    assert kept.item() == pytest.approx((ce0 + ce2) / 2)
    assert batch.item() == pytest.approx((ce0 + ce2) / 3)
    kept.backward()
    assert logits.grad[1].abs().sum() == 0  # the filtered clip
    nothing = margin_loss(logits, labels, torch.zeros(3, dtype=torch.bool),
                          'kept')
    assert nothing.item() == 0 and nothing.requires_grad


def test_agreement_selection_by_hand():
    logits = torch.tensor([[2., 0.], [0., 1.], [3., 1.], [0., 5.]])
    sel = select_pseudo_labels('agreement', torch.tensor([0, 0, 1, 1]),
                               torch.ones(4), 2, classifier_logits=logits)
    assert sel.keep.tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match="classifier's logits"):
        select_pseudo_labels('agreement', torch.tensor([0]), torch.ones(1),
                             2)


def test_defaults_are_the_recommended_options_and_paper_is_literal():
    xl, yl, xu, yu = three_blobs()
    # A classifier right on the first two classes, wrong on the third.
    logits = torch.nn.functional.one_hot(torch.tensor([0, 1, 0])[yu], 3)
    default = cluster_pseudo_labels(xl, yl, xu, 3,
                                    classifier_logits=logits.float())
    assert accuracy(default, yu) == 1.0
    assert default.keep.tolist() == (yu < 2).tolist()
    paper = cluster_pseudo_labels(xl, yl, xu, 3, xl + 0.01, yl,
                                  **PAPER_OPTIONS)
    assert paper.center is None
    assert torch.allclose(paper.prototypes.norm(dim=1), torch.ones(3),
                          atol=0.01)


def test_bad_input_names_the_option_or_the_input():
    xl, yl, xu, _ = three_blobs()
    with pytest.raises(KeyError, match="Did you mean 'selection'"):
        cluster_pseudo_labels(xl, yl, xu, 3, selecton='eq4')
    with pytest.raises(ValueError, match='geometry must be one of'):
        cluster_pseudo_labels(xl, yl, xu, 3, geometry='l1')
    with pytest.raises(ValueError, match='fraction'):
        cluster_pseudo_labels(xl, yl, xu, 3, fraction=0)
    bad = xu.clone()
    bad[5, 1] = float('nan')
    with pytest.raises(ValueError, match='unlabeled_feats has 1 rows'):
        cluster_pseudo_labels(xl, yl, bad, 3)
    with pytest.raises(ValueError, match=r'classes \[2\] have no labeled'):
        cluster_pseudo_labels(xl[:4], yl[:4], xu, 3)
    with pytest.raises(ValueError, match='unlabeled_feats has dimension 3'):
        cluster_pseudo_labels(xl, yl, xu[:, :3], 3)
    with pytest.raises(ValueError, match="clustering='kmeans'"):
        cluster_pseudo_labels(xl, yl, xu, 3, clustering='kmeans',
                              assignment='sinkhorn')
    with pytest.raises(ValueError, match='classifier_logits must have'):
        cluster_pseudo_labels(xl, yl, xu, 3, classifier_logits=torch.ones(2))
    with pytest.raises(KeyError, match='model.offline_labeler'):
        ClusteringLabeler(geometri='l2')


def test_config_option_sets_are_the_documented_ones():
    # configs/_base_/labelers.py restates the sets (configs cannot import
    # them); they must not drift apart.
    import os.path as osp

    from mmengine.config import Config

    from aplt_mm.clustering import RECOMMENDED_OPTIONS
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', '_base_', 'labelers.py'))
    paper = dict(cfg.paper_labeler)
    robust = dict(cfg.robust_labeler)
    assert paper.pop('type') == robust.pop('type') == 'ClusteringLabeler'
    assert paper.pop('prior') == 'labeled'
    assert paper == PAPER_OPTIONS
    assert robust == RECOMMENDED_OPTIONS
