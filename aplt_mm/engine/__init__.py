from .hooks import WeightsOnlyCheckpointHook
from .launcher import setup_launcher

__all__ = ['WeightsOnlyCheckpointHook', 'setup_launcher']
