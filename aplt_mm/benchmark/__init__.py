"""The benchmark runner behind ``tools/benchmark.py``.

:mod:`.plan` (which runs, their data, the equal step budget, the refusal
of validation on test), :mod:`.run` (splits, training and test commands,
``--jobs`` at once), :mod:`.collect` (a finished run's scores and logs)
and :mod:`.report` (``results.json``, ``results.md``, figures; the tables
come from :mod:`aplt_mm.analysis.report`).
"""
from .plan import BenchmarkError, Method, Run

__all__ = ['BenchmarkError', 'Method', 'Run']
