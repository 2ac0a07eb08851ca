"""Each Table 1 baseline's defining behaviour, on hand-made logits."""
import math

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from torch.nn.modules.batchnorm import _BatchNorm

from aplt_mm.models.utils import (SemiBatch, running_stats_frozen,
                                  split_semi_batch)
from aplt_mm.models.ssl_algorithms import SemiLogits

C = 4


def build(type_, **kwargs):
    return MODELS.build(dict(type=type_, num_classes=C, **kwargs))


def confident_logits(classes, confidence):
    """``[B, C]`` logits whose softmax puts ``confidence`` on ``classes``."""
    rest = (1 - confidence) / (C - 1)
    probs = torch.full((len(classes), C), 0.0) + rest[:, None]
    probs[torch.arange(len(classes)), torch.tensor(classes)] = confidence
    return probs.log()


def batch_of(num_unlabeled, index, true_labels=None):
    index = torch.tensor(index)
    empty = torch.empty(0)
    return SemiBatch(
        empty, empty, empty, empty, torch.empty(0, dtype=torch.long), index,
        torch.tensor(true_labels) if true_labels else torch.full_like(
            index, -1), num_unlabeled)


def logits_of(weak_u, strong_u=None, teacher=None):
    strong_u = weak_u.clone() if strong_u is None else strong_u
    return SemiLogits(torch.empty(0, C), weak_u, strong_u, teacher)


def test_pseudo_label_confident_targets_and_linear_rampup():
    alg = build(
        'PseudoLabel',
        threshold=0.9,
        unlabeled_weight=3.0,
        rampup_start=0.2,
        rampup_end=0.6)
    assert alg.weight(0.1) == 0
    assert alg.weight(0.4) == pytest.approx(1.5)
    assert alg.weight(0.6) == alg.weight(1.0) == 3.0
    weak = confident_logits([1, 2], torch.tensor([0.95, 0.5]))
    weak.requires_grad_(True)
    out = alg.unlabeled_loss(logits_of(weak), batch_of(2, [0, 1]), 1.0)
    assert out.weights.tolist() == [1.0, 0.0]
    # Lee: the clip's own prediction is its target (same view).
    expected = 3.0 * F.cross_entropy(weak[:1], torch.tensor([1])) / 2
    assert out.loss.item() == pytest.approx(expected.item(), rel=1e-5)
    out.loss.backward()
    assert weak.grad[1].abs().sum() == 0  # unconfident clip: no gradient
    assert alg.unlabeled_loss(logits_of(weak), batch_of(2, [0, 1]),
                              0.1).loss.item() == 0


def test_uda_tsa_masks_confident_labeled_clips():
    alg = build('UDA', tsa_schedule='linear')
    # eta_t = t (1 - 1/C) + 1/C: at t = 1/3, 0.5.
    assert alg.tsa_threshold(1 / 3) == pytest.approx(0.5)
    assert alg.tsa_threshold(0.0) == pytest.approx(1 / C)
    log = build('UDA', tsa_schedule='log')
    exp = build('UDA', tsa_schedule='exp')
    assert log.tsa_threshold(0.5) > alg.tsa_threshold(0.5) > \
        exp.tsa_threshold(0.5)
    logits = confident_logits([0, 1], torch.tensor([0.9, 0.2]))
    labels = torch.tensor([0, 1])
    loss = alg.supervised_loss(logits, labels, 1 / 3)
    # The first clip (p = 0.9 > 0.5) leaves; the mean is over the rest.
    expected = F.cross_entropy(logits[1:], labels[1:])
    assert loss.item() == pytest.approx(expected.item(), rel=1e-5)
    # Late in training nothing is masked.
    assert alg.supervised_loss(logits, labels, 1.0).item() == pytest.approx(
        F.cross_entropy(logits, labels).item(), rel=1e-5)


