"""Memory-based prototype classifier weights (APLT, Eq. 5).

Also hosts the small validation and per-class accumulation helpers shared by
:mod:`aplt_mm.clustering.seeded_kmeans` and
:mod:`aplt_mm.clustering.thresholds`.
"""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

#: Feature dtypes accepted by the clustering functions. Lower precisions are
#: refused rather than silently up-cast (that would copy an N x D matrix).
FEATURE_DTYPES = (torch.float32, torch.float64)

#: Default number of rows processed at once; bounds temporaries to
#: ``chunk_size x max(C, D)`` elements.
DEFAULT_CHUNK_SIZE = 65536


def check_features(feats: Tensor, name: str) -> None:
    """Raises if ``feats`` is not a 2-D float32/float64 tensor."""
    if not isinstance(feats, Tensor):
        raise TypeError(f'{name} must be a torch.Tensor, got {type(feats)}')
    if feats.dim() != 2:
        raise ValueError(
            f'{name} must be 2-D [N, D], got shape {tuple(feats.shape)}')
    if feats.dtype not in FEATURE_DTYPES:
        raise TypeError(f'{name} must be float32 or float64, got '
                        f'{feats.dtype} (cast with .float() first)')


def check_labels(labels: Tensor, num: int, num_classes: int, name: str,
                 device: torch.device) -> None:
    """Raises unless ``labels`` is a ``[num]`` int64 tensor in [0, C).

    Args:
        labels: Tensor to check.
        num: Expected length.
        num_classes: Exclusive upper bound ``C`` of the values.
        name: Argument name used in the error messages.
        device: Device the labels must live on.
    """
    if not isinstance(labels, Tensor):
        raise TypeError(f'{name} must be a torch.Tensor, got {type(labels)}')
    if labels.dtype != torch.long:
        raise TypeError(
            f'{name} must be int64 (torch.long), got {labels.dtype}')
    if labels.dim() != 1 or labels.numel() != num:
        raise ValueError(f'{name} must have shape [{num}], got '
                         f'{tuple(labels.shape)}')
    if labels.device != device:
        raise ValueError(f'{name} is on {labels.device} but the features '
                         f'are on {device}')
    if num > 0:
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= num_classes:
            raise ValueError(f'{name} must lie in [0, {num_classes}), got '
                             f'values in [{low}, {high}]')


def check_positive(value: int, name: str) -> None:
    """Raises unless ``value`` is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'{name} must be an int >= 1, got {value!r}')


def class_sums(feats: Tensor, labels: Tensor, num_classes: int,
               chunk_size: int = DEFAULT_CHUNK_SIZE) -> Tuple[Tensor, Tensor]:
    """Per-class feature sums and counts (no validation).

    ``sums[c] = sum_{i: labels_i = c} feats_i``. Each chunk is summed in the
    feature dtype and the chunk results are accumulated in float64, so the
    rounding error does not grow with N (float32 over 1M rows would lose
    ~1e-5 relative) while no float64 copy of the features is ever made.

    Args:
        feats: ``[N, D]`` features.
        labels: ``[N]`` int64 class indices in ``[0, C)``.
        num_classes: Number of classes ``C``.
        chunk_size: Rows summed at once.

    Returns:
        ``(sums [C, D] float64, counts [C] int64)``.
    """
    sums = feats.new_zeros((num_classes, feats.shape[1]), dtype=torch.float64)
    chunk_sums = feats.new_empty((num_classes, feats.shape[1]))
    for start in range(0, feats.shape[0], chunk_size):
        chunk_sums.zero_()
        chunk_sums.index_add_(0, labels[start:start + chunk_size],
                              feats[start:start + chunk_size])
        sums += chunk_sums
    counts = torch.bincount(labels, minlength=num_classes)
    return sums, counts


def build_prototypes(feats: Tensor,
                     labels: Tensor,
                     num_classes: int,
                     normalize: bool = False,
                     chunk_size: int = DEFAULT_CHUNK_SIZE
                     ) -> Tuple[Tensor, Tensor]:
    """Prototype of each class as the mean of its features (Eq. 5).

    ``rho_c = (1 / N_c) * sum_{i: labels_i = c} feats_i``

    The caller passes the labeled features (ground-truth labels) concatenated
    with the kept pseudo-labeled unlabeled features (their cluster labels),
    so ``N_c`` counts both, as in the paper.

    Every class must have at least one feature: a missing class raises
    ``ValueError`` naming it rather than producing a NaN or arbitrary
    prototype. In APLT the labeled anchors guarantee this.

    Args:
        feats: ``[N, D]`` float32/float64 features.
        labels: ``[N]`` int64 class index of each feature, in ``[0, C)``.
        num_classes: Number of classes ``C``.
        normalize: If True, L2-normalise each prototype after averaging
            (``rho_c / ||rho_c||``; an exactly-zero mean stays zero).
        chunk_size: Rows summed at once (memory bound, not a result knob).

    Returns:
        ``(prototypes, counts)``: ``[C, D]`` tensor in the dtype and on the
        device of ``feats``, and ``[C]`` int64 number of features per class.

    Raises:
        TypeError: Wrong dtypes.
        ValueError: Wrong shapes/devices, labels out of range, or a class
            with no feature.
    """
    check_features(feats, 'feats')
    check_positive(num_classes, 'num_classes')
    check_positive(chunk_size, 'chunk_size')
    check_labels(labels, feats.shape[0], num_classes, 'labels', feats.device)
    sums, counts = class_sums(feats, labels, num_classes, chunk_size)
    missing = torch.nonzero(counts == 0).flatten().tolist()
    if missing:
        raise ValueError(f'classes {missing} have no feature, so their '
                         'prototype (Eq. 5) is undefined')
    prototypes = (sums / counts.unsqueeze(1)).to(feats.dtype)
    if normalize:
        prototypes = F.normalize(prototypes, dim=1)
    return prototypes, counts
