"""Skeleton datasets over MMAction2's pose pickle, with strict checks.

The pickle is what ``mmaction.datasets.PoseDataset`` reads::

    dict(split=dict(<name>=[<frame_dir>, ...], ...),
         annotations=[dict(frame_dir=<str>, label=<int>,
                           keypoint=<float [M, T, V, C]>,
                           total_frames=<T>, ...), ...])

``M`` persons, ``T`` frames, ``V`` joints, ``C`` coordinates (2 or 3);
missing joints are 0. 2-D keypoints (pixels) come with ``img_shape``
``(h, w)`` and ``keypoint_score`` ``[M, T, V]``.
"""
import numbers
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import mmengine
import numpy as np
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS

from .semi_data_list import semi_data_list
from .splits import stratified_mask
from .video_list import AnnotationError

# How many missing names an error message lists before summarising.
MAX_LISTED = 5


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_annotation(ann_file: str, i: int, anno,
                      num_classes: Optional[int]) -> None:
    """Raise :class:`AnnotationError` naming ``annotations[i]``."""
    if not isinstance(anno, dict) or not isinstance(anno.get('frame_dir'),
                                                    str):
        raise AnnotationError(
            f'{ann_file}: annotations[{i}] needs a str `frame_dir`, got '
            f'{anno.get("frame_dir") if isinstance(anno, dict) else anno!r}')
    where = f'{ann_file}: annotations[{i}] (frame_dir {anno["frame_dir"]!r})'
    for key in ('label', 'keypoint'):
        if key not in anno:
            raise AnnotationError(f'{where} has no `{key}`')
    label = anno['label']
    if not _is_int(label) or label < -1:
        raise AnnotationError(
            f'{where}: label must be an int >= 0 (or -1: unknown), got '
            f'{label!r}')
    if num_classes is not None and label >= num_classes:
        raise AnnotationError(
            f'{where}: label {label} out of range [0, {num_classes}) '
            f'(num_classes={num_classes})')
    kp = anno['keypoint']
    if not isinstance(kp, np.ndarray) or kp.ndim != 4 or 0 in kp.shape:
        raise AnnotationError(
            f'{where}: keypoint must be a non-empty array [M, T, V, C], got '
            f'{getattr(kp, "shape", type(kp).__name__)}')
    if not np.isfinite(kp).all():
        raise AnnotationError(
            f'{where}: keypoint has NaN or infinite values (write missing '
            'joints as 0)')
    total = anno.get('total_frames', kp.shape[1])
    if total != kp.shape[1]:
        raise AnnotationError(
            f'{where}: total_frames={total} but keypoint has '
            f'{kp.shape[1]} frames (shape {kp.shape} = [M, T, V, C])')
    if kp.shape[-1] == 2:
        # The 2-D pipelines normalise by the image size (MMAction2's
        # PreNormalize2D would silently assume 1080 x 1920) and read the
        # score as a channel or heatmap peak.
        missing = [k for k in ('img_shape', 'keypoint_score') if k not in anno]
        if missing:
            raise AnnotationError(
                f'{where}: 2-D keypoints (pixels) need '
                f'{" and ".join(missing)}, as MMAction2\'s 2-D pose pickles '
                'have them (tools/data/skeleton_to_pose.py writes both)')
    score = anno.get('keypoint_score')
    if score is not None and getattr(score, 'shape', None) != kp.shape[:3]:
        raise AnnotationError(
            f'{where}: keypoint_score must have shape {kp.shape[:3]} '
            f'([M, T, V] of keypoint), got {getattr(score, "shape", None)}')


