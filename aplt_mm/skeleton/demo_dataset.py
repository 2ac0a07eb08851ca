# Copyright (c) APLT authors. All rights reserved.
"""Write the procedural micro-action demo dataset as mp4 videos + lists."""
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from typing import Dict, List, Tuple, Union

import numpy as np

from .demo_actions import DEMO_CLASSES, DemoDifficulty, generate_sequence
from .renderer import SkeletonRenderer

#: Splits written by :func:`make_demo_dataset`, in order. The index of a
#: split is part of each clip's random seed.
DEMO_SPLITS: Tuple[str, ...] = ('train', 'val', 'test')


def class_slug(name: str) -> str:
    """File-name form of a class name: ``'touch chin'`` -> ``'touch_chin'``."""
    return name.lower().replace(' ', '_')


def _clip_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """Random generator of one clip, independent of all other clips."""
    return np.random.default_rng([seed, DEMO_SPLITS.index(split), index])


def _write_clip(task: Tuple) -> None:
    """Generate, render and write one clip (runs in worker processes)."""
    (out_dir, rel_path, seed, split, index, label, size, fps, difficulty,
     with_legs) = task
    joints = generate_sequence(label, _clip_rng(seed, split, index),
                               difficulty, with_legs)
    SkeletonRenderer(size=size).write(joints, osp.join(out_dir, rel_path), fps)


def make_demo_dataset(out_dir: Union[str, os.PathLike],
                      seed: int = 0,
                      size: int = 64,
                      train_per_class: int = 40,
                      val_per_class: int = 10,
                      test_per_class: int = 20,
                      fps: float = 15,
                      workers: int = 1,
                      difficulty: DemoDifficulty = DemoDifficulty(),
                      with_legs: bool = False) -> Dict[str, int]:
    """Write the demo micro-action dataset.

    Layout of ``out_dir``::

        classes.txt                 # line i: name of label i
        train.txt, val.txt, test.txt  # "videos/<split>/<file>.mp4 <label>"
        videos/<split>/<class_slug>_<idx>.mp4

    ``<idx>`` counts the clips of a class within a split. Every clip draws
    its randomness from ``(seed, split, index in split)`` only, so the output
    does not depend on ``workers``. Existing files are overwritten; other
    files in ``out_dir`` are left alone.

    Args:
        out_dir (str | os.PathLike): Output directory (created if needed).
        seed (int): Dataset seed. Defaults to 0.
        size (int): Side of the square frames in pixels. Defaults to 64.
        train_per_class (int): Training clips per class. Defaults to 40.
        val_per_class (int): Validation clips per class. Defaults to 10.
        test_per_class (int): Test clips per class. Defaults to 20.
        fps (float): Frame rate stored in the videos. Defaults to 15.
        workers (int): Number of processes; 1 writes in this process.
            Defaults to 1.
        difficulty (DemoDifficulty): Per-clip variation, see
            :class:`DemoDifficulty`. Defaults to ``DemoDifficulty()``.
        with_legs (bool): Pose and draw the legs too, see
            :func:`generate_sequence`. Defaults to False.

    Returns:
        dict[str, int]: Number of clips written per split.
    """
    out_dir = os.fspath(out_dir)
    per_class = dict(
        train=train_per_class, val=val_per_class, test=test_per_class)
    tasks: List[Tuple] = []
    counts = {}
    for split in DEMO_SPLITS:
        lines = []
        for label, name in enumerate(DEMO_CLASSES):
            for idx in range(per_class[split]):
                rel_path = (f'videos/{split}/{class_slug(name)}_'
                            f'{idx:04d}.mp4')
                tasks.append((out_dir, rel_path, seed, split, len(lines),
                              label, size, fps, difficulty, with_legs))
                lines.append(f'{rel_path} {label}\n')
        counts[split] = len(lines)
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(lines)
    with open(osp.join(out_dir, 'classes.txt'), 'w') as f:
        f.writelines(f'{name}\n' for name in DEMO_CLASSES)

    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            # list() re-raises the first error of any worker.
            list(pool.map(_write_clip, tasks, chunksize=16))
    else:
        for task in tasks:
            _write_clip(task)
    return counts