def test_uda_sharpened_soft_targets_and_confidence_mask():
    alg = build('UDA', temperature=0.5, threshold=0.8)
    weak = torch.tensor([[2.0, 0.0, 0.0, 0.0], [0.1, 0.0, 0.0, 0.0]])
    strong = torch.zeros(2, C, requires_grad=True)
    out = alg.unlabeled_loss(logits_of(weak, strong), batch_of(2, [0, 1]), 1.0)
    confident = weak.softmax(-1).max(-1).values >= 0.8
    assert out.weights.tolist() == confident.float().tolist()
    target = (weak / 0.5).softmax(-1)
    kl = (target * (target.log() - strong.log_softmax(-1))).sum(-1)
    assert out.loss.item() == pytest.approx(
        (kl * confident).mean().item(), rel=1e-5)
    # A strong view that matches the sharpened target costs nothing.
    match = alg.unlabeled_loss(
        logits_of(weak, (weak / 0.5).clone()), batch_of(2, [0, 1]), 1.0)
    assert match.loss.item() == pytest.approx(0, abs=1e-6)


def test_flexmatch_lower_thresholds_for_classes_learned_less():
    alg = build('FlexMatch', threshold=0.9)
    # 10 clips: 6 selected as class 0, 2 as class 1, 2 unused.
    alg.selected_label = torch.tensor([0] * 6 + [1] * 2 + [-1] * 2)
    beta = alg.learning_status()
    assert beta.tolist() == pytest.approx([1.0, 2 / 6, 0, 0])
    thresholds = alg.class_thresholds()
    assert thresholds.tolist() == pytest.approx(
        [0.9, 0.9 * (1 / 3) / (2 - 1 / 3), 0, 0])
    # Warm-up: while most clips are unused, they set the normaliser.
    alg.selected_label = torch.tensor([0] * 2 + [1] + [-1] * 7)
    assert alg.learning_status().tolist() == pytest.approx(
        [2 / 7, 1 / 7, 0, 0])
    nowarm = build('FlexMatch', threshold=0.9, threshold_warmup=False)
    nowarm.selected_label = alg.selected_label.clone()
    assert nowarm.learning_status().tolist() == pytest.approx([1, 0.5, 0, 0])


def test_flexmatch_records_confident_predictions_then_masks():
    alg = build('FlexMatch', threshold=0.9)
    # Sized for the list when bound (at start-up), every clip unused.
    alg.bind_unlabeled_list(5, 1234, 'unlabeled.txt')
    assert alg.selected_label.tolist() == [-1] * 5
    assert int(alg.unlabeled_list_fingerprint) == 1234
    weak = confident_logits([0, 0, 1], torch.tensor([0.95, 0.95, 0.6]))
    out = alg.unlabeled_loss(logits_of(weak), batch_of(5, [3, 0, 4]), 1.0)
    # Confident clips recorded at their index.
    assert alg.selected_label.tolist() == [0, -1, -1, 0, -1]
    # sigma = [2, 0, ...], 3 unused -> beta(0) = 2/3, beta(1) = 0: the
    # class-1 clip passes its (zero) threshold, class 0 needs 0.9 M(2/3).
    t0 = 0.9 * (2 / 3) / (2 - 2 / 3)
    assert out.stats['mean_threshold'].item() == pytest.approx(t0 / C)
    assert out.weights.tolist() == [1.0, 1.0, 1.0]
    # An index outside the list (or -1: no meta key) is refused.
    with pytest.raises(ValueError, match=r'\[-1, 5\] outside the table of '
                       'the 5 clips of unlabeled.txt'):
        alg.unlabeled_loss(logits_of(weak), batch_of(5, [0, -1, 5]), 1.0)


def test_flexmatch_without_binding_stops_at_the_first_step():
    weak = confident_logits([0, 0, 1], torch.tensor([0.95, 0.95, 0.6]))
    with pytest.raises(RuntimeError, match='DataContractHook'):
        build('FlexMatch').unlabeled_loss(logits_of(weak),
                                          batch_of(-1, [0, 1, 2]), 1.0)
    with pytest.raises(ValueError, match=r'unlabeled list \(empty.txt\) is '
                       'empty'):
        build('FlexMatch').bind_unlabeled_list(0, 0, 'empty.txt')


