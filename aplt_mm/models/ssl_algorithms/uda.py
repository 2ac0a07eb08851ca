"""UDA (Xie et al., NeurIPS 2020): unsupervised data augmentation."""
import math

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

from ..utils import SemiBatch
from .base import (SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability,
                   soft_cross_entropy)

TSA_SCHEDULES = ('none', 'linear', 'log', 'exp')


@MODELS.register_module()
class UDA(SSLAlgorithm):
    """Sharpened soft targets, confidence masking, training-signal annealing.

    Unlabeled term: the weak view's prediction, sharpened with temperature
    ``T``, is the target of the strong view, for clips whose weak
    prediction is confident::

        l_u = lambda_u / B_u * sum_i 1(max q_i >= beta)
              * KL(softmax(z_i^weak / T) || softmax(z_i^strong))

    Supervised term with TSA: at training progress ``t``, labeled clips
    whose ground-truth probability already exceeds
    ``eta_t = alpha_t (1 - 1/C) + 1/C`` are left out, and the loss averages
    over the rest; ``alpha_t`` is ``t`` (linear), ``1 - exp(-5 t)`` (log)
    or ``exp(5 (t - 1))`` (exp).

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        temperature (float): Sharpening temperature ``T``. Default 0.4.
        threshold (float): Confidence mask ``beta``. Default 0.8.
        unlabeled_weight (float): ``lambda_u``. Default 1.
        tsa_schedule (str): ``'none'``, ``'linear'``, ``'log'`` or
            ``'exp'``. Default ``'linear'``.
    """

    def __init__(self,
                 num_classes: int,
                 temperature: float = 0.4,
                 threshold: float = 0.8,
                 unlabeled_weight: float = 1.0,
                 tsa_schedule: str = 'linear',
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        if tsa_schedule not in TSA_SCHEDULES:
            raise ValueError(f'tsa_schedule must be one of {TSA_SCHEDULES}, '
                             f'got {tsa_schedule!r}')
        self.temperature = temperature
        self.threshold = check_probability('threshold', threshold)
        self.tsa_schedule = tsa_schedule

    def tsa_threshold(self, progress: float) -> float:
        """``eta_t``: labeled clips above it leave the supervised loss."""
        if self.tsa_schedule == 'none':
            return 1.0
        alpha = dict(
            linear=progress,
            log=1 - math.exp(-5 * progress),
            exp=math.exp(5 * (progress - 1)))[self.tsa_schedule]
        return alpha * (1 - 1 / self.num_classes) + 1 / self.num_classes

    def supervised_loss(self, logits: torch.Tensor, labels: torch.Tensor,
                        progress: float) -> torch.Tensor:
        if len(labels) == 0 or self.tsa_schedule == 'none':
            return super().supervised_loss(logits, labels, progress)
        with torch.no_grad():
            p_true = logits.softmax(-1).gather(1, labels[:, None])[:, 0]
            keep = (p_true <= self.tsa_threshold(progress)).float()
        per_clip = F.cross_entropy(logits, labels, reduction='none')
        return (per_clip * keep).sum() / keep.sum().clamp(min=1)

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        with torch.no_grad():
            weak = logits.weak_u.detach()
            confidence, targets = weak.softmax(-1).max(-1)
            mask = (confidence >= self.threshold).float()
            sharpened = (weak / self.temperature).softmax(-1)
        # KL = H(target, pred) - H(target); the entropy has no gradient and
        # makes a perfect match 0.
        kl = soft_cross_entropy(logits.strong_u, sharpened) + (
            sharpened * sharpened.clamp(min=1e-12).log()).sum(-1)
        loss = (kl * mask).mean() if len(mask) else kl.sum()
        return UnlabeledLoss(
            self.unlabeled_weight_at(progress) * loss, targets, mask,
            dict(tsa_threshold=weak.new_tensor(self.tsa_threshold(progress))))
