"""Labeled and unlabeled clips of a semi-supervised split in one dataset."""
import os.path as osp
from typing import Callable, Dict, List, Optional, Union

from mmaction.registry import DATASETS

from .semi_data_list import semi_data_list
from .video_dataset import VideoListDataset


@DATASETS.register_module()
class SemiVideoDataset(VideoListDataset):
    """The labeled and the unlabeled part of a split, as one dataset.

    Indices ``[0, num_labeled)`` are the labeled clips, followed by the
    unlabeled ones, so a sampler (:class:`SemiSupervisedSampler`) can draw
    from both parts and a hook can address an unlabeled clip by
    ``sample_idx - num_labeled``.

    The two parts come from one of two sources (give one, not both):

    - ``ann_file`` = the full labeled training list + ``label_ratio`` (+
      ``split_seed``, ``min_per_class``): every class ``c`` with ``n_c``
      clips gets ``floor(label_ratio * n_c + 0.5)`` labeled clips drawn
      with ``split_seed``, by the code of ``tools/make_split.py``, so the
      parts are, clip for clip and in order, the ``labeled.txt`` and
      ``unlabeled.txt`` it writes with ``--ratio label_ratio --seed
      split_seed``. The ratio is then one config option
      (``--cfg-options train_dataloader.dataset.label_ratio=0.25``).
    - ``ann_file`` = the labeled list + ``unlabeled_ann_file``: two lists,
      e.g. an official split or a user's own (set ``label_ratio=None`` when
      the config gives a ratio).

    Every clip carries four meta keys, packed into its data sample by
    ``PackActionInputs(meta_keys=('is_labeled', 'unlabeled_index',
    'true_label', 'num_unlabeled'))``:

    - ``is_labeled``: whether the clip is in the labeled part;
    - ``unlabeled_index``: its position in the unlabeled part (-1 for
      labeled clips), the key of the offline pseudo-label table;
    - ``true_label``: for unlabeled clips, the label the list gives (-1 if
      it has none). It is kept only to monitor pseudo-label accuracy; the
      clip's ``gt_labels`` is -1, so no loss can read it by accident;
    - ``num_unlabeled``: the size of the unlabeled part (no longer read:
      per-clip tables are sized from the dataset when training starts,
      see :mod:`aplt_mm.datasets.unlabeled_list`).

    Args:
        ann_file (str): The labeled list (``<path> <label>``), or with
            ``label_ratio`` the full training list to divide.
        unlabeled_ann_file (str, optional): List of unlabeled clips; a label
            column is optional.
        pipeline (list): Data transforms, usually ending in ``MultiView``.
        label_ratio (float, optional): Labeled fraction of each class of
            ``ann_file``, in (0, 1).
        split_seed (int): Seed of the division. Defaults to 0.
        min_per_class (int): Least labeled clips of a class (all of a
            smaller class), as ``make_split.py --min-per-class``.
            Defaults to 0.
        **kwargs: Other arguments of :class:`VideoListDataset`
            (``data_prefix``, ``num_classes``, ``check_files``...). With
            ``num_classes``, every class needs a labeled clip.

    Attributes:
        unlabeled_ann_file (str | None): The unlabeled list, None when the
            parts are drawn by ``label_ratio``.
        labeled_source (str): Where the labeled clips come from, as error
            messages name it: the list, or ``the labeled part of <list>
            (label_ratio=..., split_seed=...)``.
        unlabeled_source (str): The same for the unlabeled clips.
        num_labeled (int): Clips of the labeled part.
        num_unlabeled (int): Clips of the unlabeled part.
    """

    def __init__(self,
                 ann_file: str,
                 unlabeled_ann_file: Optional[str] = None,
                 pipeline: List[Union[Dict, Callable]] = (),
                 label_ratio: Optional[float] = None,
                 split_seed: int = 0,
                 min_per_class: int = 0,
                 **kwargs) -> None:
        if (unlabeled_ann_file is None) == (label_ratio is None):
            raise ValueError(
                f'{type(self).__name__} takes either label_ratio (+ '
                'split_seed, min_per_class: ann_file is the full training '
                'list, divided at load time) or unlabeled_ann_file (ann_file '
                'is the labeled list), not both and not neither; got '
                f'label_ratio={label_ratio!r}, unlabeled_ann_file='
                f'{unlabeled_ann_file!r}. To train on two lists with a '
                'config that sets a ratio, add --cfg-options '
                'train_dataloader.dataset.label_ratio=None')
        self.unlabeled_ann_file = unlabeled_ann_file
        if label_ratio is None:
            self.labeled_source = ann_file
            self.unlabeled_source = unlabeled_ann_file
        else:
            part = (f'{ann_file} (label_ratio={label_ratio}, split_seed='
                    f'{split_seed}' + (f', min_per_class={min_per_class}'
                                       if min_per_class else '') + ')')
            self.labeled_source = f'the labeled part of {part}'
            self.unlabeled_source = f'the unlabeled part of {part}'
        self.num_labeled = 0
        self.num_unlabeled = 0
        super().__init__(
            ann_file,
            pipeline=list(pipeline),
            label_ratio=label_ratio,
            split_seed=split_seed,
            min_per_class=min_per_class,
            **kwargs)

    def _file(self, record) -> str:
        return osp.normpath(osp.join(self.video_root, record.filename))

    def load_data_list(self) -> List[dict]:
        if self.label_ratio is None:
            labeled = self._load_records(self.ann_file)
            unlabeled = self._load_records(
                self.unlabeled_ann_file, require_label=False)
        else:
            labeled, unlabeled = self._ratio_split(
                self._load_records(self.ann_file))
        # Compare the files, not the strings: './a.mp4' is 'a.mp4'; the
        # message names both lines (semi_data_list checks again by info).
        # (One list is divided into disjoint parts: load_video_list refuses
        # a clip listed twice.)
        labeled_files = {self._file(r): r for r in labeled}
        overlap = [(labeled_files[self._file(r)], r) for r in unlabeled
                   if self._file(r) in labeled_files]
        if overlap:
            lab, unl = overlap[0]
            raise ValueError(
                f'{len(overlap)} clips are both in {self.labeled_source} '
                f'and {self.unlabeled_source}, e.g. {lab.filename} (line '
                f'{lab.lineno}) and {unl.filename} (line {unl.lineno})')
        self.num_labeled, self.num_unlabeled = len(labeled), len(unlabeled)
        return semi_data_list(
            [self._info(r) for r in labeled],
            [self._info(r) for r in unlabeled],
            key='filename',
            labeled_name=self.labeled_source,
            unlabeled_name=self.unlabeled_source,
            num_classes=self.num_classes)


def is_semi_video_dataset(dataset_cfg: dict) -> bool:
    """Whether a dataset config builds a :class:`SemiVideoDataset` (or a
    subclass): a training set with an unlabeled part, given as a list or
    drawn by ``label_ratio``.

    Tools that read configs (the benchmark planner, the log analysis) use
    it to tell a semi-supervised training set from a labeled-only one,
    which may also carry ``label_ratio`` (:class:`VideoListDataset` keeps
    the labeled part).
    """
    cls = dataset_cfg.get('type')
    if isinstance(cls, str):
        cls = DATASETS.get(cls)
    return isinstance(cls, type) and issubclass(cls, SemiVideoDataset)