def test_flexmatch_table_survives_a_state_dict_round_trip():
    alg = build('FlexMatch')
    alg.bind_unlabeled_list(3, 77, 'a.txt')
    alg.selected_label = torch.tensor([2, -1, 0])
    fresh = build('FlexMatch')
    fresh.load_state_dict(alg.state_dict())  # unbound (tools/test.py)
    assert fresh.selected_label.tolist() == [2, -1, 0]
    assert int(fresh.unlabeled_list_fingerprint) == 77
    # --resume: loaded into a model bound to the same list, then bound
    # again (a no-op check).
    bound = build('FlexMatch')
    bound.bind_unlabeled_list(3, 77, 'a.txt')
    bound.load_state_dict(alg.state_dict())
    bound.bind_unlabeled_list(3, 77, 'a.txt')
    assert bound.selected_label.tolist() == [2, -1, 0]


@pytest.mark.parametrize('size, fingerprint', [(2, 77), (3, 78)])
def test_flexmatch_refuses_a_table_made_for_another_list(size, fingerprint):
    alg = build('FlexMatch')
    alg.bind_unlabeled_list(3, 77, 'a.txt')
    # Shrunk (2 clips) or reordered (same size, another fingerprint).
    other = build('FlexMatch')
    other.bind_unlabeled_list(size, fingerprint, 'b.txt')
    message = (r"selected-label table \(from the checkpoint\) was made for "
               r'another unlabeled list \(3 clips, fingerprint 77\); the '
               r"train dataset's unlabeled list \(b.txt\) has "
               f'{size} clips, fingerprint {fingerprint}')
    with pytest.raises(ValueError, match=message):
        other.load_state_dict(alg.state_dict())
    # Loaded unbound, then bound (another order of the same steps).
    late = build('FlexMatch')
    late.load_state_dict(alg.state_dict())
    with pytest.raises(ValueError, match=message):
        late.bind_unlabeled_list(size, fingerprint, 'b.txt')


def test_flexmatch_checkpoints_from_before_the_fingerprint_still_load():
    old = build('FlexMatch')
    old.bind_unlabeled_list(3, 77, 'a.txt')
    state = old.state_dict()
    del state['unlabeled_list_fingerprint']
    # Unbound (tools/test.py): loads strictly, the list is unknown (0).
    fresh = build('FlexMatch')
    fresh.load_state_dict(dict(state))
    assert int(fresh.unlabeled_list_fingerprint) == 0
    # Bound (--resume): only the length can be checked; the table then
    # belongs to the bound list.
    bound = build('FlexMatch')
    bound.bind_unlabeled_list(3, 99, 'c.txt')
    bound.load_state_dict(dict(state))
    assert int(bound.unlabeled_list_fingerprint) == 99
    shrunk = build('FlexMatch')
    shrunk.bind_unlabeled_list(2, 99, 'c.txt')
    with pytest.raises(ValueError, match='another unlabeled list'):
        shrunk.load_state_dict(dict(state))


def test_freematch_thresholds_track_the_ema_confidence():
    alg = build('FreeMatch', ema_momentum=0.5, fairness_weight=0.0)
    assert alg.global_threshold.item() == pytest.approx(1 / C)
    weak = confident_logits([0, 0, 1, 0], torch.full((4, ), 0.9))
    probs = weak.softmax(-1)
    alg.unlabeled_loss(logits_of(weak), batch_of(4, [0, 1, 2, 3]), 1.0)
    assert alg.global_threshold.item() == pytest.approx(0.5 / C + 0.5 * 0.9)
    assert alg.class_probs.tolist() == pytest.approx(
        (0.5 / C + 0.5 * probs.mean(0)).tolist())
    assert alg.label_hist.tolist() == pytest.approx(
        (0.5 / C + 0.5 * torch.tensor([0.75, 0.25, 0, 0])).tolist())
    for _ in range(30):
        out = alg.unlabeled_loss(
            logits_of(weak), batch_of(4, [0, 1, 2, 3]), 1.0)
    assert alg.global_threshold.item() == pytest.approx(0.9, abs=1e-6)
    # Local thresholds: the global one scaled by p(c) / max p.
    expected = alg.class_probs / alg.class_probs.max() * 0.9
    assert alg.class_thresholds().tolist() == pytest.approx(
        expected.tolist(), abs=1e-6)
    # Class 0's threshold is the global one; class 1's is lower, so its
    # 0.9-confident clip passes as well.
    assert out.weights.tolist() == [1, 1, 1, 1]
    unsure = confident_logits([0, 1], torch.tensor([0.5, 0.5]))
    assert alg.unlabeled_loss(logits_of(unsure), batch_of(4, [0, 1]),
                              1.0).weights.tolist() == [0, 1]


