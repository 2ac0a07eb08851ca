# Copyright (c) APLT authors. All rights reserved.
"""Convert a skeleton dataset into MMAction2's pose pickle."""
import os
import pickle
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from .convert import MSR_TRAIN_SUBJECTS
from .readers import SkeletonReader, build_reader

PathLike = Union[str, os.PathLike]

#: Subject held out of MSR Action3D's training subjects for validation.
MSR_VAL_SUBJECTS = (9, )


@dataclass(frozen=True)
class PoseConversionResult:
    """What :func:`skeletons_to_pose` produced.

    Args:
        data (dict): The pickle's content (``split``, ``annotations``).
        classes (list[str]): Class names, line i = label i.
        dropped (list[str]): Sequences without any valid joint, in no
            split.
        empty_frames (int): Frames without any valid joint, left out.
    """

    data: dict
    classes: List[str]
    dropped: List[str]
    empty_frames: int


def skeletons_to_pose(reader: Union[str, SkeletonReader],
                      src: PathLike,
                      train_subjects: Sequence[int] = MSR_TRAIN_SUBJECTS,
                      val_subjects: Sequence[int] = MSR_VAL_SUBJECTS,
                      prefix: str = 'xsub',
                      image_shape: Optional[Tuple[int, int]] = None
                      ) -> PoseConversionResult:
    """Read every sequence of a dataset into a pose pickle's content.

    Each sequence becomes ``dict(frame_dir=<name>, label, subject,
    keypoint=float32 [1, T, V, C], total_frames=T)``, its missing joints
    0 (MMAction2's convention) and its frames without any valid joint left
    out; a sequence without any valid joint is dropped. 2-D sequences
    (pixels) also get what MMAction2's 2-D pipelines read: ``img_shape``
    and ``keypoint_score`` (1 for a present joint, 0 for a missing one).

    Splits (cross-subject protocol; lists sorted by name):

    - ``<prefix>_train``: ``train_subjects`` except ``val_subjects``;
    - ``<prefix>_val``: ``val_subjects``, for model selection, so that no
      benchmark validates on its test subjects;
    - ``<prefix>_trainval``: both;
    - ``<prefix>_test``: every other subject.

    Args:
        reader (str | SkeletonReader): A reader or a registered format name.
        src (str | os.PathLike): Dataset root, as the reader expects it.
        train_subjects (Sequence[int]): Training subjects.
        val_subjects (Sequence[int]): Training subjects held out for
            validation; may be empty (then ``<prefix>_val`` is empty and
            not written).
        prefix (str): Prefix of the split names. Defaults to ``'xsub'``.
        image_shape (tuple[int, int], optional): ``(h, w)`` of the images
            of 2-D joints; default the reader's ``image_shape``.

    Returns:
        PoseConversionResult: The content and a summary.

    Raises:
        ValueError: If a sequence has no subject id or a label outside the
            class list, a validation subject is not a training subject, or
            2-D joints come without an image size.
    """
    if isinstance(reader, str):
        reader = build_reader(reader)
    train_subjects, val_subjects = set(train_subjects), set(val_subjects)
    if not val_subjects <= train_subjects:
        raise ValueError(
            f'validation subjects {sorted(val_subjects - train_subjects)} '
            f'are not training subjects {sorted(train_subjects)}')
    classes = reader.class_names(src)
    splits: Dict[str, List[str]] = {
        f'{prefix}_{s}': []
        for s in ('train', 'val', 'trainval', 'test')
    }
    annotations, dropped, empty_frames = [], [], 0
    for entry in reader.list_sequences(src):
        if entry.subject is None:
            raise ValueError(f'{entry.path}: no subject id, which the '
                             'cross-subject split needs')
        if not 0 <= entry.label < len(classes):
            raise ValueError(f'{entry.path}: label {entry.label} is outside '
                             f'the {len(classes)} classes')
        seq = reader.read(entry)
        valid = seq.valid_frames
        if not valid.any():
            dropped.append(entry.name)
            continue
        empty_frames += int((~valid).sum())
        keypoint = np.nan_to_num(seq.joints[valid], nan=0.0)[None]
        anno = dict(
            frame_dir=entry.name,
            label=entry.label,
            subject=entry.subject,
            keypoint=keypoint.astype(np.float32),
            total_frames=keypoint.shape[1])
        if keypoint.shape[-1] == 2:
            shape = image_shape or reader.image_shape
            if shape is None:
                raise ValueError(
                    f'{entry.path}: 2-D joints (pixels) need the size of '
                    'their images (--img-shape H W): the 2-D pipelines '
                    'normalise by it')
            anno['img_shape'] = tuple(int(x) for x in shape)
            anno['keypoint_score'] = seq.present_joints[valid][None].astype(
                np.float32)
        annotations.append(anno)
        if entry.subject in train_subjects:
            part = 'val' if entry.subject in val_subjects else 'train'
            splits[f'{prefix}_{part}'].append(entry.name)
            splits[f'{prefix}_trainval'].append(entry.name)
        else:
            splits[f'{prefix}_test'].append(entry.name)
    splits = {name: sorted(v) for name, v in splits.items() if v}
    return PoseConversionResult(
        dict(split=splits, annotations=annotations), classes, dropped,
        empty_frames)


def write_pose_pickle(data: dict, path: PathLike) -> None:
    """Write a pose pickle (parent directories are created)."""
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'wb') as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
