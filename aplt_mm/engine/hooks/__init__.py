from .aplt_offline_hook import APLTOfflineHook
from .data_contract_hook import DataContractHook
from .finite_loss_hook import FiniteLossHook
from .mean_teacher_hook import MeanTeacherHook
from .random_state_hook import RandomStateHook
from .weights_only_checkpoint_hook import WeightsOnlyCheckpointHook

__all__ = [
    'APLTOfflineHook', 'DataContractHook', 'FiniteLossHook', 'MeanTeacherHook',
    'RandomStateHook', 'WeightsOnlyCheckpointHook'
]
