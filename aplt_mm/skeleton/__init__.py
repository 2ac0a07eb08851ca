# Copyright (c) APLT authors. All rights reserved.
"""Skeleton layouts, a skeleton-to-video renderer and the procedural
micro-action demo dataset (numpy + OpenCV only, no torch)."""
from .demo_actions import DEMO_CLASSES, DemoDifficulty, generate_sequence
from .demo_dataset import (DEMO_SPLITS, class_slug, make_demo_dataset,
                           make_demo_pose_pickle)
from .layouts import KINECT_V1_20, SkeletonLayout
from .renderer import DEFAULT_PART_COLORS, SkeletonRenderer, write_video

__all__ = [
    'SkeletonLayout', 'KINECT_V1_20', 'SkeletonRenderer', 'write_video',
    'DEFAULT_PART_COLORS', 'DEMO_CLASSES', 'DemoDifficulty',
    'generate_sequence', 'DEMO_SPLITS', 'class_slug', 'make_demo_dataset',
    'make_demo_pose_pickle'
]