def test_freematch_fairness_term():
    alg = build('FreeMatch')
    # Uniform model statistics; a batch whose kept clips all predict class
    # 0: L_f = sum_c 1/C log(SumNorm(pbar / hbar)_c).
    strong = confident_logits([0, 0], torch.tensor([0.7, 0.7]))
    mask = torch.tensor([True, True])
    ratio = strong.softmax(-1).mean(0) / torch.tensor([1.0, 0, 0, 0])
    ratio = torch.where(torch.isfinite(ratio), ratio, torch.zeros(C))
    ratio = ratio / ratio.sum()
    expected = (torch.full((C, ), 1 / C) * ratio.clamp(min=1e-12).log()).sum()
    assert alg.fairness_loss(strong, mask).item() == pytest.approx(
        expected.item(), rel=1e-5)
    assert alg.fairness_loss(strong, ~mask).item() == 0


def test_softmatch_weights_follow_the_truncated_gaussian():
    alg = build('SoftMatch', uniform_alignment=False, max_weight=0.8)
    alg.conf_mean.fill_(0.7)
    alg.conf_var.fill_(0.01)
    c = torch.tensor([0.5, 0.7, 0.9])
    w = alg.weights(c)
    assert w[0].item() == pytest.approx(0.8 * math.exp(-0.04 / 0.02))
    assert w[1:].tolist() == pytest.approx([0.8, 0.8])  # >= mean: lambda_max


def test_softmatch_statistics_and_uniform_alignment():
    alg = build('SoftMatch', ema_momentum=0.5)
    weak = confident_logits([0, 0, 1], torch.tensor([0.9, 0.6, 0.7]))
    probs = weak.softmax(-1)
    out = alg.unlabeled_loss(logits_of(weak), batch_of(3, [0, 1, 2]), 1.0)
    mean_probs = 0.5 / C + 0.5 * probs.mean(0)
    assert alg.class_mean.tolist() == pytest.approx(mean_probs.tolist())
    aligned = probs / mean_probs
    aligned = aligned / aligned.sum(-1, keepdim=True)
    conf = aligned.max(-1).values
    assert alg.conf_mean.item() == pytest.approx(0.5 / C +
                                                 0.5 * conf.mean().item())
    assert alg.conf_var.item() == pytest.approx(0.5 + 0.5 * conf.var().item())
    assert out.weights.tolist() == pytest.approx(alg.weights(conf).tolist())
    assert out.targets.tolist() == aligned.argmax(-1).tolist()
    # Every clip trains, weighted: the loss is the weighted mean CE.
    expected = (F.cross_entropy(weak, out.targets, reduction='none') *
                out.weights).mean()
    assert out.loss.item() == pytest.approx(expected.item(), rel=1e-5)


def tiny_semi_recognizer(algorithm, **kwargs):
    return MODELS.build(
        dict(
            **kwargs,
            type='SemiRecognizer',
            recognizer=dict(
                type='Recognizer2D',
                backbone=dict(type='ResNet', depth=18, pretrained=None),
                cls_head=dict(
                    type='TSNHead',
                    num_classes=C,
                    in_channels=512,
                    average_clips='prob')),
            algorithm=algorithm,
            data_preprocessor=dict(
                type='MultiViewDataPreprocessor', format_shape='NCHW')))


