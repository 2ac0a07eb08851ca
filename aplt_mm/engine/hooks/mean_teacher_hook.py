"""Keeps the Mean Teacher's teacher the EMA of the student."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmaction.registry import HOOKS

from ...models.ssl_algorithms import MeanTeacher


@HOOKS.register_module()
class MeanTeacherHook(Hook):
    """Update the teacher of a ``MeanTeacher`` algorithm after every
    training iteration:

    .. math::
        \\theta'_t = \\alpha \\theta'_{t-1} + (1 - \\alpha) \\theta_t

    with ``alpha`` the algorithm's ``ema_decay`` and ``theta`` the wrapped
    recognizer's weights (and buffers). The teacher is a submodule of the
    model, so checkpoints and ``--resume`` carry it and this hook keeps no
    state. At the start of a fresh training (teacher never updated) the
    teacher becomes a copy of the student, after ``init_weights`` has
    loaded any pretrained weights.

    Use with ``model=dict(type='SemiRecognizer',
    algorithm=dict(type='MeanTeacher', ...))``; it takes no arguments.
    """
    priority = 'NORMAL'

    def before_train(self, runner: Runner) -> None:
        model = self._model(runner)
        algorithm = getattr(model, 'algorithm', None)
        if not isinstance(algorithm, MeanTeacher):
            raise TypeError(
                'MeanTeacherHook needs model.algorithm to be a MeanTeacher '
                '(model=dict(type="SemiRecognizer", algorithm=dict('
                'type="MeanTeacher"))), got '
                f'{type(algorithm).__name__ if algorithm else "no algorithm"}')
        if int(algorithm.teacher.steps) == 0:
            algorithm.update_teacher(model.recognizer)

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[Sequence] = None) -> None:
        model = self._model(runner)
        model.algorithm.update_teacher(model.recognizer)

    @staticmethod
    def _model(runner: Runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model
