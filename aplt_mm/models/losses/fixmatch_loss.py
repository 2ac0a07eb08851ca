"""FixMatch's unlabeled loss (APLT paper, Eq. 2)."""
from typing import NamedTuple

import torch

from .masked_cross_entropy import masked_cross_entropy


class FixMatchOutput(NamedTuple):
    loss: torch.Tensor  # scalar
    mask: torch.Tensor  # [B] bool, confidence >= threshold
    pseudo_labels: torch.Tensor  # [B] long, argmax of the weak view


def fixmatch_loss(logits_weak: torch.Tensor, logits_strong: torch.Tensor,
                  threshold: float) -> FixMatchOutput:
    """Confidence-masked cross-entropy between weak and strong views.

    .. math::
        \\ell_u = \\frac{1}{B} \\sum_i \\mathbb{1}(\\max q_i \\ge \\tau)
                  H(\\hat q_i, p(y | \\mathcal{A}(U_i))),
        \\quad q_i = p(y | \\omega(U_i))

    The mean runs over all ``B`` unlabeled clips, masked ones included, as
    in the paper and FixMatch. The weak view only makes targets: no
    gradient flows through it.

    Args:
        logits_weak: ``[B, C]`` logits of the weakly augmented clips.
        logits_strong: ``[B, C]`` logits of the strongly augmented clips.
        threshold: Confidence threshold ``tau``.
    """
    with torch.no_grad():
        confidence, pseudo_labels = logits_weak.detach().softmax(-1).max(-1)
        mask = confidence >= threshold
    loss = masked_cross_entropy(logits_strong, pseudo_labels, mask)
    return FixMatchOutput(loss, mask, pseudo_labels)
