"""The semi-supervised baselines of the paper's Table 1, one per module.

Each is an :class:`SSLAlgorithm` registered in the ``MODELS`` registry and
selected by ``model.algorithm.type`` of a :class:`SemiRecognizer` config.
"""
from .base import SemiLogits, SSLAlgorithm, UnlabeledLoss, training_progress
from .fixmatch import FixMatch
from .flexmatch import FlexMatch
from .freematch import FreeMatch
from .mean_teacher import MeanTeacher
from .pseudo_label import PseudoLabel
from .softmatch import SoftMatch
from .uda import UDA

__all__ = [
    'SSLAlgorithm', 'SemiLogits', 'UnlabeledLoss', 'training_progress',
    'FixMatch', 'FlexMatch', 'FreeMatch', 'MeanTeacher', 'PseudoLabel',
    'SoftMatch', 'UDA'
]
