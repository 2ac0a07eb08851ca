from .hooks import APLTOfflineHook, WeightsOnlyCheckpointHook
from .launcher import setup_launcher

__all__ = ['APLTOfflineHook', 'WeightsOnlyCheckpointHook', 'setup_launcher']
