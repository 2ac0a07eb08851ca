"""MicroActionMetric on hand-made predictions, F1 values worked by hand."""
import numpy as np
import pytest
import torch

from aplt_mm.analysis.metrics import classification_metrics
from aplt_mm.evaluation import (MicroActionMetric, f1_scores,
                                load_coarse_labels, micro_action_scores)

# 6 clips, 3 classes.   true: 0 0 1 1 2 2   pred: 0 1 1 1 0 2
LABELS = np.array([0, 0, 1, 1, 2, 2])
PREDS = np.array([0, 1, 1, 1, 0, 2])
# Per class (TP, FP, FN): 0 (1, 1, 1) -> F1 2/4 = 0.5
#                         1 (2, 1, 0) -> F1 4/5 = 0.8
#                         2 (1, 0, 1) -> F1 2/3
# macro = (0.5 + 0.8 + 2/3) / 3 = 59/90; micro = 2*4 / (8 + 2 + 2) = 2/3
MACRO, MICRO = 59 / 90, 2 / 3
# Body parts: classes 0 and 1 -> part 0, class 2 -> part 1.
# true parts 0 0 0 0 1 1, predicted 0 0 0 0 0 1: 5/6 right.
# part 0 (4, 1, 0) -> 8/9; part 1 (1, 0, 1) -> 2/3; macro 7/9, micro 5/6.
COARSE = [0, 0, 1]
BODY_MACRO, BODY_MICRO = 7 / 9, 5 / 6


def one_hot_scores(preds, num_classes=3):
    scores = np.full((len(preds), num_classes), 0.1)
    scores[np.arange(len(preds)), preds] = 0.8
    return scores


def test_f1_scores_by_hand():
    macro, micro = f1_scores(PREDS, LABELS)
    assert macro == pytest.approx(MACRO)
    assert micro == pytest.approx(MICRO)
    # A class only predicted (never true) counts with F1 0.
    macro, _ = f1_scores(np.array([0, 3]), np.array([0, 0]))
    # class 0 (1, 0, 1) -> 2/3, class 3 (0, 1, 0) -> 0
    assert macro == pytest.approx(1 / 3)


def test_micro_action_scores_body_level():
    out = micro_action_scores(one_hot_scores(PREDS), LABELS, COARSE)
    assert out['body_top1'] == pytest.approx(5 / 6)
    assert out['body_f1_macro'] == pytest.approx(BODY_MACRO)
    assert out['body_f1_micro'] == pytest.approx(BODY_MICRO)
    assert out['f1_mean'] == pytest.approx(
        (MACRO + MICRO + BODY_MACRO + BODY_MICRO) / 4)
    plain = micro_action_scores(one_hot_scores(PREDS), LABELS)
    assert plain['f1_mean'] == pytest.approx((MACRO + MICRO) / 2)
    assert 'body_top1' not in plain


def test_registered_metric_keeps_accmetric_keys(tmp_path):
    from mmaction.registry import METRICS
    coarse_file = tmp_path / 'body.txt'
    coarse_file.write_text('0 0\n1 0\n2 1\n')
    metric = METRICS.build(
        dict(type='MicroActionMetric', coarse_labels=str(coarse_file)))
    assert isinstance(metric, MicroActionMetric)
    samples = [
        dict(
            pred_scores=dict(item=torch.tensor(s, dtype=torch.float32)),
            gt_labels=dict(item=torch.tensor([y])))
        for s, y in zip(one_hot_scores(PREDS), LABELS)
    ]
    metric.process({}, samples)
    out = metric.evaluate(len(samples))
    # AccMetric's keys, unchanged, then the F1s.
    assert out['acc/top1'] == pytest.approx(4 / 6)
    assert out['acc/top5'] == pytest.approx(1.0)
    # recalls 1/2, 1, 1/2
    assert out['acc/mean1'] == pytest.approx(2 / 3)
    assert out['acc/f1_macro'] == pytest.approx(MACRO)
    assert out['acc/f1_micro'] == pytest.approx(MICRO)
    assert out['acc/body_top1'] == pytest.approx(5 / 6)
    assert out['acc/f1_mean'] == pytest.approx(
        (MACRO + MICRO + BODY_MACRO + BODY_MICRO) / 4)


def test_dump_metrics_report_the_same_f1():
    out = classification_metrics(one_hot_scores(PREDS), LABELS)
    assert out['f1_macro'] == pytest.approx(MACRO)
    assert out['f1_mean'] == pytest.approx((MACRO + MICRO) / 2)
    assert out['top5'] == pytest.approx(1.0)


def test_bad_coarse_map_names_the_line(tmp_path):
    bad = tmp_path / 'body.txt'
    bad.write_text('0\nhead\n')
    with pytest.raises(ValueError, match=r'body.txt, line 2'):
        load_coarse_labels(str(bad))
    with pytest.raises(ValueError, match='class 2 has no coarse label'):
        micro_action_scores(one_hot_scores(PREDS), LABELS, [0, 0])
