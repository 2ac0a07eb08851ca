"""Labeled and unlabeled clips of a semi-supervised split in one dataset."""
import os.path as osp
from typing import Callable, Dict, List, Union

from mmaction.registry import DATASETS

from .semi_data_list import semi_data_list
from .video_dataset import VideoListDataset


@DATASETS.register_module()
class SemiVideoDataset(VideoListDataset):
    """The labeled and the unlabeled list of a split, as one dataset.

    Indices ``[0, num_labeled)`` are the labeled clips, followed by the
    unlabeled ones, so a sampler (:class:`SemiSupervisedSampler`) can draw
    from both parts and a hook can address an unlabeled clip by
    ``sample_idx - num_labeled``.

    Every clip carries four meta keys, packed into its data sample by
    ``PackActionInputs(meta_keys=('is_labeled', 'unlabeled_index',
    'true_label', 'num_unlabeled'))``:

    - ``is_labeled``: whether the clip comes from the labeled list;
    - ``unlabeled_index``: its line in the unlabeled list (-1 for labeled
      clips), the key of the offline pseudo-label table;
    - ``true_label``: for unlabeled clips, the label written in the
      unlabeled list (-1 if it has none). It is kept only to monitor
      pseudo-label accuracy; the clip's ``gt_labels`` is -1, so no loss can
      read it by accident;
    - ``num_unlabeled``: the size of the unlabeled list (no longer read:
      per-clip tables are sized from the dataset when training starts,
      see :mod:`aplt_mm.datasets.unlabeled_list`).

    Args:
        ann_file (str): List of labeled clips (``<path> <label>``).
        unlabeled_ann_file (str): List of unlabeled clips; a label column is
            optional.
        pipeline (list): Data transforms, usually ending in ``MultiView``.
        **kwargs: Other arguments of :class:`VideoListDataset`
            (``data_prefix``, ``num_classes``, ``check_files``...). With
            ``num_classes``, every class needs a labeled clip.
    """

    def __init__(self, ann_file: str, unlabeled_ann_file: str,
                 pipeline: List[Union[Dict, Callable]], **kwargs) -> None:
        self.unlabeled_ann_file = unlabeled_ann_file
        self.num_labeled = 0
        self.num_unlabeled = 0
        super().__init__(ann_file, pipeline=pipeline, **kwargs)

    def _file(self, record) -> str:
        return osp.normpath(osp.join(self.video_root, record.filename))

    def load_data_list(self) -> List[dict]:
        labeled = self._load_records(self.ann_file)
        unlabeled = self._load_records(
            self.unlabeled_ann_file, require_label=False)
        # Compare the files, not the strings: './a.mp4' is 'a.mp4'; the
        # message names both lines (semi_data_list checks again by info).
        labeled_files = {self._file(r): r for r in labeled}
        overlap = [(labeled_files[self._file(r)], r) for r in unlabeled
                   if self._file(r) in labeled_files]
        if overlap:
            lab, unl = overlap[0]
            raise ValueError(
                f'{len(overlap)} clips are both in {self.ann_file} and '
                f'{self.unlabeled_ann_file}, e.g. {lab.filename} (line '
                f'{lab.lineno}) and {unl.filename} (line {unl.lineno})')
        self.num_labeled, self.num_unlabeled = len(labeled), len(unlabeled)
        return semi_data_list(
            [self._info(r) for r in labeled],
            [self._info(r) for r in unlabeled],
            key='filename',
            labeled_name=self.ann_file,
            unlabeled_name=self.unlabeled_ann_file,
            num_classes=self.num_classes)
