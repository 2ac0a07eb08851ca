"""Buffers whose size is only known from the data or a checkpoint."""
from typing import Mapping

import torch


def take_stored_shape(module: torch.nn.Module, state_dict: Mapping,
                      prefix: str, name: str) -> None:
    """Reshape buffer ``name`` of ``module`` to its checkpointed shape.

    Call from ``_load_from_state_dict`` before the parent's: a table with
    one entry per unlabeled clip is empty when the model is built, and
    loading a checkpoint must restore it whole.
    """
    stored = state_dict.get(prefix + name)
    if stored is not None:
        setattr(module, name, getattr(module, name).new_empty(stored.shape))