def test_mean_teacher_weights_are_the_ema_of_the_students():
    model = tiny_semi_recognizer(dict(type='MeanTeacher', ema_decay=0.9))
    alg, student = model.algorithm, model.recognizer
    with pytest.raises(RuntimeError, match='MeanTeacherHook'):
        alg.teacher_logits(torch.zeros(1, 2, 3, 32, 32))
    alg.update_teacher(student)  # the first update copies
    teacher = dict(alg.teacher.module.named_parameters())
    for name, p in student.named_parameters():
        assert torch.equal(teacher[name], p), name
        assert not teacher[name].requires_grad
    before = {n: p.clone() for n, p in teacher.items()}
    with torch.no_grad():
        for p in student.parameters():
            p.add_(torch.randn_like(p))
    alg.update_teacher(student)
    for name, p in student.named_parameters():
        expected = 0.9 * before[name] + 0.1 * p
        assert torch.allclose(teacher[name], expected, atol=1e-6), name
    # No teacher parameter is a student parameter (the optimiser's).
    ids = {id(p) for p in student.parameters()}
    assert not ids & {id(p) for p in teacher.values()}


def test_mean_teacher_consistency_and_sigmoid_rampup():
    alg = build('MeanTeacher', unlabeled_weight=10.0, rampup_end=0.5)
    assert alg.weight(0.0) == pytest.approx(10 * math.exp(-5))
    assert alg.weight(0.25) == pytest.approx(10 * math.exp(-5 * 0.25))
    assert alg.weight(0.7) == 10.0
    strong = torch.randn(3, C)
    teacher = torch.randn(3, C)
    out = alg.unlabeled_loss(
        logits_of(strong, strong, teacher), batch_of(3, [0, 1, 2]), 1.0)
    expected = 10 * ((strong.softmax(-1) - teacher.softmax(-1))**2).mean()
    assert out.loss.item() == pytest.approx(expected.item(), rel=1e-5)


def multi_view_batch(num_labeled=2, num_unlabeled=2):
    g = torch.Generator().manual_seed(0)
    n = num_labeled + num_unlabeled
    inputs = {
        v: [
            torch.randint(
                0, 255, (2, 3, 32, 32), generator=g, dtype=torch.uint8)
            for _ in range(n)
        ]
        for v in ('weak', 'strong')
    }
    samples = []
    for i in range(n):
        labeled = i < num_labeled
        s = ActionDataSample().set_gt_labels(i % C if labeled else -1)
        s.set_metainfo(
            dict(
                is_labeled=labeled,
                unlabeled_index=-1 if labeled else i - num_labeled,
                true_label=i % C,
                num_unlabeled=num_unlabeled))
        samples.append(s)
    return dict(inputs=inputs, data_samples=samples)


class TwoUnlabeledClips:
    """The train dataset of :func:`multi_view_batch` (2 + 2 clips), as
    :meth:`SemiRecognizer.bind_dataset` reads it."""
    num_labeled = num_unlabeled = 2
    unlabeled_ann_file = 'two_unlabeled.txt'

    def get_data_info(self, index):
        return dict(filename=f'clip{index}.mp4')


def test_semi_recognizer_binds_only_algorithms_with_per_clip_state():
    flex = tiny_semi_recognizer(dict(type='FlexMatch'))
    flex.bind_dataset(TwoUnlabeledClips())
    assert flex.algorithm.selected_label.tolist() == [-1, -1]
    assert flex.algorithm.bound_list[::2] == (2, 'two_unlabeled.txt')
    with pytest.raises(TypeError, match='FlexMatch needs a semi-supervised '
                       'train dataset .* list has no `num_labeled`'):
        tiny_semi_recognizer(dict(type='FlexMatch')).bind_dataset([1, 2])
    # Stateless algorithms do not read the dataset at all.
    tiny_semi_recognizer(dict(type='FixMatch')).bind_dataset(None)


