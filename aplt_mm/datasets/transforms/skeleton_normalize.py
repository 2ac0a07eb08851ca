"""Body-size normalisation of skeleton clips."""
from typing import Dict, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class NormalizeBodySize(BaseTransform):
    """Scale a clip so that a reference bone has length ``length``.

    Subjects differ in height and stand at different distances from the
    camera; dividing every coordinate by the clip's median length of one
    bone (over the frames where both its joints are present, 0 = missing)
    removes that. Put it after centring (``PreNormalize3D``), so that the
    scaling is about the body.

    .. math:: x' = x \\cdot \\mathrm{length} / \\mathrm{median}_t
        \\lVert p_{j_1}(t) - p_{j_0}(t) \\rVert

    Args:
        bone (Sequence[int]): The two joint indices of the reference bone,
            e.g. ``(6, 2)`` (hip centre -> neck) for Kinect v1, ``(0, 20)``
            for the ``nturgb+d`` layout.
        length (float): Its length after scaling. Defaults to 1.
    """

    def __init__(self, bone: Sequence[int], length: float = 1.0) -> None:
        if len(bone) != 2 or bone[0] == bone[1]:
            raise ValueError(f'bone must be two joint indices, got {bone}')
        if length <= 0:
            raise ValueError(f'length must be > 0, got {length}')
        self.bone = tuple(bone)
        self.length = length

    def transform(self, results: Dict) -> Dict:
        keypoint = results['keypoint']
        a, b = keypoint[0, :, self.bone[0]], keypoint[0, :, self.bone[1]]
        both = (a != 0).any(-1) & (b != 0).any(-1)
        if both.any():
            size = np.median(np.linalg.norm((b - a)[both], axis=-1))
            if size > 0:
                results['keypoint'] = keypoint * np.float32(
                    self.length / size)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(bone={self.bone}, '
                f'length={self.length})')