def load_pose_annotations(
        ann_file: str,
        num_classes: Optional[int] = None
) -> Tuple[Dict[str, list], Dict[str, dict]]:
    """Read and check a pose pickle.

    Args:
        ann_file (str): The ``.pkl`` file.
        num_classes (int, optional): If given, labels must lie in
            ``[0, num_classes)``.

    Returns:
        tuple[dict, dict]: The ``split`` dict and the annotations by
        ``frame_dir``.

    Raises:
        FileNotFoundError: If the file does not exist.
        AnnotationError: Naming the file and the annotation (index and
            ``frame_dir``) for a malformed file, a repeated ``frame_dir``, a
            missing label or keypoint, a label out of range, a keypoint
            array that is not ``[M, T, V, C]`` or not finite, a
            ``total_frames`` other than ``T``, or 2-D keypoints without
            ``img_shape`` and ``keypoint_score``.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'pose annotation file not found: {ann_file}')
    data = mmengine.load(ann_file, file_format='pkl')
    if (not isinstance(data, dict) or not isinstance(data.get('split'), dict)
            or not isinstance(data.get('annotations'), list)):
        raise AnnotationError(
            f'{ann_file}: expected a dict with `split` (a dict of named '
            'lists of frame_dir) and `annotations` (a list of dicts), as '
            "mmaction's PoseDataset reads; got "
            f'{sorted(data) if isinstance(data, dict) else type(data)}')
    annos: Dict[str, dict] = {}
    for i, anno in enumerate(data['annotations']):
        _check_annotation(ann_file, i, anno, num_classes)
        name = anno['frame_dir']
        if name in annos:
            raise AnnotationError(
                f'{ann_file}: annotations[{i}] repeats frame_dir {name!r}')
        annos[name] = anno
    return data['split'], annos


def split_infos(ann_file: str,
                splits: Dict[str, list],
                annos: Dict[str, dict],
                name: str,
                require_label: bool = True) -> List[dict]:
    """The annotations of split ``name``, in the split's order.

    Raises:
        AnnotationError: If the split does not exist, is empty, repeats a
            clip or names one that has no annotation, or (with
            ``require_label``) one whose label is -1 (unknown).
    """
    if name not in splits:
        raise AnnotationError(
            f'{ann_file}: no split {name!r}; it has {sorted(splits)}')
    names = list(splits[name])
    if not names:
        raise AnnotationError(f'{ann_file}: split {name!r} is empty')
    missing = [n for n in names if n not in annos]
    if missing:
        listed = ', '.join(repr(n) for n in missing[:MAX_LISTED])
        more = len(missing) - MAX_LISTED
        raise AnnotationError(
            f'{ann_file}: {len(missing)} clips of split {name!r} have no '
            f'annotation: {listed}' + (f' and {more} more' if more > 0 else
                                       ''))
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise AnnotationError(
            f'{ann_file}: split {name!r} lists {dup!r} more than once')
    if require_label:
        unknown = [n for n in names if annos[n]['label'] < 0]
        if unknown:
            raise AnnotationError(
                f'{ann_file}: split {name!r} needs labels, but clip '
                f'{unknown[0]!r} has label -1 ({len(unknown)} such clips)')
    # Copies: the pipeline must not change the loaded annotations.
    return [
        dict(annos[n], total_frames=annos[n]['keypoint'].shape[1])
        for n in names
    ]


def ratio_split(infos: Sequence[dict], label_ratio: float,
                split_seed: int) -> Tuple[List[dict], List[dict]]:
    """Labeled and unlabeled part of a split, per class, by
    :func:`~aplt_mm.datasets.splits.stratified_mask` (the rule of
    ``tools/make_split.py``), each in the split's order."""
    mask = stratified_mask([info['label'] for info in infos], label_ratio,
                           split_seed)
    return ([info for info, m in zip(infos, mask) if m],
            [info for info, m in zip(infos, mask) if not m])


