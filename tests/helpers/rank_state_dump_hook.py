"""Test helper: every rank saves its model buffers after training."""
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmaction.registry import HOOKS


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Write ``rank<r>_state.pt`` with the model's buffers to the work dir."""

    def after_run(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save({k: v.cpu()
                    for k, v in model.named_buffers()},
                   osp.join(runner.work_dir, f'rank{get_rank()}_state.pt'))


@HOOKS.register_module()
class StateBeforeTrainDumpHook(Hook):
    """Write ``state_before_train.pt``: the model's state dict as training
    starts, i.e. right after ``--resume`` has loaded a checkpoint."""

    def before_train(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save({k: v.cpu()
                    for k, v in model.state_dict().items()},
                   osp.join(runner.work_dir, 'state_before_train.pt'))
