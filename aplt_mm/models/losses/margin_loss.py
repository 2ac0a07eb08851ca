"""APLT's margin loss on the prototype classifier (paper, Eq. 6-8)."""
import torch

from .masked_cross_entropy import masked_cross_entropy


def margin_loss(logits: torch.Tensor,
                labels: torch.Tensor,
                mask: torch.Tensor,
                reduction: str = 'kept') -> torch.Tensor:
    """Cross-entropy of prototype logits over the clips ``mask`` keeps.

    .. math::
        \\mathcal{L}^{margin} = -\\frac{1}{B} \\sum_{i=1}^{B} m_i
            \\log \\frac{\\exp(F_i \\cdot \\rho_{y_i})}
                        {\\sum_{c=1}^{C} \\exp(F_i \\cdot \\rho_c)}

    With ``m_i = 1`` and ground-truth ``y`` this is Eq. 6 (labeled clips);
    with ``y`` the offline pseudo-label and ``m_i`` = "the offline phase kept
    it" it is Eq. 7. Filtered clips contribute nothing and get no gradient.
    ``reduction='kept'`` averages over the kept clips (Eq. 7 sums over the
    pseudo-labeled set); ``'batch'`` over all ``B`` clips, which scales the
    unlabeled term down by the share kept.

    Args:
        logits: ``[B, C]`` prototype logits (``F . rho / T``).
        labels: ``[B]`` targets (ignored where ``mask`` is False).
        mask: ``[B]`` bool, which clips contribute.
        reduction: ``'kept'`` or ``'batch'`` (see
            :func:`masked_cross_entropy`).
    """
    return masked_cross_entropy(logits, labels, mask, reduction)
