from .samplers import SemiSupervisedBatchSampler, SemiSupervisedSampler
from .semi_video_dataset import SemiVideoDataset
from .transforms import MultiView
from .video_dataset import VideoListDataset, VideoReadError
from .video_list import AnnotationError, VideoRecord, load_video_list

__all__ = [
    'AnnotationError', 'MultiView', 'SemiSupervisedBatchSampler',
    'SemiSupervisedSampler', 'SemiVideoDataset', 'VideoListDataset',
    'VideoReadError', 'VideoRecord', 'load_video_list'
]
