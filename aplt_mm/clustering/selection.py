"""Which clustering pseudo-labels an offline phase keeps (section 3.3).

Rules, each a function of the assignments and the distances:

- ``'eq4'``: the paper's self-adaptive threshold (:func:`adaptive_thresholds`):
  keep ``d_i < tau_local(a_i) / max tau_local * tau_global``. Every class is
  cut below its own mean distance, so on concentrated distances it keeps a
  few percent, and the better the clustering, the less it keeps.
- ``'freematch'``: FreeMatch's self-adaptive threshold (Wang et al. 2023) on
  the clustering's soft assignment ``p_ic = softmax_c(-D_ic / (T s))``
  (``D`` squared distances to the centroids, ``s`` their mean): with
  ``conf_i = p_{i a_i}``, ``tau_g = mean_i conf_i``, ``p~_c = mean_i p_ic``,
  keep ``conf_i >= p~_{a_i} / max_c p~_c * tau_g``. Eq. 4 is this rule with
  distances in place of confidences; on confidences it keeps most clips.
- ``'ranked'``: per class, the ``fraction`` of its clips with the largest
  margin ``d_2nd - d_assigned`` (``rank_by='margin'``) or the smallest
  distance (``rank_by='distance'``). Coverage is fixed by design and no
  class is emptied.
- ``'agreement'``: keep a clip when the clustering and the parametric
  classifier (its argmax on the same clean view) name the same class. Two
  mechanisms that err differently rarely agree on a wrong label (the
  co-training argument; APLT's section 3.5 makes the same point for
  asynchronous labels), so the agreeing subset is far more precise than
  either alone, at a coverage set by the data rather than a parameter.
- ``'all'``: keep every assignment (the "no SAT" ablation).
"""
import math
from typing import NamedTuple, Optional

import torch
from torch import Tensor

from .thresholds import adaptive_thresholds

SELECTIONS = ('eq4', 'freematch', 'ranked', 'agreement', 'all')
RANK_BY = ('margin', 'distance')


class Selection(NamedTuple):
    """Output of :func:`select_pseudo_labels`.

    Attributes:
        keep: ``[Nu]`` bool, True for a kept pseudo-label.
        thresholds: ``[C]`` the rule's per-class cut, in its own unit
            (a distance for ``eq4``, a confidence for ``freematch``, a score
            for ``ranked``, 0 for ``agreement`` and ``all``); for logs and
            the head's buffer.
    """
    keep: Tensor
    thresholds: Tensor


def soft_assignment(sq_dists: Tensor, temperature: float) -> Tensor:
    """``softmax_c(-D_ic / (T s))`` with ``s`` the mean of ``D``."""
    scale = sq_dists.mean().clamp_min(torch.finfo(sq_dists.dtype).tiny)
    return torch.softmax(-sq_dists / (temperature * scale), dim=1)


def select_pseudo_labels(rule: str,
                         assignments: Tensor,
                         distances: Tensor,
                         num_classes: int,
                         sq_dists: Optional[Tensor] = None,
                         fraction: float = 0.5,
                         rank_by: str = 'margin',
                         temperature: float = 0.05,
                         classifier_logits: Optional[Tensor] = None
                         ) -> Selection:
    """Apply a selection rule (module docstring).

    Args:
        rule: One of :data:`SELECTIONS`.
        assignments: ``[Nu]`` int64 assigned class.
        distances: ``[Nu]`` distance to the assigned centroid.
        num_classes: ``C``.
        sq_dists: ``[Nu, C]`` squared distances to every centroid; needed
            by ``freematch`` and by ``ranked`` with ``rank_by='margin'``.
        fraction: Share kept per class by ``ranked``, in (0, 1].
        rank_by: ``'margin'`` or ``'distance'`` (``ranked``).
        temperature: ``T`` of the soft assignment (``freematch``).
        classifier_logits: ``[Nu, C]`` the parametric classifier's logits
            on the clips (``agreement``).
    """
    if rule == 'eq4':
        result = adaptive_thresholds(distances, assignments, num_classes)
        return Selection(result.keep, result.class_thresholds)
    if rule == 'agreement':
        if classifier_logits is None:
            raise ValueError("selection='agreement' needs the parametric "
                             "classifier's logits of the unlabeled clips")
        return Selection(classifier_logits.argmax(1) == assignments,
                         distances.new_zeros(num_classes))
    if rule == 'all':
        return Selection(torch.ones_like(assignments, dtype=torch.bool),
                         distances.new_zeros(num_classes))
    if rule == 'freematch':
        probs = soft_assignment(sq_dists, temperature)
        conf = probs.gather(1, assignments.unsqueeze(1)).squeeze(1)
        mean_probs = probs.mean(0)
        thresholds = mean_probs / mean_probs.max() * conf.mean()
        return Selection(conf >= thresholds[assignments], thresholds)
    if rule == 'ranked':
        if rank_by == 'margin':
            second = sq_dists.scatter(1, assignments.unsqueeze(1),
                                      float('inf')).min(1).values
            score = second.clamp_min(0).sqrt() - distances
        else:
            score = -distances
        return _top_fraction(score, assignments, num_classes, fraction)
    raise ValueError(f'selection must be one of {SELECTIONS}, got {rule!r}')


def _top_fraction(score: Tensor, assignments: Tensor, num_classes: int,
                  fraction: float) -> Selection:
    """Keep, per class, the ``ceil(fraction * n_c)`` highest scores."""
    order = torch.argsort(score, descending=True, stable=True)
    order = order[torch.argsort(assignments[order], stable=True)]
    counts = torch.bincount(assignments, minlength=num_classes)
    starts = torch.cumsum(counts, 0) - counts
    sorted_classes = assignments[order]
    rank = torch.arange(len(order), device=order.device) - starts[
        sorted_classes]
    quota = torch.tensor([math.ceil(fraction * int(n)) for n in counts],
                         device=counts.device)
    keep = torch.zeros_like(assignments, dtype=torch.bool)
    keep[order] = rank < quota[sorted_classes]
    thresholds = score.new_full((num_classes, ), float('nan'))
    kept_scores = torch.where(keep, score, torch.full_like(score, math.inf))
    thresholds.scatter_reduce_(0, assignments, kept_scores, 'amin',
                               include_self=False)
    return Selection(keep, torch.nan_to_num(thresholds, nan=0.0,
                                            posinf=0.0))