@DATASETS.register_module()
class PoseListDataset(PoseDataset):
    """MMAction2's ``PoseDataset`` with strict checks and label ratios.

    Reads one split of a pose pickle (see the module docstring) and fails
    early, naming the file, split and clip, on a split that is missing or
    empty or names a clip without annotation, a keypoint array that is not
    ``[M, T, V, C]``, or a label outside ``[0, num_classes)``.

    With ``label_ratio``, only the labeled part of the split is kept: the
    clips :class:`SemiPoseDataset` labels with the same ``split``,
    ``label_ratio`` and ``split_seed``.

    Args:
        ann_file (str): The pose pickle.
        pipeline (list): Data transforms.
        split (str, optional): Split name; None reads every annotation.
        num_classes (int, optional): Number of classes; labels are checked
            against it.
        label_ratio (float, optional): Keep this stratified fraction of each
            class (``floor(r * n_c + 0.5)`` clips), in (0, 1).
        split_seed (int): Seed of that draw. Defaults to 0.
        **kwargs: Other arguments of ``PoseDataset`` (``test_mode``...).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 num_classes: Optional[int] = None,
                 label_ratio: Optional[float] = None,
                 split_seed: int = 0,
                 **kwargs) -> None:
        if label_ratio is not None and split is None:
            raise ValueError('label_ratio needs a split to draw from')
        self.label_ratio = label_ratio
        self.split_seed = split_seed
        super().__init__(
            ann_file, pipeline, split=split, num_classes=num_classes,
            **kwargs)

    def _annotations(self) -> Tuple[Dict[str, list], Dict[str, dict]]:
        return load_pose_annotations(self.ann_file, self.num_classes)

    def load_data_list(self) -> List[dict]:
        splits, annos = self._annotations()
        split = self.split
        if split is None:
            split = '<all annotations>'
            splits = {split: list(annos)}
        infos = split_infos(self.ann_file, splits, annos, split)
        if self.label_ratio is not None:
            infos, _ = ratio_split(infos, self.label_ratio, self.split_seed)
        return infos


@DATASETS.register_module()
class SemiPoseDataset(PoseListDataset):
    """Labeled and unlabeled clips of a pose pickle, as one dataset.

    The skeleton counterpart of :class:`SemiVideoDataset`, with the same
    contract: indices ``[0, num_labeled)`` are the labeled clips, then the
    unlabeled ones; each info has ``label`` (-1 for unlabeled clips),
    ``frame_dir`` (the clip's id) and the meta keys ``is_labeled``,
    ``unlabeled_index``, ``true_label`` (monitoring only) and
    ``num_unlabeled`` (see :func:`semi_data_list`).

    The two parts come either from one split and a ratio, or from two named
    splits (give one pair of options, not both):

    - ``split`` + ``label_ratio`` (+ ``split_seed``): every class ``c``
      with ``n_c`` clips in ``split`` gets ``floor(label_ratio * n_c + 0.5)``
      labeled clips drawn with ``split_seed``, the rule of
      ``tools/make_split.py``; the rest are unlabeled. The ratio is then a
      config option (``--cfg-options
      train_dataloader.dataset.label_ratio=0.5``).
    - ``labeled_split`` + ``unlabeled_split``: two disjoint splits of the
      pickle, e.g. a user's own. Clips of the unlabeled split may have
      label -1 (unknown); known labels there are only monitored.

    Args:
        ann_file (str): The pose pickle.
        pipeline (list): Data transforms, usually ending in ``MultiView``.
        split (str, optional): Training split to divide.
        label_ratio (float, optional): Labeled fraction of each class of
            ``split``, in (0, 1).
        split_seed (int): Seed of the division. Defaults to 0.
        labeled_split (str, optional): Split of the labeled clips.
        unlabeled_split (str, optional): Split of the unlabeled clips.
        num_classes (int, optional): Number of classes. Labels are checked
            against it and every class needs a labeled clip.
        **kwargs: Other arguments of ``PoseDataset``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 label_ratio: Optional[float] = None,
                 split_seed: int = 0,
                 labeled_split: Optional[str] = None,
                 unlabeled_split: Optional[str] = None,
                 **kwargs) -> None:
        by_ratio = split is not None or label_ratio is not None
        by_name = labeled_split is not None or unlabeled_split is not None
        if by_ratio == by_name or (by_ratio and None in (
                split, label_ratio)) or (by_name and None in (
                    labeled_split, unlabeled_split)):
            raise ValueError(
                f'{type(self).__name__} takes either split + label_ratio '
                '(+ split_seed) or labeled_split + unlabeled_split; got '
                f'split={split!r}, label_ratio={label_ratio!r}, '
                f'labeled_split={labeled_split!r}, '
                f'unlabeled_split={unlabeled_split!r}')
        self.labeled_split = labeled_split
        self.unlabeled_split = unlabeled_split
        self.num_labeled = 0
        self.num_unlabeled = 0
        # The parent keeps split / label_ratio / split_seed as attributes.
        self._by_ratio = by_ratio
        super().__init__(
            ann_file,
            pipeline,
            split=split,
            label_ratio=label_ratio,
            split_seed=split_seed,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        splits, annos = self._annotations()
        if self._by_ratio:
            labeled, unlabeled = ratio_split(
                split_infos(self.ann_file, splits, annos, self.split),
                self.label_ratio, self.split_seed)
            part = (f'{self.ann_file} split {self.split!r} '
                    f'(label_ratio={self.label_ratio}, '
                    f'split_seed={self.split_seed})')
            names = (f'the labeled part of {part}',
                     f'the unlabeled part of {part}')
        else:
            labeled = split_infos(self.ann_file, splits, annos,
                                  self.labeled_split)
            unlabeled = split_infos(
                self.ann_file,
                splits,
                annos,
                self.unlabeled_split,
                require_label=False)
            names = (f'{self.ann_file} split {self.labeled_split!r}',
                     f'{self.ann_file} split {self.unlabeled_split!r}')
        self.num_labeled, self.num_unlabeled = len(labeled), len(unlabeled)
        return semi_data_list(
            labeled,
            unlabeled,
            key='frame_dir',
            labeled_name=names[0],
            unlabeled_name=names[1],
            num_classes=self.num_classes)
