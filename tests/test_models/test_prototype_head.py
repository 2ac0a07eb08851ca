import pytest
import torch
from mmaction.structures import ActionDataSample

from aplt_mm.models import PrototypeHead, margin_loss


def head(**kwargs):
    cfg = dict(num_classes=2, in_channels=3)
    cfg.update(kwargs)
    return PrototypeHead(**cfg)


def test_pools_2d_frames_with_num_segs():
    # TSN/TSM: [N * segs, C, h, w] -> mean over space, then over segments.
    x = torch.arange(2 * 4 * 3 * 2 * 2, dtype=torch.float).view(8, 3, 2, 2)
    pooled = head(normalize=False).pool(x, num_segs=4)
    expected = x.view(2, 4, 3, 4).mean(-1).mean(1)
    assert pooled.shape == (2, 3)
    assert torch.allclose(pooled, expected)


def test_pools_3d_tokens_and_slowfast():
    x3d = torch.rand(2, 3, 4, 2, 2)  # X3D / SlowOnly: N, C, T, H, W
    assert torch.allclose(
        head(normalize=False).pool(x3d), x3d.mean(dim=(2, 3, 4)))
    tokens = torch.rand(2, 3)  # TimeSformer: class token per clip
    assert torch.allclose(head(normalize=False).pool(tokens), tokens)
    slow, fast = torch.rand(2, 2, 4, 2, 2), torch.rand(2, 1, 8, 2, 2)
    pooled = head(normalize=False, backbone_name='slowfast').pool(
        (slow, fast))
    assert torch.allclose(
        pooled,
        torch.cat([slow.mean(dim=(2, 3, 4)),
                   fast.mean(dim=(2, 3, 4))], 1))


def test_wrong_feature_width_is_reported():
    with pytest.raises(ValueError, match=r'expected \[N, 3\]'):
        head().pool(torch.rand(2, 5))


def test_scores_are_cosine_over_temperature_by_default():
    h = head()
    h.set_prototypes(torch.tensor([[2., 0., 0.], [0., 0., 3.]]),
                     torch.tensor([0.5, 0.7]))
    assert bool(h.initialized)
    assert torch.equal(h.thresholds, torch.tensor([0.5, 0.7]))
    feats = torch.tensor([[1., 0., 1.]])
    # Unit prototypes e0 and e2; the feature normalises to (1, 0, 1)/sqrt2.
    expected = torch.tensor([[1., 1.]]) / 2**0.5 / 0.1
    assert torch.allclose(h(feats), expected)
    raw = head(normalize=False, temperature=1.0)
    raw.set_prototypes(torch.tensor([[2., 0., 0.], [0., 0., 3.]]))
    assert torch.allclose(raw(feats), torch.tensor([[2., 3.]]))


def test_predict_averages_clips_into_scores():
    h = head(normalize=False, temperature=1.0, average_clips='score')
    h.set_prototypes(torch.eye(3)[:2])
    samples = [ActionDataSample(), ActionDataSample()]
    # Two clips per video: scores average over each video's clips.
    feats = torch.tensor([[1., 0., 0.], [3., 0., 0.], [0., 2., 0.],
                          [0., 4., 0.]])
    out = h.predict(feats, samples)
    assert torch.allclose(out[0].pred_scores.item, torch.tensor([2., 0.]))
    assert torch.allclose(out[1].pred_scores.item, torch.tensor([0., 3.]))
    assert out[1].pred_labels.item.item() == 1


def test_margin_loss_value_and_masked_gradient():
    logits = torch.tensor([[0., 0.], [2., 0.], [5., 5.]], requires_grad=True)
    labels = torch.tensor([1, 0, -1])
    mask = torch.tensor([True, True, False])
    loss = margin_loss(logits, labels, mask)
    # Eq. 7 averages over the kept clips:
    # (CE([0,0],1) + CE([2,0],0)) / 2 = (ln 2 + ln(1 + e^-2)) / 2
    kept_sum = (torch.log(torch.tensor(2.)) +
                torch.log1p(torch.exp(torch.tensor(-2.))))
    assert torch.isclose(loss, kept_sum / 2)
    assert torch.isclose(margin_loss(logits, labels, mask, 'batch'),
                         kept_sum / 3)
    loss.backward()
    assert torch.all(logits.grad[2] == 0)
    assert torch.all(logits.grad[:2] != 0)


def test_prototypes_survive_a_state_dict_round_trip():
    h = head()
    h.set_prototypes(torch.rand(2, 3), torch.rand(2))
    fresh = head()
    fresh.load_state_dict(h.state_dict())
    assert torch.equal(fresh.prototypes, h.prototypes)
    assert torch.equal(fresh.thresholds, h.thresholds)
    assert bool(fresh.initialized)
    assert torch.allclose(fresh.prototypes.norm(dim=1), torch.ones(2))
