"""A video-list dataset that fails early and clearly on bad input."""
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS

from .splits import stratified_split
from .video_list import VideoRecord, load_video_list

# How many missing files an error message lists before summarising.
MAX_LISTED_MISSING = 5


class VideoReadError(RuntimeError):
    """A clip could not be decoded or transformed; names the file."""


def check_videos_exist(records: Sequence[VideoRecord], ann_file: str,
                       video_root: str) -> None:
    """Raise ``FileNotFoundError`` listing the first missing videos.

    Checking every path once at start-up costs milliseconds and turns a
    crash hours into training into an error before the first iteration.
    """
    missing = [
        r for r in records
        if not osp.isfile(osp.join(video_root, r.filename))
    ]
    if not missing:
        return
    listed = ', '.join(f'{osp.join(video_root, r.filename)} (line {r.lineno})'
                       for r in missing[:MAX_LISTED_MISSING])
    more = len(missing) - MAX_LISTED_MISSING
    raise FileNotFoundError(
        f'{len(missing)} of {len(records)} videos listed in {ann_file} are '
        f'missing: {listed}' + (f' and {more} more' if more > 0 else ''))


@DATASETS.register_module()
class VideoListDataset(VideoDataset):
    """MMAction2's ``VideoDataset`` with strict annotation checks.

    Same list format and options as ``VideoDataset`` (``<path> <label>`` per
    line, paths relative to ``data_prefix['video']``), plus:

    - a line that does not parse, or a label outside ``[0, num_classes)``,
      raises an error naming the file and line;
    - every listed video must exist; the error lists the first missing ones;
    - a clip that fails to decode raises :class:`VideoReadError` naming the
      file instead of a bare decoder traceback.

    With ``label_ratio``, only the labeled part of the list is kept: the
    clips :class:`SemiVideoDataset` (and ``tools/make_split.py``) label
    with the same ``label_ratio``, ``split_seed`` and ``min_per_class``, in
    the list's order. A labeled-only baseline then trains on the labeled
    part of the semi-supervised runs' split, and the ratio is a config
    option (``--cfg-options train_dataloader.dataset.label_ratio=0.25``).

    Args:
        ann_file (str): Annotation list.
        pipeline (list): Data transforms.
        num_classes (int, optional): Number of classes; labels are checked
            against it when given.
        check_files (bool): Check that all videos exist when the list is
            loaded. Defaults to True.
        label_ratio (float, optional): Keep this stratified fraction of each
            class (``floor(r * n_c + 0.5)`` clips, see
            :func:`~aplt_mm.datasets.splits.stratified_split`), in (0, 1).
            None (default) keeps the whole list.
        split_seed (int): Seed of that draw. Defaults to 0.
        min_per_class (int): Least labeled clips of a class (all of a
            smaller class); ``make_split.py --min-per-class``. Defaults
            to 0.
        **kwargs: Other arguments of ``VideoDataset``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 num_classes: Optional[int] = None,
                 check_files: bool = True,
                 label_ratio: Optional[float] = None,
                 split_seed: int = 0,
                 min_per_class: int = 0,
                 **kwargs) -> None:
        if kwargs.get('multi_class', False):
            raise ValueError(f'{type(self).__name__} supports single-label '
                             'lists only (multi_class=False).')
        self.check_files = check_files
        self.label_ratio = label_ratio
        self.split_seed = split_seed
        self.min_per_class = min_per_class
        super().__init__(
            ann_file, pipeline=pipeline, num_classes=num_classes, **kwargs)

    @property
    def video_root(self) -> str:
        return self.data_prefix.get('video') or ''

    def _load_records(self, ann_file: str,
                      require_label: bool = True) -> List[VideoRecord]:
        records = load_video_list(
            ann_file, num_classes=self.num_classes,
            require_label=require_label)
        if self.check_files:
            check_videos_exist(records, ann_file, self.video_root)
        return records

    def _info(self, record: VideoRecord) -> dict:
        return dict(
            filename=osp.join(self.video_root, record.filename),
            label=record.label)

    def _ratio_split(
        self, records: Sequence[VideoRecord]
    ) -> Tuple[List[VideoRecord], List[VideoRecord]]:
        """The labeled and unlabeled part of ``records`` by
        ``label_ratio`` / ``split_seed`` / ``min_per_class``: the rule and
        the code of ``tools/make_split.py``, so the parts are its
        ``labeled.txt`` and ``unlabeled.txt``."""
        try:
            return stratified_split(records, self.label_ratio,
                                    self.split_seed, self.min_per_class)
        except ValueError as e:
            raise ValueError(
                f'{self.ann_file}: label_ratio={self.label_ratio!r}, '
                f'split_seed={self.split_seed!r}, min_per_class='
                f'{self.min_per_class!r}: {e}') from None

    def load_data_list(self) -> List[dict]:
        records = self._load_records(self.ann_file)
        if self.label_ratio is not None:
            records, _ = self._ratio_split(records)
        return [self._info(r) for r in records]

    def prepare_data(self, idx: int):
        try:
            return super().prepare_data(idx)
        except Exception as err:
            filename = self.get_data_info(idx).get('filename')
            raise VideoReadError(
                f'Failed to load clip {idx} ({filename}): '
                f'{type(err).__name__}: {err}') from err
