from .hooks import (APLTOfflineHook, DataContractHook, FiniteLossHook,
                    MeanTeacherHook, RandomStateHook,
                    WeightsOnlyCheckpointHook)
from .runtime import (close_process_group, import_custom_modules,
                      setup_launcher)

__all__ = [
    'APLTOfflineHook', 'DataContractHook', 'FiniteLossHook',
    'MeanTeacherHook', 'RandomStateHook', 'WeightsOnlyCheckpointHook',
    'close_process_group', 'import_custom_modules', 'setup_launcher'
]