def test_flexmatch_checkpoints_from_before_the_fingerprint_fit_the_tools():
    # tools/test.py and tools/infer.py refuse checkpoints with missing keys,
    # except those a module fills in on load.
    from aplt_mm.engine.checkpoint_fit import state_dict_mismatch
    model = tiny_semi_recognizer(dict(type='FlexMatch'))
    model.bind_dataset(TwoUnlabeledClips())
    old = {
        k: v
        for k, v in model.state_dict().items()
        if k != 'algorithm.unlabeled_list_fingerprint'
    }
    fresh = tiny_semi_recognizer(dict(type='FlexMatch'))
    assert state_dict_mismatch(fresh, old) == []


@pytest.mark.parametrize('algorithm', [
    dict(type='PseudoLabel'),
    dict(type='UDA'),
    dict(type='FlexMatch'),
    dict(type='FreeMatch'),
    dict(type='SoftMatch'),
    dict(type='MeanTeacher')
])
def test_semi_recognizer_loss_backpropagates(algorithm):
    model = tiny_semi_recognizer(algorithm)
    if algorithm['type'] == 'MeanTeacher':
        model.algorithm.update_teacher(model.recognizer)
    model.bind_dataset(TwoUnlabeledClips())
    data = model.data_preprocessor(multi_view_batch(), True)
    losses = model.loss(**data)
    assert {'loss_sup', 'loss_unsup', 'mask_ratio'} <= set(losses)
    total = losses['loss_sup'] + losses['loss_unsup']
    total.backward()
    grads = [p.grad for p in model.recognizer.parameters()]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)
    if algorithm['type'] == 'MeanTeacher':
        assert all(p.grad is None
                   for p in model.algorithm.teacher.parameters())


@pytest.mark.parametrize('type_, extra', [
    ('FixMatch', dict(threshold=0.5)),
    ('UDA', dict(threshold=0.5)),
    ('FlexMatch', dict(threshold=0.5)),
    ('FreeMatch', dict(ema_momentum=0.5)),
    ('SoftMatch', dict(ema_momentum=0.5)),
    ('PseudoLabel', dict(threshold=0.5, rampup_end=0.0)),
])
def test_warmup_turns_the_unlabeled_term_off_but_not_the_statistics(
        type_, extra):
    alg = build(type_, warmup=0.3, unlabeled_weight=2.0, **extra)
    if alg.per_clip_state:
        alg.bind_unlabeled_list(4, 0, 'four clips')
    weak = confident_logits([0, 0, 1, 0], torch.full((4, ), 0.9))
    strong = confident_logits([1, 2, 3, 1], torch.full((4, ), 0.6))
    weak.requires_grad_(True)  # Pseudo-Label trains the weak view
    strong.requires_grad_(True)
    before = {k: v.clone() for k, v in alg.state_dict().items()}
    off = alg.unlabeled_loss(
        logits_of(weak, strong), batch_of(4, [0, 1, 2, 3]), 0.29)
    assert off.loss.item() == 0
    off.loss.backward()  # still part of the graph (DDP sees every param)
    # Thresholds, confidence statistics and per-clip tables move on.
    after = alg.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before) or \
        not before
    assert off.weights.sum() > 0  # what would have trained is still logged
    on = alg.unlabeled_loss(
        logits_of(weak, strong), batch_of(4, [0, 1, 2, 3]), 0.3)
    assert on.loss.item() > 0
    assert alg.unlabeled_weight_at(0.3) == 2.0
    assert alg.unlabeled_weight_at(0.0) == 0.0
    with pytest.raises(ValueError, match='warmup'):
        build(type_, warmup=1.5)


def test_mean_teacher_ramp_starts_after_the_warmup():
    alg = build('MeanTeacher', warmup=0.2, rampup_end=0.5,
                unlabeled_weight=10.0)
    assert alg.weight(0.1) == 0
    assert alg.weight(0.3) == pytest.approx(10 * math.exp(-5 * 0.4**2))
    assert alg.weight(0.6) == 10


