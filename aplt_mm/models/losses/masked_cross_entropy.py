"""Cross-entropy averaged over a batch in which some clips are masked."""
import torch
import torch.nn.functional as F


def masked_cross_entropy(logits: torch.Tensor, labels: torch.Tensor,
                         mask: torch.Tensor) -> torch.Tensor:
    """``1/B * sum_i m_i * H(y_i, softmax(logits_i))``.

    The mean runs over all ``B`` clips, masked ones included (FixMatch's and
    APLT's convention), so a masked clip adds nothing and gets no gradient.
    ``mask`` is bool or a float weight per clip (SoftMatch); labels of
    clips with zero weight are ignored and may be -1.
    """
    if logits.numel() == 0:
        return logits.sum()
    used = mask > 0 if mask.dtype != torch.bool else mask
    safe_labels = torch.where(used, labels, torch.zeros_like(labels))
    per_clip = F.cross_entropy(logits, safe_labels, reduction='none')
    return (per_clip * mask).mean()
