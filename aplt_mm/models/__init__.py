from .data_preprocessors import MultiViewDataPreprocessor
from .heads import PrototypeHead
from .losses import fixmatch_loss, margin_loss, masked_cross_entropy
from .recognizers import APLTRecognizer

__all__ = [
    'APLTRecognizer', 'MultiViewDataPreprocessor', 'PrototypeHead',
    'fixmatch_loss', 'margin_loss', 'masked_cross_entropy'
]