def test_per_view_forward_normalises_each_view_with_its_own_statistics():
    joint = tiny_semi_recognizer(dict(type='FixMatch'))
    per_view = tiny_semi_recognizer(
        dict(type='FixMatch'), view_forward='per_view')
    per_view.load_state_dict(joint.state_dict())
    data = joint.data_preprocessor(multi_view_batch(), True)
    batch = split_semi_batch(**data)
    views = [batch.weak_l, batch.weak_u, batch.strong_u]
    feats_j, _, logits_j = joint.forward_views(views)
    feats_p, _, logits_p = per_view.forward_views(views)
    assert feats_p.shape == feats_j.shape
    assert [len(x) for x in logits_p] == [2, 2, 2]
    # Per view, the labeled clips' features (2 clips x 2 segments) do not
    # depend on the other views; jointly, BatchNorm's batch statistics mix
    # them in. (Features, not logits: TSNHead's dropout is random.)
    alone = per_view.forward_views([batch.weak_l])[0]
    torch.testing.assert_close(feats_p[:4], alone)
    assert not torch.allclose(feats_j[:4], feats_p[:4], atol=1e-4)
    # With the same running statistics (eval mode) the two are the same
    # computation.
    per_view.load_state_dict(joint.state_dict())
    joint.eval()
    per_view.eval()
    for a, b in zip(joint.forward_views(views)[2],
                    per_view.forward_views(views)[2]):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError,
                       match="model.view_forward must be one of .* got 'cat'"):
        tiny_semi_recognizer(dict(type='FixMatch'), view_forward='cat')


def test_weak_running_stats_leave_the_strong_views_out():
    weak = tiny_semi_recognizer(
        dict(type='FixMatch'), view_forward='per_view', running_stats='weak')
    every_view = tiny_semi_recognizer(
        dict(type='FixMatch'), view_forward='per_view')
    weak_only = tiny_semi_recognizer(
        dict(type='FixMatch'), view_forward='per_view')
    every_view.load_state_dict(weak.state_dict())
    weak_only.load_state_dict(weak.state_dict())
    data = weak.data_preprocessor(multi_view_batch(), True)
    batch = split_semi_batch(**data)
    views = [batch.weak_l, batch.weak_u, batch.strong_u, batch.strong_l]
    feats_w = weak.forward_views(views)[0]
    feats_a = every_view.forward_views(views)[0]
    weak_only.forward_views(views[:2])
    # The forward still normalises each batch with its own statistics...
    torch.testing.assert_close(feats_w, feats_a)
    # ...but only the weak views reach the running statistics.
    stats = ('running_mean', 'running_var', 'num_batches_tracked')
    buffers = {
        name: b
        for name, b in weak.named_buffers() if name.endswith(stats)
    }
    assert len(buffers) > 10
    for name, b in weak_only.named_buffers():
        if name in buffers:
            torch.testing.assert_close(buffers[name], b)
    moved = dict(every_view.named_buffers())
    first = next(name for name, m in weak.named_modules()
                 if isinstance(m, _BatchNorm))
    assert int(buffers[f'{first}.num_batches_tracked']) == 2
    assert int(moved[f'{first}.num_batches_tracked']) == 4
    assert not torch.allclose(buffers[f'{first}.running_mean'],
                              moved[f'{first}.running_mean'])
    # The layers track again after the strong views, even after an error.
    layers = [m for m in weak.modules() if isinstance(m, _BatchNorm)]
    assert layers and all(m.track_running_stats for m in layers)
    with pytest.raises(RuntimeError, match='boom'):
        with running_stats_frozen(weak):
            assert not any(m.track_running_stats for m in layers)
            raise RuntimeError('boom')
    assert all(m.track_running_stats for m in layers)
    with pytest.raises(ValueError,
                       match="model.running_stats='weak' needs "
                       "model.view_forward='per_view'"):
        tiny_semi_recognizer(dict(type='FixMatch'), running_stats='weak')
    with pytest.raises(ValueError,
                       match="model.running_stats must be one of .* 'strong'"):
        tiny_semi_recognizer(
            dict(type='FixMatch'), view_forward='per_view',
            running_stats='strong')


