"""Random skeleton augmentations for weak and strong views.

Every transform reads and writes ``results['keypoint']``, ``[M, T, V, C]``
(persons, frames, joints, coordinates), after a centring step such as
MMAction2's ``PreNormalize3D`` and before frame sampling
(``UniformSampleFrames`` + ``PoseDecode``). Missing joints are exactly 0
(MMAction2's convention) and stay 0: coordinate changes apply to present
joints only. Random draws use ``numpy.random`` like MMAction2's transforms,
so data-loader workers get their seeds from the Runner.
"""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmaction.registry import TRANSFORMS

Range = Union[float, Sequence[float]]


def _present(keypoint: np.ndarray) -> np.ndarray:
    """``bool [M, T, V, 1]``: joints with any non-zero coordinate."""
    return (keypoint != 0).any(-1, keepdims=True)


def _rotation(angles: Sequence[float]) -> np.ndarray:
    """3-D rotation ``Rz @ Ry @ Rx`` for angles in radians about x, y, z."""
    (cx, cy, cz), (sx, sy, sz) = np.cos(angles), np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


@TRANSFORMS.register_module()
class RandomSkeletonAffine(BaseTransform):
    """Rotate, shear and scale the whole clip about the origin.

    Every present joint ``x`` (its first ``D`` coordinates, ``D = 3`` for
    3-D data, 2 for 2-D) becomes

    .. math:: x' = S H R x

    with ``R`` a rotation by angles drawn uniformly in
    ``[-rotation_i, rotation_i]`` about axis ``i`` (``R = R_z R_y R_x``; for
    2-D data only the in-plane angle ``rotation[2]``), ``H`` a shear
    matrix (1 on the diagonal, off-diagonal entries uniform in
    ``[-shear, shear]``) and ``S`` a diagonal scale, each axis uniform in
    ``scale`` (one factor for all axes if ``isotropic``). One draw per
    clip, the same for every frame and person.

    Args:
        rotation (float | Sequence[float]): Largest angle in degrees about
            x, y, z (one number: the same for every axis). Defaults to 0.
        scale (Sequence[float]): ``(low, high)`` of the scale factors.
            Defaults to ``(1, 1)``.
        shear (float): Largest shear coefficient. Defaults to 0.
        isotropic (bool): One scale factor for every axis. Defaults to
            False.
    """

    def __init__(self,
                 rotation: Range = 0.,
                 scale: Tuple[float, float] = (1., 1.),
                 shear: float = 0.,
                 isotropic: bool = False) -> None:
        rotation = np.broadcast_to(np.asarray(rotation, float), (3, )).copy()
        if (rotation < 0).any() or shear < 0:
            raise ValueError('rotation and shear must be >= 0, got '
                             f'{rotation.tolist()} and {shear}')
        if len(scale) != 2 or not 0 < scale[0] <= scale[1]:
            raise ValueError(
                f'scale must be (low, high) with 0 < low <= high, got '
                f'{scale}')
        self.rotation = np.deg2rad(rotation)
        self.scale = tuple(scale)
        self.shear = shear
        self.isotropic = isotropic

    def matrix(self, dims: int) -> np.ndarray:
        """A random ``[dims, dims]`` matrix ``S H R``."""
        angles = np.random.uniform(-self.rotation, self.rotation)
        if dims == 3:
            rot = _rotation(angles)
        else:
            c, s = np.cos(angles[2]), np.sin(angles[2])
            rot = np.array([[c, -s], [s, c]])
        shear = np.eye(dims) + np.random.uniform(
            -self.shear, self.shear, (dims, dims)) * (1 - np.eye(dims))
        scale = np.random.uniform(*self.scale, 1 if self.isotropic else dims)
        return np.diag(np.broadcast_to(scale, (dims, ))) @ shear @ rot

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        dims = min(keypoint.shape[-1], 3)
        matrix = self.matrix(dims).astype(keypoint.dtype)
        out = keypoint.copy()
        out[..., :dims] = keypoint[..., :dims] @ matrix.T
        results['keypoint'] = out * _present(keypoint)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(rotation='
                f'{np.rad2deg(self.rotation).tolist()}, scale={self.scale}, '
                f'shear={self.shear}, isotropic={self.isotropic})')


@TRANSFORMS.register_module()
class JointJitter(BaseTransform):
    """Add Gaussian noise of standard deviation ``std`` to every
    coordinate of every present joint, independently per frame.

    Args:
        std (float): Noise level, in the data's units (metres for
            MSR Action3D / NTU after ``PreNormalize3D``). Defaults to 0.01.
    """

    def __init__(self, std: float = 0.01) -> None:
        if std < 0:
            raise ValueError(f'std must be >= 0, got {std}')
        self.std = std

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        noise = np.random.normal(0, self.std, keypoint.shape)
        results['keypoint'] = (keypoint + noise.astype(keypoint.dtype)) * \
            _present(keypoint)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(std={self.std})'


