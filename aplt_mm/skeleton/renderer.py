# Copyright (c) APLT authors. All rights reserved.
"""Render skeleton sequences to small RGB videos for 2-D/3-D CNNs.

Only numpy and OpenCV are used here (no torch) so that data tools stay fast
to start and easy to run in worker processes.
"""
import os
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np

from .layouts import KINECT_V1_20, SkeletonLayout

# One BGR colour per body part of the layout, in ``part_names`` order. The
# hues are far apart so that a CNN can tell the limbs apart at 32-64 px.
DEFAULT_PART_COLORS: Tuple[Tuple[int, int, int], ...] = (
    (0, 220, 255),  # head: yellow
    (210, 210, 210),  # torso: light grey
    (60, 60, 255),  # arm a: red
    (255, 150, 40),  # arm b: blue
    (60, 210, 60),  # leg a: green
    (230, 70, 230),  # leg b: magenta
)

# cv2 drawing functions take fixed-point coordinates with this many
# fractional bits; sub-pixel positions keep small movements visible.
_SHIFT = 4
_ONE = 1 << _SHIFT

# The depth range used for depth cueing is at least this fraction of the
# figure's 2-D extent, so near-planar data is not over-contrasted by noise.
_MIN_DEPTH_RANGE = 0.5

PathLike = Union[str, os.PathLike]


