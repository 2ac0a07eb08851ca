# Copyright (c) APLT authors. All rights reserved.
"""Skeleton joint layouts: joint names, bones and body parts."""
from dataclasses import dataclass
from typing import Tuple


@dataclass(frozen=True)
class SkeletonLayout:
    """Topology of a skeleton, independent of any coordinates.

    Args:
        name (str): Short identifier of the layout.
        joint_names (tuple[str]): Name of every joint, in the order joints are
            stored along the ``J`` axis of a ``T x J x C`` array.
        bones (tuple[tuple[int, int]]): Bones as ``(i, j)`` pairs of 0-based
            joint indices, written from the joint nearer the body centre
            (``i``) to the outer joint (``j``). A bone is coloured like its
            outer joint ``j``.
        joint_parts (tuple[int]): Body-part index of every joint, indexing
            ``part_names``. Renderers colour each part differently.
        part_names (tuple[str]): Names of the body parts. A part called
            ``'head'`` is drawn with a larger joint by
            :class:`~aplt_mm.skeleton.SkeletonRenderer`.
    """

    name: str
    joint_names: Tuple[str, ...]
    bones: Tuple[Tuple[int, int], ...]
    joint_parts: Tuple[int, ...]
    part_names: Tuple[str, ...]

    def __post_init__(self) -> None:
        num_joints = len(self.joint_names)
        if len(set(self.joint_names)) != num_joints:
            raise ValueError(f'{self.name}: joint names must be unique')
        if len(self.joint_parts) != num_joints:
            raise ValueError(
                f'{self.name}: {len(self.joint_parts)} part indices for '
                f'{num_joints} joints')
        if any(not 0 <= p < len(self.part_names) for p in self.joint_parts):
            raise ValueError(f'{self.name}: part index out of range')
        for i, j in self.bones:
            if not (0 <= i < num_joints and 0 <= j < num_joints) or i == j:
                raise ValueError(f'{self.name}: invalid bone ({i}, {j})')

    @property
    def num_joints(self) -> int:
        """int: Number of joints ``J``."""
        return len(self.joint_names)

    def index(self, joint_name: str) -> int:
        """Return the 0-based index of the joint called ``joint_name``."""
        return self.joint_names.index(joint_name)


# Joint order of the MSR Action3D skeleton files (Kinect v1, 20 joints),
# 0-based. Which of each pair is the subject's left or right is not verified,
# so the two body sides are called "a" and "b" instead of left / right.
KINECT_V1_20 = SkeletonLayout(
    name='kinect_v1_20',
    joint_names=('shoulder_a', 'shoulder_b', 'neck', 'spine', 'hip_a', 'hip_b',
                 'hip_centre', 'elbow_a', 'elbow_b', 'wrist_a', 'wrist_b',
                 'hand_a', 'hand_b', 'knee_a', 'knee_b', 'ankle_a', 'ankle_b',
                 'foot_a', 'foot_b', 'head'),
    bones=(
        # trunk and head
        (6, 3),
        (3, 2),
        (2, 19),
        (2, 0),
        (2, 1),
        (6, 4),
        (6, 5),
        # arm a, arm b
        (0, 7),
        (7, 9),
        (9, 11),
        (1, 8),
        (8, 10),
        (10, 12),
        # leg a, leg b
        (4, 13),
        (13, 15),
        (15, 17),
        (5, 14),
        (14, 16),
        (16, 18)),
    # Shoulders and hips belong to the torso so that the neck-shoulder and
    # hip-centre-hip bones get the torso colour.
    joint_parts=(1, 1, 1, 1, 1, 1, 1, 2, 3, 2, 3, 2, 3, 4, 5, 4, 5, 4, 5, 0),
    part_names=('head', 'torso', 'arm_a', 'arm_b', 'leg_a', 'leg_b'),
)


def graph_layout(layout: SkeletonLayout, center: str) -> dict:
    """The layout as an MMAction2 custom graph (``graph_cfg.layout``).

    MMAction2's ``Graph`` takes ``num_node``, ``center`` (the joint that
    spatial partitions measure distances from) and ``inward`` edges, each
    ``(outer, inner)`` joint: the bones reversed.

    Args:
        layout (SkeletonLayout): The skeleton.
        center (str): Name of the centre joint.

    Returns:
        dict: ``dict(num_node=V, inward=[(j, i), ...], center=c)``.
    """
    return dict(
        num_node=layout.num_joints,
        inward=[(j, i) for i, j in layout.bones],
        center=layout.index(center))


def mirror_pairs(layout: SkeletonLayout) -> Tuple[Tuple[int, int], ...]:
    """Joint pairs a mirror image swaps: ``<name>_a`` with ``<name>_b``.

    Which side is the subject's left does not matter: a mirror swaps the
    two sides either way.
    """
    names = layout.joint_names
    return tuple((i, names.index(n[:-2] + '_b')) for i, n in enumerate(names)
                 if n.endswith('_a') and n[:-2] + '_b' in names)
