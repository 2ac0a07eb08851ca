"""Checkpoints that load with ``torch.load(weights_only=True)``."""
from typing import Dict

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer
from mmaction.registry import HOOKS

# Marks a HistoryBuffer stored as plain data.
_BUFFER_KEY = '__history_buffer__'


@HOOKS.register_module()
class WeightsOnlyCheckpointHook(Hook):
    """Store the message hub's history buffers as plain tensors.

    torch >= 2.6 loads checkpoints with ``weights_only=True`` by default and
    refuses the ``HistoryBuffer`` objects (and their numpy arrays) that
    mmengine puts in every checkpoint, so ``--resume`` and ``tools/test.py``
    fail on the project's own checkpoints. Turning the safe loader off
    (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``) would also drop the protection
    for third-party weights. Instead this hook writes each buffer as a dict
    of tensors when a checkpoint is saved and rebuilds the buffers when one
    is loaded, before the runner restores its message hub, and saves numpy
    scalars (``best_score``, ``eta``...) as Python numbers. Every file stays
    loadable with the safe default.

    No arguments. It is in ``default_hooks`` of
    ``configs/_base_/default_runtime.py``.
    """

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        for key in ('meta', 'message_hub'):
            if key in checkpoint:
                checkpoint[key] = _numpy_scalars_to_python(checkpoint[key])
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for name, buffer in scalars.items():
            if isinstance(buffer, HistoryBuffer):
                log, count = buffer.data
                scalars[name] = {
                    _BUFFER_KEY: True,
                    'log': torch.from_numpy(np.asarray(log, np.float64)),
                    'count': torch.from_numpy(np.asarray(count, np.float64)),
                    'max_length': buffer.max_length,
                }

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for name, stored in scalars.items():
            if isinstance(stored, dict) and stored.get(_BUFFER_KEY):
                scalars[name] = HistoryBuffer(
                    stored['log'].tolist(), stored['count'].tolist(),
                    stored['max_length'])


def _numpy_scalars_to_python(obj):
    """Replace numpy scalars in nested dicts and lists by Python numbers."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return type(obj)(
            (k, _numpy_scalars_to_python(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_numpy_scalars_to_python(v) for v in obj)
    return obj
