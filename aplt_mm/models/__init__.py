from .data_preprocessors import MultiViewDataPreprocessor
from .losses import fixmatch_loss
from .recognizers import APLTRecognizer

__all__ = ['APLTRecognizer', 'MultiViewDataPreprocessor', 'fixmatch_loss']
