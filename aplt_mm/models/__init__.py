from .data_preprocessors import MultiViewDataPreprocessor
from .heads import PrototypeHead
from .losses import fixmatch_loss, margin_loss, masked_cross_entropy
from .recognizers import APLTRecognizer, SemiRecognizer
from .ssl_algorithms import (UDA, FixMatch, FlexMatch, FreeMatch, MeanTeacher,
                             PseudoLabel, SoftMatch, SSLAlgorithm)

__all__ = [
    'APLTRecognizer', 'SemiRecognizer', 'SSLAlgorithm', 'FixMatch',
    'FlexMatch', 'FreeMatch', 'MeanTeacher', 'PseudoLabel', 'SoftMatch', 'UDA',
    'MultiViewDataPreprocessor', 'PrototypeHead',
    'fixmatch_loss', 'margin_loss', 'masked_cross_entropy'
]
