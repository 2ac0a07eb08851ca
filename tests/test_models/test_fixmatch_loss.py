import math

import torch

from aplt_mm.models import fixmatch_loss


def test_value_mask_and_pseudo_labels_on_hand_logits():
    # Weak view: clip 0 is confident in class 1 (softmax of [0, ln 99] =
    # [0.01, 0.99]), clip 1 is split 50/50 -> masked at tau = 0.95.
    logits_weak = torch.tensor([[0., math.log(99.)], [0., 0.]])
    logits_strong = torch.tensor([[0., 0.], [5., -5.]], requires_grad=True)
    out = fixmatch_loss(logits_weak, logits_strong, threshold=0.95)
    assert out.mask.tolist() == [True, False]
    assert out.pseudo_labels.tolist() == [1, 0]
    # CE([0, 0], 1) = ln 2, averaged over both clips (masked one counts 0).
    assert torch.isclose(out.loss, torch.tensor(math.log(2.) / 2))
    out.loss.backward()
    # The masked clip gets no gradient.
    assert torch.all(logits_strong.grad[1] == 0)
    assert torch.any(logits_strong.grad[0] != 0)


def test_no_gradient_through_the_weak_view():
    logits_weak = torch.tensor([[10., 0.]], requires_grad=True)
    logits_strong = torch.tensor([[0., 1.]], requires_grad=True)
    fixmatch_loss(logits_weak, logits_strong, 0.5).loss.backward()
    assert logits_weak.grad is None


def test_empty_unlabeled_batch_gives_zero_loss():
    out = fixmatch_loss(torch.zeros(0, 3), torch.zeros(0, 3), 0.95)
    assert out.loss.item() == 0 and out.mask.numel() == 0
