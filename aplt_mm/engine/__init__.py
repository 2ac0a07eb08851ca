from .hooks import (APLTOfflineHook, MeanTeacherHook,
                    WeightsOnlyCheckpointHook)
from .runtime import import_custom_modules, setup_launcher

__all__ = [
    'APLTOfflineHook', 'MeanTeacherHook', 'WeightsOnlyCheckpointHook',
    'import_custom_modules', 'setup_launcher'
]