def test_semi_recognizer_rejects_bad_algorithms():
    with pytest.raises(KeyError, match='NoSuchMatch'):
        tiny_semi_recognizer(dict(type='NoSuchMatch'))
    with pytest.raises(TypeError, match='not an SSLAlgorithm'):
        tiny_semi_recognizer(dict(type='TSNHead', in_channels=8))
    with pytest.raises(ValueError, match='threshold'):
        tiny_semi_recognizer(dict(type='FlexMatch', threshold=1.5))
    with pytest.raises(ValueError, match='tsa_schedule'):
        tiny_semi_recognizer(dict(type='UDA', tsa_schedule='cosine'))
    with pytest.raises(TypeError, match='unexpected keyword'):
        tiny_semi_recognizer(dict(type='SoftMatch', threshold=0.9))


@pytest.fixture
def max_iters_40():
    """A message hub with ``max_iters`` = 40, as a Runner sets it."""
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('scheduled_momentum_test')
    hub.update_info('max_iters', 40)
    yield
    hub.update_info('max_iters', None)


def test_ema_momenta_scaled_to_the_schedule(max_iters_40):
    from aplt_mm.models.ssl_algorithms.base import scheduled_momentum
    # Time constant 1 / (1 - m) = f T = 0.05 * 40 = 2 steps: m = 0.5.
    assert scheduled_momentum(0.999, 0.05) == pytest.approx(0.5)
    assert scheduled_momentum(0.999, None) == 0.999
    assert scheduled_momentum(0.999, 0.01) == 0.0  # f T <= 1
    with pytest.raises(ValueError, match='ema_time_fraction'):
        build('SoftMatch', ema_time_fraction=0.0)
    # FreeMatch's global threshold moves by m = 0.5, not its fixed 0.999.
    alg = build('FreeMatch', ema_momentum=0.999, ema_time_fraction=0.05)
    weak = confident_logits([0, 0, 1, 0], torch.full((4, ), 0.9))
    alg.unlabeled_loss(logits_of(weak), batch_of(4, [0, 1, 2, 3]), 1.0)
    assert alg.global_threshold.item() == pytest.approx(0.5 / C + 0.5 * 0.9)
    # SoftMatch's confidence mean likewise.
    soft = build('SoftMatch', ema_time_fraction=0.05,
                 uniform_alignment=False)
    soft.unlabeled_loss(logits_of(weak), batch_of(4, [0, 1, 2, 3]), 1.0)
    assert soft.conf_mean.item() == pytest.approx(0.5 / C + 0.5 * 0.9)
    # The Mean Teacher's teacher: alpha = 0.5.
    model = tiny_semi_recognizer(
        dict(type='MeanTeacher', ema_decay=0.999, ema_time_fraction=0.05))
    alg, student = model.algorithm, model.recognizer
    alg.update_teacher(student)
    before = {n: p.clone() for n, p in alg.teacher.module.named_parameters()}
    with torch.no_grad():
        for p in student.parameters():
            p.add_(1.0)
    alg.update_teacher(student)
    teacher = dict(alg.teacher.module.named_parameters())
    for name, p in student.named_parameters():
        assert torch.allclose(teacher[name], 0.5 * before[name] + 0.5 * p,
                              atol=1e-6), name


def test_fixmatch_checkpoint_of_the_aplt_wrapper_era_loads_strictly():
    # FixMatch used to be an APLTRecognizer without prototypes: its
    # checkpoints carry an empty offline table, which is dropped on load.
    model = tiny_semi_recognizer(dict(type='FixMatch'))
    state = model.state_dict()
    old = dict(
        state,
        offline_labels=torch.empty(0, dtype=torch.long),
        offline_list_fingerprint=torch.tensor(0))
    model.load_state_dict(old, strict=True)
    # A filled table is an APLT checkpoint: not silently dropped.
    old['offline_labels'] = torch.tensor([1, -1])
    with pytest.raises(RuntimeError, match='offline_labels'):
        model.load_state_dict(old, strict=True)
