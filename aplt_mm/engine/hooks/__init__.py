from .aplt_offline_hook import APLTOfflineHook
from .mean_teacher_hook import MeanTeacherHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = ['APLTOfflineHook', 'MeanTeacherHook', 'WeightsOnlyCheckpointHook']
