"""A video-list dataset that fails early and clearly on bad input."""
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS

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

    Args:
        ann_file (str): Annotation list.
        pipeline (list): Data transforms.
        num_classes (int, optional): Number of classes; labels are checked
            against it when given.
        check_files (bool): Check that all videos exist when the list is
            loaded. Defaults to True.
        **kwargs: Other arguments of ``VideoDataset``.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 num_classes: Optional[int] = None,
                 check_files: bool = True,
                 **kwargs) -> None:
        if kwargs.get('multi_class', False):
            raise ValueError(f'{type(self).__name__} supports single-label '
                             'lists only (multi_class=False).')
        self.check_files = check_files
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

    def load_data_list(self) -> List[dict]:
        return [self._info(r) for r in self._load_records(self.ann_file)]

    def prepare_data(self, idx: int):
        try:
            return super().prepare_data(idx)
        except Exception as err:
            filename = self.get_data_info(idx).get('filename')
            raise VideoReadError(
                f'Failed to load clip {idx} ({filename}): '
                f'{type(err).__name__}: {err}') from err
