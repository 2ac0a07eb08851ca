from .hooks import (APLTOfflineHook, DataContractHook, FiniteLossHook,
                    MeanTeacherHook, RandomStateHook,
                    WeightsOnlyCheckpointHook)
from .runtime import import_custom_modules, setup_launcher

__all__ = [
    'APLTOfflineHook', 'DataContractHook', 'FiniteLossHook',
    'MeanTeacherHook', 'RandomStateHook', 'WeightsOnlyCheckpointHook',
    'import_custom_modules', 'setup_launcher'
]
