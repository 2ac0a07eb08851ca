"""Every branch of APLTRecognizer.loss on hand-made features.

The recognizer is a real ``RecognizerGCN`` whose backbone passes its input
through (a registered module with known maths), so each clip's pooled
feature is the 3-vector the test writes, the parametric logits are
``K * F`` and the prototype logits ``cos(F, rho_c) / T``: every expected
value below is computed from those formulas, not from the model.
"""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.model import BaseModule

from aplt_mm.labelers import PhaseResult

C = K = 3
T = 0.1
PROTOTYPES = torch.eye(C)


@MODELS.register_module(force=True)
class PassThroughGraph(BaseModule):
    """``[N, M, T, V, C]`` joints -> ``[N, M, C, T, V]`` "features"."""

    def forward(self, x):
        return x.permute(0, 1, 4, 2, 3).contiguous()


# Labeled clips (class 0, class 1) and unlabeled clips, per view.
WEAK_L = torch.tensor([[2., 0., 0.], [0., 1., 0.]])
STRONG_L = torch.tensor([[1., 1., 0.], [0., 1., 1.]])
WEAK_U = torch.tensor([[0., 0., 3.], [1., 0.2, 0.], [0.3, 0.3, 0.3]])
STRONG_U = torch.tensor([[0., 1., 1.], [1., 0., 0.], [0., 0., 1.]])
LABELS = torch.tensor([0, 1])
# Offline table of the 3 unlabeled clips: the second is filtered out.
TABLE = torch.tensor([2, -1, 0])


def build(semi_train_cfg=None, algorithm=None, **kwargs):
    cfg = dict(
        type='APLTRecognizer',
        recognizer=dict(
            type='RecognizerGCN',
            backbone=dict(type='PassThroughGraph'),
            cls_head=dict(
                type='GCNHead', num_classes=C, in_channels=C, dropout=0.)),
        algorithm=algorithm or dict(type='FixMatch', threshold=0.9),
        prototype_head=dict(
            type='PrototypeHead', backbone_name='gcn', temperature=T),
        semi_train_cfg=semi_train_cfg or {},
        **kwargs)
    model = MODELS.build(cfg)
    fc = model.recognizer.cls_head.fc
    with torch.no_grad():
        fc.weight.copy_(K * torch.eye(C))
        fc.bias.zero_()
    model.offline_schedule_attached = True
    model.install_offline_phase(
        PhaseResult(
            offline_labels=TABLE,
            prototypes=PROTOTYPES,
            thresholds=torch.zeros(C),
            center=None,
            assignments=TABLE.clamp(min=0),
            nearest_mean=None,
            stats={}), 1)
    return model


def batch():
    def clips(lab, unl):
        # [N, num_clips, M, T, V, C]
        return torch.cat([lab, unl])[:, None, None, None, None, :]

    samples = []
    for i in range(5):
        labeled = i < 2
        s = ActionDataSample().set_gt_labels(int(LABELS[i]) if labeled
                                             else -1)
        s.set_metainfo(
            dict(
                is_labeled=labeled,
                unlabeled_index=-1 if labeled else i - 2,
                true_label=-1))
        samples.append(s)
    return dict(
        inputs=dict(
            weak=clips(WEAK_L, WEAK_U), strong=clips(STRONG_L, STRONG_U)),
        data_samples=samples)


def proto_logits(feats):
    return F.normalize(feats, dim=1) @ PROTOTYPES.t() / T


def ce(logits, targets, keep, over=None):
    """Sum of the kept clips' cross-entropy / ``over`` (default: kept)."""
    nll = -logits.log_softmax(-1)[torch.arange(len(targets)),
                                  targets.clamp(min=0)]
    total = (nll * keep.float()).sum()
    return total / (keep.sum() if over is None else over)


def losses_of(**kwargs):
    return {k: v.item() for k, v in build(**kwargs).loss(**batch()).items()}


