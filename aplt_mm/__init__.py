"""APLT for MMAction2: semi-supervised micro-action recognition.

Importing this package registers its datasets, transforms, samplers,
models and hooks in MMAction2's registries (``mmaction`` scope); configs do
it with ``custom_imports = dict(imports=['aplt_mm'])``.
"""
from . import datasets, engine, models  # noqa: F401  (registers modules)
from .version import __version__

__all__ = ['__version__']
