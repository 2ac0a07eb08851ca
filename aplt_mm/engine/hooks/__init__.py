from .aplt_offline_hook import APLTOfflineHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = ['APLTOfflineHook', 'WeightsOnlyCheckpointHook']
