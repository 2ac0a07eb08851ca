from .aplt_recognizer import APLTRecognizer
from .semi_base_recognizer import SemiBaseRecognizer
from .semi_recognizer import SemiRecognizer

__all__ = ['APLTRecognizer', 'SemiBaseRecognizer', 'SemiRecognizer']