def write_video(frames: np.ndarray, path: PathLike, fps: float = 15) -> None:
    """Write frames to an mp4 file (MPEG-4 part 2, fourcc ``mp4v``).

    Args:
        frames (np.ndarray): ``uint8`` array of shape ``[T, H, W, 3]`` in BGR
            order, ``T >= 1``.
        path (str | os.PathLike): Output file. Missing parent directories
            are created.
        fps (float): Frame rate stored in the file. Defaults to 15.

    Raises:
        ValueError: If ``frames`` has the wrong shape or dtype.
        OSError: If OpenCV cannot open a writer for ``path``.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[0] == 0:
        raise ValueError('frames must have shape [T, H, W, 3] with T >= 1, '
                         f'got {frames.shape}')
    if frames.dtype != np.uint8:
        raise ValueError(f'frames must be uint8, got {frames.dtype}')
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), float(fps),
                             (width, height))
    if not writer.isOpened():
        raise OSError(f'cv2.VideoWriter could not open "{path}" for writing '
                      f'({width}x{height} mp4v at {fps} fps)')
    try:
        for frame in frames:
            writer.write(np.ascontiguousarray(frame))
    finally:
        writer.release()


class SkeletonRenderer:
    """Draw skeleton sequences as coloured stick figures.

    Bones are drawn as lines and joints as filled discs; each body part of
    the layout has its own colour. Joints that are NaN or exactly zero in all
    coordinates are treated as missing: they and their bones are skipped, and
    a frame without any valid joint is plain background.

    Args:
        layout (SkeletonLayout): Joint names, bones and body parts. The input
            must have ``layout.num_joints`` joints.
            Defaults to :data:`KINECT_V1_20`.
        size (int): Side of the square output frames in pixels.
            Defaults to 64.
        thickness (int, optional): Bone line thickness in pixels. ``None``
            scales it with ``size`` (1 px per 32 px). Defaults to None.
        joint_radius (int, optional): Joint disc radius in pixels. ``None``
            scales it with ``size`` (1 px per 32 px). Defaults to None.
        head_radius_scale (float): Joints of the part named ``'head'`` are
            drawn this many times larger, so head movements stand out.
            Defaults to 2.0.
        background (tuple[int, int, int]): BGR background colour.
            Defaults to black.
        margin (float): Empty border on each side, as a fraction of ``size``,
            used by ``normalize='sequence'``. Defaults to 0.1.
        normalize (str): How coordinates become pixels.
            ``'sequence'``: one bounding box over all valid joints of the
            whole sequence is fitted (aspect ratio kept, centred) into the
            frame, so motion and the body's position within the clip are
            preserved. ``'none'``: the (projected) x, y coordinates already
            are pixel positions. Defaults to ``'sequence'``.
        yaw (float): View angle in degrees for 3-D input: the figure is
            rotated by ``yaw`` about the vertical axis through its mean
            position, then projected orthographically onto the x-y plane.
            Positive angles turn +x towards +z (away from the camera).
            Ignored for 2-D input. Defaults to 0.
        depth_cue (float): Strength of depth cueing for 3-D input, in
            ``[0, 1]``. The nearest point of the sequence (smallest z) is
            drawn at full brightness, the farthest at ``1 - depth_cue``, and
            nearer primitives are drawn over farther ones. 0 disables the
            dimming. Ignored for 2-D input. Defaults to 0.5.
        y_up (bool, optional): Whether the input y axis points up (as in
            Kinect camera space) and must be flipped to image rows. ``None``
            means up for 3-D input and down (image convention) for 2-D
            input. Defaults to None.
        part_colors (Sequence[tuple[int, int, int]], optional): BGR colour
            of each body part, in ``layout.part_names`` order. ``None`` uses
            :data:`DEFAULT_PART_COLORS`. Defaults to None.
        antialias (bool): Draw anti-aliased primitives. Defaults to True.
    """

    def __init__(self,
                 layout: SkeletonLayout = KINECT_V1_20,
                 size: int = 64,
                 thickness: Optional[int] = None,
                 joint_radius: Optional[int] = None,
                 head_radius_scale: float = 2.0,
                 background: Tuple[int, int, int] = (0, 0, 0),
                 margin: float = 0.1,
                 normalize: str = 'sequence',
                 yaw: float = 0.0,
                 depth_cue: float = 0.5,
                 y_up: Optional[bool] = None,
                 part_colors: Optional[Sequence[Tuple[int, int, int]]] = None,
                 antialias: bool = True) -> None:
        if size < 2:
            raise ValueError(f'size must be >= 2, got {size}')
        if normalize not in ('sequence', 'none'):
            raise ValueError("normalize must be 'sequence' or 'none', "
                             f'got {normalize!r}')
        if not 0 <= margin < 0.5:
            raise ValueError(f'margin must be in [0, 0.5), got {margin}')
        if not 0 <= depth_cue <= 1:
            raise ValueError(f'depth_cue must be in [0, 1], got {depth_cue}')
        if part_colors is None:
            if len(layout.part_names) > len(DEFAULT_PART_COLORS):
                raise ValueError(
                    f'layout {layout.name} has {len(layout.part_names)} '
                    'parts; pass part_colors for all of them')
            part_colors = DEFAULT_PART_COLORS
        elif len(part_colors) < len(layout.part_names):
            raise ValueError(f'{len(part_colors)} part colours for '
                             f'{len(layout.part_names)} parts')
        self.layout = layout
        self.size = int(size)
        # 1 px per 32 px of output keeps the figure's look across sizes.
        auto_px = max(1, round(size / 32))
        self.thickness = auto_px if thickness is None else int(thickness)
        self.joint_radius = (
            auto_px if joint_radius is None else int(joint_radius))
        self.background = tuple(int(c) for c in background)
        self.margin = float(margin)
        self.normalize = normalize
        self.yaw = float(yaw)
        self.depth_cue = float(depth_cue)
        self.y_up = y_up
        self.line_type = cv2.LINE_AA if antialias else cv2.LINE_8

        colors = np.asarray(part_colors, dtype=np.float64)
        self._joint_colors = colors[list(layout.joint_parts)]
        head = (
            layout.part_names.index('head')
            if 'head' in layout.part_names else -1)
        scales = np.where(
            np.asarray(layout.joint_parts) == head, head_radius_scale, 1.0)
        self._joint_radii = np.maximum(
            1, np.round(self.joint_radius * scales * _ONE)).astype(int)
        self._bones = np.asarray(layout.bones, dtype=int).reshape(-1, 2)

    def render(self, joints: np.ndarray) -> np.ndarray:
        """Render a skeleton sequence.

        Args:
            joints (np.ndarray): Array of shape ``[T, J, 2]`` (x, y) or
                ``[T, J, 3]`` (x, y, z with z the distance from the camera,
                larger = farther). ``J`` must equal ``layout.num_joints``.

        Returns:
            np.ndarray: ``uint8`` frames of shape ``[T, size, size, 3]`` in
            BGR order (as used by OpenCV).
        """
        joints = np.asarray(joints, dtype=np.float64)
        num_joints = self.layout.num_joints
        if (joints.ndim != 3 or joints.shape[1] != num_joints
                or joints.shape[2] not in (2, 3)):
            raise ValueError(
                f'joints must have shape [T, {num_joints}, 2] or '
                f'[T, {num_joints}, 3] for layout {self.layout.name}, '
                f'got {joints.shape}')
        valid = np.isfinite(joints).all(-1) & (joints != 0).any(-1)
        is_3d = joints.shape[2] == 3
        xy, depth = self._project(joints, valid)
        y_up = is_3d if self.y_up is None else self.y_up
        if y_up:
            xy[..., 1] = -xy[..., 1]
        extent = self._extent(xy, valid)
        pix = self._to_pixels(xy, valid, extent)
        if y_up and self.normalize == 'none':
            pix[..., 1] += self.size - 1
        bright = (
            self._brightness(depth, valid, extent)
            if is_3d else np.ones(valid.shape))

        return self._draw(pix, valid, depth, bright)

    def write(self,
              joints: np.ndarray,
              path: PathLike,
              fps: float = 15) -> np.ndarray:
        """Render ``joints`` and write them to an mp4 file.

        Args:
            joints (np.ndarray): See :meth:`render`.
            path (str | os.PathLike): Output file; parent directories are
                created.
            fps (float): Frame rate. Defaults to 15.

        Returns:
            np.ndarray: The rendered frames, as returned by :meth:`render`.
        """
        frames = self.render(joints)
        write_video(frames, path, fps)
        return frames

    def _project(self, joints: np.ndarray,
                 valid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Return 2-D coordinates ``[T, J, 2]`` and depth ``[T, J]``."""
        xy = joints[..., :2].copy()
        if joints.shape[2] == 2:
            return xy, np.zeros(valid.shape)
        depth = joints[..., 2].copy()
        if self.yaw and valid.any():
            centre = joints[valid].mean(0)
            angle = np.deg2rad(self.yaw)
            cos, sin = np.cos(angle), np.sin(angle)
            x = joints[..., 0] - centre[0]
            z = joints[..., 2] - centre[2]
            xy[..., 0] = centre[0] + cos * x + sin * z
            depth = centre[2] - sin * x + cos * z
        return xy, depth

    @staticmethod
    def _extent(xy: np.ndarray, valid: np.ndarray) -> float:
        """Largest side of the sequence's 2-D bounding box."""
        if not valid.any():
            return 0.0
        pts = xy[valid]
        return float((pts.max(0) - pts.min(0)).max())

    def _to_pixels(self, xy: np.ndarray, valid: np.ndarray,
                   extent: float) -> np.ndarray:
        if self.normalize == 'none' or not valid.any():
            return xy
        pts = xy[valid]
        centre = (pts.max(0) + pts.min(0)) / 2
        usable = self.size * (1 - 2 * self.margin)
        # A single point (zero extent) is just centred.
        scale = usable / extent if extent > 0 else 1.0
        return (xy - centre) * scale + (self.size - 1) / 2

    def _brightness(self, depth: np.ndarray, valid: np.ndarray,
                    extent: float) -> np.ndarray:
        if self.depth_cue == 0 or not valid.any():
            return np.ones(depth.shape)
        near = depth[valid].min()
        span = max(depth[valid].max() - near, _MIN_DEPTH_RANGE * extent)
        if span <= 0:
            return np.ones(depth.shape)
        far_frac = np.clip((depth - near) / span, 0, 1)
        return 1 - self.depth_cue * far_frac

    def _draw(self, pix: np.ndarray, valid: np.ndarray, depth: np.ndarray,
              bright: np.ndarray) -> np.ndarray:
        """Draw every frame, farther primitives before nearer ones."""
        bones = self._bones
        num_bones = len(bones)
        # Primitives: all bones, then all joints. The stable sort keeps this
        # order for equal depths (always the case for 2-D input), so joints
        # are drawn over their bones.
        prim_joint = np.concatenate([bones[:, 1], np.arange(valid.shape[1])])
        prim_valid = np.concatenate([valid[:, bones].all(-1), valid], 1)
        prim_depth = np.concatenate([depth[:, bones].mean(-1), depth], 1)
        prim_bright = np.concatenate([bright[:, bones].mean(-1), bright], 1)
        order = np.argsort(-prim_depth, axis=1, kind='stable')
        colors = self._joint_colors[prim_joint] * prim_bright[..., None]
        # Missing joints have NaN colours and positions; they are skipped.
        colors = np.round(np.nan_to_num(colors)).astype(int)
        fixed = np.round(np.nan_to_num(pix) * _ONE).astype(int)

        frames = np.empty((len(pix), self.size, self.size, 3), np.uint8)
        frames[:] = self.background
        bone_list = bones.tolist()
        radii = self._joint_radii.tolist()
        for frame, pts, ok, rgb, prims in zip(frames, fixed.tolist(),
                                              prim_valid.tolist(),
                                              colors.tolist(), order.tolist()):
            for k in prims:
                if not ok[k]:
                    continue
                if k < num_bones:
                    i, j = bone_list[k]
                    cv2.line(frame, pts[i], pts[j], rgb[k], self.thickness,
                             self.line_type, _SHIFT)
                else:
                    j = k - num_bones
                    cv2.circle(frame, pts[j], radii[j], rgb[k], -1,
                               self.line_type, _SHIFT)
        return frames
