from .aplt_recognizer import APLTRecognizer
from .semi_recognizer import SemiRecognizer

__all__ = ['APLTRecognizer', 'SemiRecognizer']
