from .hooks import APLTOfflineHook, WeightsOnlyCheckpointHook
from .runtime import import_custom_modules, setup_launcher

__all__ = [
    'APLTOfflineHook', 'WeightsOnlyCheckpointHook', 'import_custom_modules',
    'setup_launcher'
]
