from .aplt_recognizer import APLTRecognizer

__all__ = ['APLTRecognizer']