@TRANSFORMS.register_module()
class RandomJointDropout(BaseTransform):
    """Remove joints or a body part for the whole clip (set them to 0,
    "missing"; a 2-D clip's ``keypoint_score`` too).

    Each joint is removed with probability ``joint_prob``; in addition,
    with probability ``part_prob``, one of ``parts`` (drawn uniformly) is.

    Args:
        joint_prob (float): Probability to remove each joint. Defaults to
            0.1.
        parts (Sequence[Sequence[int]], optional): Joint groups (limbs) to
            remove as a whole, e.g. ``[[7, 9, 11], [8, 10, 12]]`` for the
            arms of :data:`~aplt_mm.skeleton.KINECT_V1_20`.
        part_prob (float): Probability to remove one part. Defaults to 0.
    """

    def __init__(self,
                 joint_prob: float = 0.1,
                 parts: Optional[Sequence[Sequence[int]]] = None,
                 part_prob: float = 0.) -> None:
        for name, p in (('joint_prob', joint_prob), ('part_prob', part_prob)):
            if not 0 <= p <= 1:
                raise ValueError(f'{name} must be in [0, 1], got {p}')
        if part_prob > 0 and not parts:
            raise ValueError('part_prob > 0 needs parts (joint groups)')
        self.joint_prob = joint_prob
        self.parts = [list(part) for part in parts or []]
        self.part_prob = part_prob

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        drop = np.random.rand(keypoint.shape[2]) < self.joint_prob
        if self.parts and np.random.rand() < self.part_prob:
            drop[self.parts[np.random.randint(len(self.parts))]] = True
        if drop.any():
            keypoint = keypoint.copy()
            keypoint[:, :, drop] = 0
            if 'keypoint_score' in results:
                # A 2-D joint at 0 with its detector score would still be
                # seen (GenSkeFeat's score channel, PoseC3D's heatmaps).
                score = results['keypoint_score'].copy()
                score[:, :, drop] = 0
                results['keypoint_score'] = score
        results['keypoint'] = keypoint
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(joint_prob={self.joint_prob}, '
                f'parts={self.parts}, part_prob={self.part_prob})')


@TRANSFORMS.register_module()
class RandomTemporalCrop(BaseTransform):
    """Keep a random contiguous stretch of the clip's frames.

    The stretch has ``max(1, round(u * T))`` of the ``T`` frames, ``u``
    uniform in ``ratio``, at a uniform random start; ``total_frames``
    follows. Put it before ``UniformSampleFrames``, which then resamples
    the stretch to the clip length.

    Args:
        ratio (Sequence[float]): ``(low, high)`` fraction of frames kept,
            ``0 < low <= high <= 1``. Defaults to ``(0.5, 1)``.
    """

    def __init__(self, ratio: Tuple[float, float] = (0.5, 1.)) -> None:
        if len(ratio) != 2 or not 0 < ratio[0] <= ratio[1] <= 1:
            raise ValueError(
                f'ratio must be (low, high) with 0 < low <= high <= 1, got '
                f'{ratio}')
        self.ratio = tuple(ratio)

    def transform(self, results: Dict) -> Dict:
        total = results['keypoint'].shape[1]
        length = max(1, int(round(np.random.uniform(*self.ratio) * total)))
        start = np.random.randint(total - length + 1)
        for key in ('keypoint', 'keypoint_score'):
            if key in results:
                results[key] = results[key][:, start:start + length]
        results['total_frames'] = length
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(ratio={self.ratio})'


@TRANSFORMS.register_module()
class SkeletonFlip(BaseTransform):
    """Mirror the clip: negate the first coordinate and swap the joints of
    each left/right pair.

    A mirror changes which side does what, so it needs the layout's pairs
    (:func:`~aplt_mm.skeleton.layouts.mirror_pairs`); without them the
    transform is not built. The first coordinate must be centred (after
    ``PreNormalize3D`` / ``PreNormalize2D``) so that negating it mirrors
    about the body.

    Args:
        pairs (Sequence[Sequence[int]]): ``(left, right)`` joint pairs.
        flip_ratio (float): Probability to mirror. Defaults to 0.5.
    """

    def __init__(self, pairs: Sequence[Sequence[int]],
                 flip_ratio: float = 0.5) -> None:
        if not pairs:
            raise ValueError('SkeletonFlip needs the left/right joint pairs')
        if not 0 <= flip_ratio <= 1:
            raise ValueError(f'flip_ratio must be in [0, 1], got {flip_ratio}')
        self.pairs = [tuple(p) for p in pairs]
        self.flip_ratio = flip_ratio

    def transform(self, results: Dict) -> Dict:
        if np.random.rand() >= self.flip_ratio:
            return results
        keypoint = results['keypoint']
        order = np.arange(keypoint.shape[2])
        for left, right in self.pairs:
            order[left], order[right] = right, left
        present = _present(keypoint)
        keypoint = keypoint.copy()
        keypoint[..., 0] *= -1
        results['keypoint'] = (keypoint * present)[:, :, order]
        if 'keypoint_score' in results:
            results['keypoint_score'] = results['keypoint_score'][:, :, order]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(pairs={self.pairs}, '
                f'flip_ratio={self.flip_ratio})')
