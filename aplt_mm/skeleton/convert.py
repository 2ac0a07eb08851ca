# Copyright (c) APLT authors. All rights reserved.
"""Convert a skeleton dataset into an mmaction video benchmark."""
import logging
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

from .readers import SequenceEntry, SkeletonReader, build_reader
from .renderer import SkeletonRenderer

logger = logging.getLogger(__name__)

#: Training subjects of the standard MSR Action3D cross-subject protocol
#: (the even subjects are tested).
MSR_TRAIN_SUBJECTS: Tuple[int, ...] = (1, 3, 5, 7, 9)

#: Splits written by :func:`convert_dataset`, in order.
SPLITS: Tuple[str, ...] = ('train', 'test')

PathLike = Union[str, os.PathLike]


@dataclass(frozen=True)
class ConversionResult:
    """What :func:`convert_dataset` wrote.

    Args:
        counts (dict[str, int]): Clips written per split, in
            :data:`SPLITS` order.
        dropped (list[str]): Names of sequences without any valid joint,
            which have no video and are in no list.
        empty_frames (int): Frames without any valid joint that were left
            out of the written videos.
    """

    counts: Dict[str, int]
    dropped: List[str]
    empty_frames: int


def _convert_one(
        task: Tuple[SkeletonReader, SequenceEntry, str, SkeletonRenderer,
                    float, bool]) -> Tuple[int, int]:
    """Read, render and write one sequence (runs in worker processes).

    Returns:
        tuple[int, int]: Frames written (0 if the sequence has no valid
        joint and nothing was written) and empty frames left out.
    """
    reader, entry, path, renderer, fps, keep_empty_frames = task
    seq = reader.read(entry)
    valid = seq.valid_frames
    if not valid.any():
        return 0, 0
    joints = seq.joints if keep_empty_frames else seq.joints[valid]
    renderer.write(joints, path, fps)
    return len(joints), len(seq.joints) - len(joints)


def convert_dataset(reader: Union[str, SkeletonReader],
                    src: PathLike,
                    out_dir: PathLike,
                    size: int = 64,
                    fps: float = 15,
                    workers: int = 1,
                    train_subjects: Sequence[int] = MSR_TRAIN_SUBJECTS,
                    yaw: float = 0.0,
                    keep_empty_frames: bool = False) -> ConversionResult:
    """Render every sequence of a skeleton dataset to an mp4 video.

    Layout of ``out_dir``::

        classes.txt               # copied from the dataset, line i = label i
        train.txt, test.txt       # "videos/<split>/<name>.mp4 <label>"
        videos/<split>/<name>.mp4

    Sequences of ``train_subjects`` go to ``train``, all others to
    ``test`` (cross-subject protocol). Lists are sorted by name. Each video
    is drawn by :class:`SkeletonRenderer` (whole body, fitted into the frame
    per sequence, depth-cued) at the recording's time steps; frames without
    any valid joint (tracking lost) are left out unless
    ``keep_empty_frames``, and a sequence without any valid joint is
    dropped with a warning. The output does not depend on ``workers``.
    Existing files are overwritten; other files in ``out_dir`` are left
    alone.

    Args:
        reader (str | SkeletonReader): A reader, or the format name of a
            registered one, see
            :data:`~aplt_mm.skeleton.readers.SKELETON_READERS`.
        src (str | os.PathLike): Dataset root, as the reader expects it.
        out_dir (str | os.PathLike): Output directory (created if needed).
        size (int): Side of the square frames in pixels. Defaults to 64.
        fps (float): Frame rate stored in the videos. Defaults to 15 (that
            of Kinect-v1 recordings such as MSR Action3D).
        workers (int): Number of processes; 1 converts in this process.
            Defaults to 1.
        train_subjects (Sequence[int]): Subject ids of the training split.
            Defaults to :data:`MSR_TRAIN_SUBJECTS`.
        yaw (float): View angle in degrees, see :class:`SkeletonRenderer`.
            Defaults to 0 (the camera's view).
        keep_empty_frames (bool): Keep frames without valid joints as
            blank frames instead of leaving them out. Defaults to False.

    Returns:
        ConversionResult: Clips per split, dropped sequences and the number
        of empty frames left out.

    Raises:
        ValueError: If a sequence has no subject id or a label outside the
            class list.
    """
    if isinstance(reader, str):
        reader = build_reader(reader)
    out_dir = os.fspath(out_dir)
    classes = reader.class_names(src)
    entries = reader.list_sequences(src)
    train_subjects = set(train_subjects)
    renderer = SkeletonRenderer(reader.layout, size=size, yaw=yaw)

    tasks = []
    splits = []
    for entry in entries:
        if entry.subject is None:
            raise ValueError(f'{entry.path}: no subject id, which the '
                             'cross-subject split needs')
        if not 0 <= entry.label < len(classes):
            raise ValueError(f'{entry.path}: label {entry.label} is outside '
                             f'the {len(classes)} classes')
        split = 'train' if entry.subject in train_subjects else 'test'
        path = osp.join(out_dir, 'videos', split, f'{entry.name}.mp4')
        tasks.append((reader, entry, path, renderer, fps, keep_empty_frames))
        splits.append(split)

    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            # map() keeps the task order and re-raises any worker's error.
            results = list(pool.map(_convert_one, tasks, chunksize=8))
    else:
        results = [_convert_one(task) for task in tasks]

    lines: Dict[str, List[str]] = {split: [] for split in SPLITS}
    dropped = []
    for entry, split, (num_frames, _) in zip(entries, splits, results):
        if num_frames == 0:
            logger.warning('Dropped %s (%s): no valid joint in any frame',
                           entry.name, entry.path)
            dropped.append(entry.name)
        else:
            lines[split].append(
                f'videos/{split}/{entry.name}.mp4 {entry.label}\n')
    os.makedirs(out_dir, exist_ok=True)
    for split in SPLITS:
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(lines[split])
    with open(osp.join(out_dir, 'classes.txt'), 'w') as f:
        f.writelines(f'{name}\n' for name in classes)
    return ConversionResult(
        counts={split: len(lines[split])
                for split in SPLITS},
        dropped=dropped,
        empty_frames=sum(empty for _, empty in results))
