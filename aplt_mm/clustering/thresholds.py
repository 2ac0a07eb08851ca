"""Self-adaptive threshold strategy of APLT (section 3.3, Eq. 4)."""
from typing import NamedTuple

import torch
from torch import Tensor

from .prototypes import check_labels, check_positive


class ThresholdResult(NamedTuple):
    """Output of :func:`adaptive_thresholds`.

    All float tensors have the dtype and device of the distances.

    Attributes:
        global_threshold: 0-d ``tau_global``.
        local_thresholds: ``[C]`` ``tau_local``; 0 for a class that received
            no unlabeled sample.
        class_thresholds: ``[C]`` ``tau_adapt``; 0 for such a class.
        keep: ``[Nu]`` bool, True where the pseudo-label is reliable, i.e.
            ``keep == distances < class_thresholds[assignments]``.
        counts: ``[C]`` int64 ``N_u^c``, number of unlabeled samples assigned
            to each class (tells an empty class from a zero mean distance).
    """
    global_threshold: Tensor
    local_thresholds: Tensor
    class_thresholds: Tensor
    keep: Tensor
    counts: Tensor


def adaptive_thresholds(distances: Tensor, assignments: Tensor,
                        num_classes: int) -> ThresholdResult:
    """Per-class adaptive distance thresholds and pseudo-label selection.

    Eq. 4, with ``dis(U^i)`` the distance of unlabeled sample ``i`` to its
    assigned centroid::

        tau_global   = (1 / N_u)   * sum_i dis(U^i)
        tau_local(c) = (1 / N_u^c) * sum_{i: a_i = c} dis(U^i)
        tau_adapt(c) = tau_local(c) / max_c' tau_local(c') * tau_global

    and sample ``i`` is kept iff ``dis(U^i) < tau_adapt(a_i)`` (strictly
    lower, as in the paper). Since ``tau_adapt(c) <= tau_global``, the
    hardest class is cut at the global mean and easier classes tighter.

    Edge cases (all without NaN, so nothing downstream is poisoned):

    * A class with no assigned sample (``N_u^c = 0``) has an undefined
      local mean; it is reported as ``tau_local = tau_adapt = 0`` with
      ``counts[c] = 0``. As distances are >= 0, a 0 never exceeds the
      defined local means, so the max is unaffected, and no sample is
      compared against it.
    * All distances zero (``max tau_local = 0``): ``tau_adapt`` is 0 for
      every class instead of 0/0, so nothing is kept. This is the limit of
      the strict rule: whenever all distances are equal nothing is below
      the (equal) threshold, and identical zero distances mean collapsed
      features, whose pseudo-labels carry no information.
    * ``N_u = 0``: every threshold is 0 and ``keep`` is empty.

    The "no SAT" ablation simply keeps every sample
    (``torch.ones_like(assignments, dtype=torch.bool)``).

    Args:
        distances: ``[Nu]`` float32/float64 non-negative finite Euclidean
            distances to the assigned centroids (e.g.
            :attr:`ClusteringResult.distances`).
        assignments: ``[Nu]`` int64 assigned class of each sample, in
            ``[0, C)``, same device.
        num_classes: Number of classes ``C``.

    Returns:
        :class:`ThresholdResult`. Means are accumulated in float64 and cast
        to the distance dtype before ``keep`` is computed, so ``keep`` is
        consistent with the returned thresholds.

    Raises:
        TypeError: Wrong dtypes.
        ValueError: Wrong shapes/devices, assignments out of range, or
            negative / non-finite distances.
    """
    if not isinstance(distances, Tensor) or distances.dim() != 1:
        raise ValueError('distances must be a 1-D tensor')
    if distances.dtype not in (torch.float32, torch.float64):
        raise TypeError(
            f'distances must be float32 or float64, got {distances.dtype}')
    check_positive(num_classes, 'num_classes')
    check_labels(assignments, distances.shape[0], num_classes, 'assignments',
                 distances.device)
    if not bool((torch.isfinite(distances) & (distances >= 0)).all()):
        raise ValueError('distances must be finite and non-negative')

    dist64 = distances.to(torch.float64)
    counts = torch.bincount(assignments, minlength=num_classes)
    local_sums = dist64.new_zeros(num_classes).index_add_(0, assignments,
                                                          dist64)
    local = local_sums / counts.clamp_min(1)
    global_ = dist64.sum() / max(distances.shape[0], 1)
    max_local = local.max()
    # max_local == 0 implies every distance (hence tau_global) is 0.
    safe_max = torch.where(max_local > 0, max_local,
                           torch.ones_like(max_local))
    adapt = local / safe_max * global_

    class_thresholds = adapt.to(distances.dtype)
    keep = distances < class_thresholds[assignments]
    return ThresholdResult(global_.to(distances.dtype),
                           local.to(distances.dtype), class_thresholds, keep,
                           counts)
