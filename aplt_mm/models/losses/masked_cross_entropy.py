"""Cross-entropy averaged over a batch in which some clips are masked."""
import torch
import torch.nn.functional as F

REDUCTIONS = ('batch', 'kept')


def masked_cross_entropy(logits: torch.Tensor,
                         labels: torch.Tensor,
                         mask: torch.Tensor,
                         reduction: str = 'batch') -> torch.Tensor:
    """Cross-entropy of the clips ``mask`` keeps, averaged two ways.

    - ``'batch'``: ``1/B * sum_i m_i * H(y_i, softmax(logits_i))``, the mean
      over all ``B`` clips, masked ones included (FixMatch's Eq. 2);
    - ``'kept'``: ``sum_i m_i * H_i / sum_i m_i``, the mean over the kept
      clips only (APLT's Eq. 7 sums over the pseudo-labeled set); 0 when
      nothing is kept.

    A masked clip adds nothing and gets no gradient. ``mask`` is bool or a
    float weight per clip (SoftMatch); labels of clips with zero weight are
    ignored and may be -1.
    """
    if reduction not in REDUCTIONS:
        raise ValueError(
            f'reduction must be one of {REDUCTIONS}, got {reduction!r}')
    if logits.numel() == 0:
        return logits.sum()
    used = mask > 0 if mask.dtype != torch.bool else mask
    safe_labels = torch.where(used, labels, torch.zeros_like(labels))
    per_clip = F.cross_entropy(logits, safe_labels, reduction='none')
    total = (per_clip * mask).sum()
    if reduction == 'kept':
        return total / mask.float().sum().clamp_min(1)
    return total / len(per_clip)
