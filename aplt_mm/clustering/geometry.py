"""The feature space an offline phase clusters in.

Pooled clip features of a video backbone are non-negative and nearly
collinear (mean cosine 0.94-0.97 between random clips on MSR Action3D), so
distances between them are dominated by one shared direction. The
geometries:

- ``'raw'``: the pooled features as they are (the paper's dot products);
- ``'l2'``: ``F / ||F||`` (cosine geometry; the project's default so far);
- ``'center_l2'``: ``(F - m) / ||F - m||`` with ``m`` the mean clean
  feature of the phase (labeled and unlabeled clips), which removes the
  shared direction before comparing angles.
"""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .prototypes import DEFAULT_CHUNK_SIZE

GEOMETRIES = ('raw', 'l2', 'center_l2')


def feature_center(*feats: Tensor,
                   chunk_size: int = DEFAULT_CHUNK_SIZE) -> Tensor:
    """Mean row of the concatenation of ``feats`` (float64 accumulation,
    no concatenated copy), in the dtype of the first argument."""
    total = torch.zeros(feats[0].shape[1], dtype=torch.float64,
                        device=feats[0].device)
    rows = 0
    for block in feats:
        for start in range(0, block.shape[0], chunk_size):
            total += block[start:start + chunk_size].sum(
                0, dtype=torch.float64)
        rows += block.shape[0]
    return (total / max(rows, 1)).to(feats[0].dtype)


def apply_geometry(feats: Tensor,
                   geometry: str,
                   center: Optional[Tensor] = None) -> Tensor:
    """``feats`` mapped into ``geometry`` (a new tensor; input untouched).

    Args:
        feats: ``[N, D]`` pooled features.
        geometry: One of :data:`GEOMETRIES`.
        center: ``[D]`` mean subtracted by ``'center_l2'``.
    """
    if geometry == 'raw':
        return feats
    if geometry == 'center_l2':
        if center is None:
            raise ValueError("geometry='center_l2' needs the center")
        feats = feats - center
    return F.normalize(feats, dim=1)


def prepare(labeled: Tensor, unlabeled: Tensor, geometry: str,
            *others: Optional[Tensor]) -> Tuple[Optional[Tensor], ...]:
    """Map labeled, unlabeled and further features (None passes through)
    into ``geometry``; the center, if any, comes first in the result.

    The center is the mean of the clean labeled and unlabeled features only:
    augmented copies must not move it.
    """
    if geometry not in GEOMETRIES:
        raise ValueError(
            f'geometry must be one of {GEOMETRIES}, got {geometry!r}')
    center = feature_center(labeled, unlabeled) \
        if geometry == 'center_l2' else None
    mapped = [
        None if f is None else apply_geometry(f, geometry, center)
        for f in (labeled, unlabeled) + others
    ]
    return (center, *mapped)


def sq_norms(feats: Tensor, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Tensor:
    """``[N]`` squared row norms, ``chunk_size`` rows at a time."""
    out = feats.new_empty(feats.shape[0])
    for start in range(0, feats.shape[0], chunk_size):
        torch.linalg.vector_norm(feats[start:start + chunk_size], dim=1,
                                 out=out[start:start + chunk_size])
    return out.square_()


def sq_distances(feats: Tensor,
                 centroids: Tensor,
                 chunk_size: int = DEFAULT_CHUNK_SIZE,
                 row_sq_norms: Optional[Tensor] = None) -> Tensor:
    """``[N, K]`` squared Euclidean distances, one ``addmm`` per chunk
    (``||x||^2 + ||c||^2 - 2 x c^T``, clamped at 0), without an
    ``N x K x D`` temporary. ``row_sq_norms`` (``[N]``) saves recomputing
    ``||x||^2`` when called repeatedly on the same features."""
    if row_sq_norms is None:
        row_sq_norms = sq_norms(feats, chunk_size)
    out = feats.new_empty((feats.shape[0], centroids.shape[0]))
    c_sq = centroids.square().sum(1)
    for start in range(0, feats.shape[0], chunk_size):
        rows = out[start:start + chunk_size]
        torch.addmm(c_sq, feats[start:start + chunk_size], centroids.t(),
                    alpha=-2, out=rows)
        rows.add_(row_sq_norms[start:start + chunk_size, None]).clamp_min_(0)
    return out
