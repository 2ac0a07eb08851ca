"""Mean Teacher (Tarvainen & Valpola, NeurIPS 2017)."""
import math
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import ExponentialMovingAverage

from ..utils import SemiBatch, neck_features
from .base import (SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability,
                   check_time_fraction, scheduled_momentum)


@MODELS.register_module()
class MeanTeacher(SSLAlgorithm):
    """A teacher whose weights are the EMA of the student's sets the
    targets of a consistency loss.

    .. math::
        \\theta'_t = \\alpha \\theta'_{t-1} + (1 - \\alpha) \\theta_t, \\qquad
        \\ell_u = w(t) \\frac{1}{B_u C} \\sum_i
            \\lVert \\sigma(f_\\theta(\\mathcal{A}(u_i)))
                   - \\sigma(f_{\\theta'}(\\alpha(u_i))) \\rVert^2

    (squared error between the class probabilities of the student on the
    strong view and of the teacher on the weak view; no gradient to the
    teacher) with the paper's sigmoid ramp-up
    ``w(t) = lambda_u exp(-5 (1 - t / t_r)^2)`` until ``t_r`` =
    ``rampup_end`` of training, ``lambda_u`` after.

    The teacher is mmengine's :class:`ExponentialMovingAverage` of the
    wrapped recognizer (the averaging ``EMAHook`` uses), built by
    :meth:`setup` and held as a submodule, so checkpoints carry it and
    ``--resume`` continues it. :class:`MeanTeacherHook` updates it after
    every training iteration (``custom_hooks``); it runs in eval mode
    (BatchNorm uses its averaged statistics). The paper's CIFAR runs use a
    smaller decay (0.99) during ramp-up; here ``ema_decay`` is constant.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        ema_decay (float): ``alpha``. Default 0.999.
        ema_time_fraction (float, optional): If given, ``alpha``
            follows the schedule, ``alpha = 1 - 1 / (f T)`` for a run of
            ``T`` steps (:func:`~.base.scheduled_momentum`; the benchmark
            configs use 0.05); None keeps ``ema_decay``. Default None.
        unlabeled_weight (float): ``lambda_u``, the weight after ramp-up.
            The mean over classes makes the term small: the authors'
            CIFAR-10 runs use 100 with this normalisation. Default 100.
        rampup_end (float): Share of training the ramp-up lasts. Default
            0.3.
    """
    uses_teacher = True

    def __init__(self,
                 num_classes: int,
                 ema_decay: float = 0.999,
                 ema_time_fraction: Optional[float] = None,
                 unlabeled_weight: float = 100.0,
                 rampup_end: float = 0.3,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        check_probability('ema_decay', ema_decay)
        if not 0 < ema_decay < 1:
            raise ValueError(f'ema_decay must be in (0, 1), got {ema_decay}')
        self.ema_decay = ema_decay
        self.ema_time_fraction = check_time_fraction(ema_time_fraction)
        self.rampup_end = check_probability('rampup_end', rampup_end)
        self.teacher = None

    def setup(self, student: nn.Module) -> None:
        """Build the teacher as an (untrained) EMA copy of ``student``."""
        self.teacher = ExponentialMovingAverage(
            student, momentum=1 - self.ema_decay, update_buffers=True)
        self.teacher.requires_grad_(False)

    @torch.no_grad()
    def update_teacher(self, student: nn.Module) -> None:
        """One EMA step; the first one copies the student."""
        self.teacher.momentum = 1 - scheduled_momentum(
            self.ema_decay, self.ema_time_fraction)
        self.teacher.update_parameters(student)

    @torch.no_grad()
    def teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """The teacher's class logits for ``inputs`` (eval mode)."""
        if int(self.teacher.steps) == 0:
            raise RuntimeError('The Mean Teacher has never been updated: add '
                               "dict(type='MeanTeacherHook') to custom_hooks.")
        teacher = self.teacher.module
        mode = teacher.training
        teacher.eval()
        feats, kwargs = neck_features(teacher, inputs)
        logits = teacher.cls_head(feats, **kwargs)
        teacher.train(mode)
        return logits

    def weight(self, progress: float) -> float:
        """``w(t)``: the sigmoid ramp-up."""
        weight = self.unlabeled_weight_at(progress)
        if progress >= self.rampup_end:
            return weight
        phase = 1 - progress / self.rampup_end
        return weight * math.exp(-5 * phase * phase)

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        if logits.teacher_weak_u is None:
            raise ValueError('MeanTeacher needs the teacher logits '
                             '(SemiLogits.teacher_weak_u).')
        target = logits.teacher_weak_u.detach().softmax(-1)
        student = logits.strong_u.softmax(-1)
        weight = self.weight(progress)
        loss = weight * F.mse_loss(student, target) if len(target) else \
            student.sum() * 0
        return UnlabeledLoss(loss, target.argmax(-1),
                             torch.ones_like(target[:, 0]),
                             dict(unlabeled_weight=target.new_tensor(weight)))
