from .pose_dataset import (PoseListDataset, SemiPoseDataset,
                           load_pose_annotations)
from .samplers import SemiSupervisedSampler
from .semi_video_dataset import SemiVideoDataset
from .transforms import MultiView
from .video_dataset import VideoListDataset, VideoReadError
from .video_list import AnnotationError, VideoRecord, load_video_list

__all__ = [
    'AnnotationError', 'MultiView', 'PoseListDataset', 'SemiPoseDataset',
    'SemiSupervisedSampler', 'SemiVideoDataset', 'VideoListDataset',
    'VideoReadError', 'VideoRecord', 'load_pose_annotations',
    'load_video_list'
]
