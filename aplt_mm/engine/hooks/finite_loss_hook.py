"""Stop any model's training on a NaN or infinite loss."""
from typing import Optional

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmaction.registry import HOOKS

from ...models.utils import check_finite_losses


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training with a clear error when a loss is not finite.

    The semi-supervised recognizers check their losses before the update;
    this hook does the same after every iteration for any model, e.g. the
    labeled-only ``Recognizer2D``, which would otherwise train on
    ``loss: nan`` and save a "best" checkpoint. It raises the same
    ``FloatingPointError`` as those recognizers, before the checkpoint
    hook runs, so no diverged weights are saved. With several ranks the
    ranks agree first (one all-reduce of a flag), so all of them stop at
    the same iteration.

    No arguments. It is in ``default_hooks`` of
    ``configs/_base_/default_runtime.py``.
    """

    # Before CheckpointHook and LoggerHook.
    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs:
            return
        losses = {
            k: torch.as_tensor(v).detach()
            for k, v in outputs.items() if k.startswith('loss')
        }
        if get_world_size() > 1:
            bad = torch.tensor(
                [float(not torch.isfinite(v).all()) for v in losses.values()])
            all_reduce(bad, op='max')
            for (name, value), flag in zip(list(losses.items()), bad):
                if flag and torch.isfinite(value).all():
                    # Another rank diverged: report its loss as NaN here.
                    losses[name] = value.new_tensor(float('nan'))
        check_finite_losses(losses)
