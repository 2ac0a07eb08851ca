from .pose_dataset import (PoseListDataset, SemiPoseDataset,
                           load_pose_annotations)
from .samplers import (LabeledPartSampler, SemiSupervisedBatchSampler,
                       SemiSupervisedSampler)
from .semi_video_dataset import SemiVideoDataset, is_semi_video_dataset
from .transforms import MultiView
from .video_dataset import VideoListDataset, VideoReadError
from .video_list import AnnotationError, VideoRecord, load_video_list

__all__ = [
    'AnnotationError', 'LabeledPartSampler', 'MultiView', 'PoseListDataset',
    'SemiPoseDataset', 'SemiSupervisedBatchSampler', 'SemiSupervisedSampler',
    'SemiVideoDataset', 'VideoListDataset', 'VideoReadError', 'VideoRecord',
    'is_semi_video_dataset', 'load_pose_annotations', 'load_video_list'
]