def test_eq1_eq2_eq6_eq7_default_branches():
    out = losses_of()
    assert out['loss_sup'] == pytest.approx(
        F.cross_entropy(K * WEAK_L, LABELS).item(), rel=1e-5)
    # FixMatch (Eq. 2), tau 0.9: only the first unlabeled clip's weak view
    # (K * 3 on class 2) is confident; the mean runs over all 3 clips.
    conf = (K * WEAK_U).softmax(-1).max(-1)
    assert conf.values.ge(0.9).tolist() == [True, False, False]
    assert out['loss_unsup'] == pytest.approx(
        ce(K * STRONG_U, conf.indices, conf.values >= 0.9, over=3).item(),
        rel=1e-5)
    # Eq. 6 on the strong labeled views, Eq. 7 on the strong unlabeled
    # views against the offline table, averaged over the 2 kept clips.
    assert out['loss_margin_sup'] == pytest.approx(
        ce(proto_logits(STRONG_L), LABELS, torch.ones(2, dtype=bool)).item(),
        rel=1e-5)
    assert out['loss_margin_unsup'] == pytest.approx(
        ce(proto_logits(STRONG_U), TABLE, TABLE >= 0).item(), rel=1e-5)
    assert out['offline_keep_ratio'] == pytest.approx(2 / 3)


def test_margin_view_weak_uses_the_weak_views():
    out = losses_of(semi_train_cfg=dict(margin_view='weak'))
    assert out['loss_margin_sup'] == pytest.approx(
        ce(proto_logits(WEAK_L), LABELS, torch.ones(2, dtype=bool)).item(),
        rel=1e-5)
    assert out['loss_margin_unsup'] == pytest.approx(
        ce(proto_logits(WEAK_U), TABLE, TABLE >= 0).item(), rel=1e-5)


def test_margin_unsup_batch_reduction_divides_by_the_batch():
    out = losses_of(semi_train_cfg=dict(margin_unsup_reduction='batch'))
    assert out['loss_margin_unsup'] == pytest.approx(
        ce(proto_logits(STRONG_U), TABLE, TABLE >= 0, over=3).item(),
        rel=1e-5)


def test_margin_targets_online_are_the_prototype_classifiers_own():
    out = losses_of(
        semi_train_cfg=dict(margin_targets='online', margin_threshold=0.9))
    conf = proto_logits(WEAK_U).softmax(-1).max(-1)
    keep = conf.values >= 0.9
    # Clips 0 and 1 point at one prototype; clip 2 is equally far from all.
    assert keep.tolist() == [True, True, False]
    assert out['loss_margin_unsup'] == pytest.approx(
        ce(proto_logits(STRONG_U), conf.indices, keep).item(), rel=1e-5)
    assert out['offline_keep_ratio'] == pytest.approx(2 / 3)


def test_fixmatch_targets_offline_replace_the_online_targets():
    out = losses_of(
        semi_train_cfg=dict(fixmatch_targets='offline'),
        algorithm=dict(type='FixMatch', unlabeled_weight=2.0))
    assert out['loss_unsup'] == pytest.approx(
        2.0 * ce(K * STRONG_U, TABLE, TABLE >= 0, over=3).item(), rel=1e-5)
    assert out['mask_ratio'] == pytest.approx(2 / 3)


def test_offline_ce_weight_adds_variant_one():
    out = losses_of(semi_train_cfg=dict(offline_ce_weight=0.5))
    assert out['loss_offline_ce'] == pytest.approx(
        0.5 * ce(K * STRONG_U, TABLE, TABLE >= 0, over=3).item(), rel=1e-5)


def test_margin_weight_scales_eq6_and_eq7():
    base, scaled = losses_of(), losses_of(
        semi_train_cfg=dict(margin_weight=0.25))
    for key in ('loss_margin_sup', 'loss_margin_unsup'):
        assert scaled[key] == pytest.approx(0.25 * base[key], rel=1e-5)


def test_any_algorithm_runs_under_the_prototype_branch():
    # APLT's Eq. 2 is the algorithm's term: SoftMatch in its place keeps
    # the prototype branch and adds SoftMatch's own statistics.
    model = build(algorithm=dict(type='SoftMatch'))
    out = model.loss(**batch())
    assert {'loss_margin_sup', 'loss_margin_unsup'} <= set(out)
    assert 'loss_unsup' in out and out['loss_unsup'].requires_grad


def test_moved_fixmatch_options_name_their_new_place():
    with pytest.raises(KeyError, match='model.algorithm.threshold'):
        build(semi_train_cfg=dict(fixmatch_threshold=0.9))
