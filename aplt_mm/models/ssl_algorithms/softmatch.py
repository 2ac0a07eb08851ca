"""SoftMatch (Chen et al., ICLR 2023): soft confidence weights."""
from typing import Optional

import torch
from mmaction.registry import MODELS

from ...utils import all_reduce_sum
from ..losses import masked_cross_entropy
from ..utils import SemiBatch
from .base import (SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability,
                   check_time_fraction, scheduled_momentum)


@MODELS.register_module()
class SoftMatch(SSLAlgorithm):
    """Every unlabeled clip trains, weighted by a truncated Gaussian of its
    confidence.

    Uniform alignment (UA) first rescales the weak view's probabilities
    ``q_b`` so that their running mean is uniform::

        E_t      = m E_{t-1} + (1 - m) mean_b q_b          (E_0 = 1/C)
        q'_b     = Normalise(q_b / E_t)

    The confidence ``c_b = max q'_b`` then sets the clip's weight::

        mu_t      = m mu_{t-1} + (1 - m) mean_b c_b          (mu_0 = 1/C)
        sigma_t^2 = m sigma_{t-1}^2
                    + (1 - m) B / (B - 1) var_b c_b       (sigma_0^2 = 1)
        w(c)      = lambda_max exp(-(c - mu_t)^2 / (2 sigma_t^2))  if c < mu_t
                    lambda_max                                    otherwise

    and ``l_u = 1/B_u sum_b w(c_b) H(argmax q'_b, p(y|A(u_b)))``. Batch
    statistics are taken over every rank's clips (sums reduced, then
    divided). ``class_mean`` (``E_t``), ``conf_mean`` and ``conf_var`` are
    buffers, checkpointed and restored on ``--resume``.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        ema_momentum (float): ``m``. Default 0.999.
        ema_time_fraction (float, optional): If given, the momentum
            follows the schedule, ``m = 1 - 1 / (f T)`` for a run of ``T``
            steps (:func:`~.base.scheduled_momentum`; the benchmark
            configs use 0.05); None keeps ``ema_momentum``. Default None.
        unlabeled_weight (float): ``lambda_u``. Default 1.
        max_weight (float): ``lambda_max``. Default 1.
        uniform_alignment (bool): Apply UA. Default True.
    """

    def __init__(self,
                 num_classes: int,
                 ema_momentum: float = 0.999,
                 ema_time_fraction: Optional[float] = None,
                 unlabeled_weight: float = 1.0,
                 max_weight: float = 1.0,
                 uniform_alignment: bool = True,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        self.ema_momentum = check_probability('ema_momentum', ema_momentum)
        self.ema_time_fraction = check_time_fraction(ema_time_fraction)
        self.max_weight = check_probability('max_weight', max_weight)
        self.uniform_alignment = uniform_alignment
        self.register_buffer('class_mean',
                             torch.full((num_classes, ), 1 / num_classes))
        self.register_buffer('conf_mean', torch.tensor(1 / num_classes))
        self.register_buffer('conf_var', torch.tensor(1.0))

    def _ema(self, buffer: torch.Tensor, value: torch.Tensor) -> None:
        m = scheduled_momentum(self.ema_momentum, self.ema_time_fraction)
        buffer.mul_(m).add_((1 - m) * value)

    @torch.no_grad()
    def align(self, probs: torch.Tensor) -> torch.Tensor:
        """Update ``E_t`` from ``[B, C]`` probabilities; return them
        aligned (unchanged without UA)."""
        if not self.uniform_alignment:
            return probs
        sums = all_reduce_sum(
            torch.cat([probs.sum(0),
                       probs.new_tensor([len(probs)])]))
        if sums[-1] > 0:
            self._ema(self.class_mean, sums[:-1] / sums[-1])
        aligned = probs / self.class_mean
        return aligned / aligned.sum(-1, keepdim=True)

    @torch.no_grad()
    def update(self, confidence: torch.Tensor) -> None:
        """Update ``mu_t`` and ``sigma_t^2`` from a batch's confidences."""
        sums = all_reduce_sum(
            torch.stack([
                confidence.sum(), (confidence**2).sum(),
                confidence.new_tensor(float(len(confidence)))
            ]))
        total, total_sq, n = sums
        if n < 2:
            return  # no unbiased variance from fewer than two clips
        mean = total / n
        var = (total_sq - n * mean**2).clamp(min=0) / (n - 1)
        self._ema(self.conf_mean, mean)
        self._ema(self.conf_var, var)

    def weights(self, confidence: torch.Tensor) -> torch.Tensor:
        """``w(c)``: the truncated Gaussian of the current statistics."""
        gauss = torch.exp(-(confidence - self.conf_mean)**2 /
                          (2 * self.conf_var.clamp(min=1e-12)))
        return self.max_weight * torch.where(confidence < self.conf_mean,
                                             gauss, torch.ones_like(gauss))

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        with torch.no_grad():
            probs = self.align(logits.weak_u.detach().softmax(-1))
            confidence, targets = probs.max(-1)
            self.update(confidence)
            weights = self.weights(confidence)
        loss = masked_cross_entropy(logits.strong_u, targets, weights)
        return UnlabeledLoss(
            self.unlabeled_weight_at(progress) * loss, targets, weights,
            dict(
                conf_mean=self.conf_mean.clone(),
                conf_std=self.conf_var.sqrt()))
