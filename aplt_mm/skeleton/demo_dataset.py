# Copyright (c) APLT authors. All rights reserved.
"""Write the procedural micro-action demo dataset as mp4 videos + lists."""
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from typing import Dict, Iterator, List, Tuple, Union

import numpy as np

from .demo_actions import DEMO_CLASSES, DemoDifficulty, generate_sequence
from .pose_pickle import write_pose_pickle
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


def _clip_plan(
        per_class: Dict[str, int]) -> Iterator[Tuple[str, int, int, str]]:
    """``(split, index in split, label, file stem)`` of every clip, in
    list order: split by split, class by class."""
    for split in DEMO_SPLITS:
        index = 0
        for label, name in enumerate(DEMO_CLASSES):
            for idx in range(per_class[split]):
                yield split, index, label, f'{class_slug(name)}_{idx:04d}'
                index += 1


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
    lines: Dict[str, List[str]] = {split: [] for split in DEMO_SPLITS}
    for split, index, label, stem in _clip_plan(per_class):
        rel_path = f'videos/{split}/{stem}.mp4'
        tasks.append((out_dir, rel_path, seed, split, index, label, size,
                      fps, difficulty, with_legs))
        lines[split].append(f'{rel_path} {label}\n')
    counts = {split: len(lines[split]) for split in DEMO_SPLITS}
    for split in DEMO_SPLITS:
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(lines[split])
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


def make_demo_pose_pickle(path: Union[str, os.PathLike],
                          seed: int = 0,
                          train_per_class: int = 40,
                          val_per_class: int = 10,
                          test_per_class: int = 20,
                          difficulty: DemoDifficulty = DemoDifficulty(),
                          with_legs: bool = False) -> Dict[str, int]:
    """Write the demo micro-actions' joints as an MMAction2 pose pickle.

    The clips are those :func:`make_demo_dataset` renders with the same
    arguments (each draws from ``(seed, split, index in split)``), so the
    skeleton and the video path can be compared on the same data. The
    pickle holds ``split`` = ``train``, ``val``, ``test`` (lists sorted by
    name, as :func:`~.pose_pickle.skeletons_to_pose` writes them) and one
    annotation per clip: ``frame_dir = '<split>_<class_slug>_<idx>'``,
    ``label``, ``keypoint`` float32 ``[1, T, 20, 3]`` in the
    :data:`KINECT_V1_20` layout (metres, y up, z the distance from the
    camera; the untracked legs 0, MMAction2's "missing") and
    ``total_frames``. ``classes.txt`` is written next to it.

    Args:
        path (str | os.PathLike): The ``.pkl`` file to write.
        seed, train_per_class, val_per_class, test_per_class, difficulty,
        with_legs: As for :func:`make_demo_dataset`.

    Returns:
        dict[str, int]: Number of clips per split.
    """
    per_class = dict(
        train=train_per_class, val=val_per_class, test=test_per_class)
    splits: Dict[str, List[str]] = {split: [] for split in DEMO_SPLITS}
    annotations = []
    for split, index, label, stem in _clip_plan(per_class):
        joints = generate_sequence(label, _clip_rng(seed, split, index),
                                   difficulty, with_legs)
        name = f'{split}_{stem}'
        splits[split].append(name)
        annotations.append(
            dict(
                frame_dir=name,
                label=label,
                keypoint=joints[None].astype(np.float32),
                total_frames=len(joints)))
    splits = {split: sorted(names) for split, names in splits.items()}
    write_pose_pickle(dict(split=splits, annotations=annotations), path)
    with open(osp.join(osp.dirname(osp.abspath(path)), 'classes.txt'),
              'w') as f:
        f.writelines(f'{name}\n' for name in DEMO_CLASSES)
    return {split: len(names) for split, names in splits.items()}
