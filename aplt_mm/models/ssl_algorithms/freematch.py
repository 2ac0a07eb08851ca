"""FreeMatch (Wang et al., ICLR 2023): self-adaptive thresholding."""
from typing import Optional

import torch
from mmaction.registry import MODELS

from ...utils import all_reduce_sum
from ..losses import masked_cross_entropy
from ..utils import SemiBatch
from .base import (SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability,
                   check_time_fraction, scheduled_momentum)


@MODELS.register_module()
class FreeMatch(SSLAlgorithm):
    """Thresholds that follow the model's confidence, and a fairness term.

    With ``q_b`` the weak view's class probabilities of unlabeled clip
    ``b``, each batch updates three exponential moving averages
    (momentum ``lambda``, batch means taken over every rank's clips)::

        tau_t     = lambda tau_{t-1} + (1 - lambda) mean_b max q_b
        p_t(c)    = lambda p_{t-1}(c) + (1 - lambda) mean_b q_b(c)
        h_t(c)    = lambda h_{t-1}(c) + (1 - lambda) mean_b 1(argmax q_b = c)

    all starting at ``1/C``. The threshold of class ``c`` is
    ``tau_t(c) = p_t(c) / max_c' p_t(c') * tau_t`` (global times local),
    and clip ``b`` trains the strong view on ``argmax q_b`` when
    ``max q_b >= tau_t(argmax q_b)``. The self-adaptive fairness term
    pushes the strong views of the kept clips away from a few classes::

        L_f = -H(SumNorm(p_t / h_t), SumNorm(pbar / hbar))

    where ``pbar`` is the mean strong-view probability over the kept clips
    and ``hbar`` the histogram of their strong-view predictions, and
    ``H(a, b) = -sum a log b``; classes with an empty histogram bin add
    nothing. ``L = L_s + lambda_u L_u + lambda_f L_f``.

    ``global_threshold``, ``class_probs`` and ``label_hist`` are buffers,
    checkpointed and restored on ``--resume``.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        ema_momentum (float): ``lambda``. Default 0.999.
        ema_time_fraction (float, optional): If given, the momentum
            follows the schedule, ``m = 1 - 1 / (f T)`` for a run of ``T``
            steps (:func:`~.base.scheduled_momentum`; the benchmark
            configs use 0.05); None keeps ``ema_momentum``. Default None.
        unlabeled_weight (float): ``lambda_u``. Default 1.
        fairness_weight (float): ``lambda_f``. Default 0.01 (the paper's
            setting for most benchmarks).
    """

    def __init__(self,
                 num_classes: int,
                 ema_momentum: float = 0.999,
                 ema_time_fraction: Optional[float] = None,
                 unlabeled_weight: float = 1.0,
                 fairness_weight: float = 0.01,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        self.ema_momentum = check_probability('ema_momentum', ema_momentum)
        self.ema_time_fraction = check_time_fraction(ema_time_fraction)
        self.fairness_weight = fairness_weight
        uniform = torch.full((num_classes, ), 1 / num_classes)
        self.register_buffer('global_threshold', torch.tensor(1 / num_classes))
        self.register_buffer('class_probs', uniform.clone())
        self.register_buffer('label_hist', uniform.clone())

    @torch.no_grad()
    def update(self, probs: torch.Tensor) -> None:
        """One EMA step from ``[B, C]`` weak-view probabilities (all ranks)."""
        confidence, predictions = probs.max(-1)
        hist = torch.bincount(predictions, minlength=self.num_classes)
        sums = all_reduce_sum(
            torch.cat([
                confidence.sum()[None],
                probs.sum(0),
                hist.to(probs.dtype),
                probs.new_tensor([len(probs)])
            ]))
        count = sums[-1]
        if count == 0:
            return
        means = sums[:-1] / count
        m = scheduled_momentum(self.ema_momentum, self.ema_time_fraction)
        C = self.num_classes
        self.global_threshold.mul_(m).add_((1 - m) * means[0])
        self.class_probs.mul_(m).add_((1 - m) * means[1:1 + C])
        self.label_hist.mul_(m).add_((1 - m) * means[1 + C:])

    def class_thresholds(self) -> torch.Tensor:
        """``tau_t(c)``, ``[C]``."""
        return self.class_probs / self.class_probs.max() * \
            self.global_threshold

    def fairness_loss(self, logits_strong: torch.Tensor,
                      mask: torch.Tensor) -> torch.Tensor:
        """``L_f`` over the kept clips (0 when none is kept)."""
        if not mask.any():
            return logits_strong.sum() * 0
        probs = logits_strong[mask].softmax(-1)
        hist = torch.bincount(
            probs.detach().argmax(-1),
            minlength=self.num_classes).to(probs.dtype)
        hist = hist / hist.sum()
        model_ratio = _sum_normalise(
            _safe_divide(self.class_probs, self.label_hist))
        batch_ratio = _sum_normalise(_safe_divide(probs.mean(0), hist))
        return (model_ratio * batch_ratio.clamp(min=1e-12).log()).sum()

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        with torch.no_grad():
            probs = logits.weak_u.detach().softmax(-1)
            self.update(probs)
            confidence, targets = probs.max(-1)
            thresholds = self.class_thresholds()
            mask = confidence >= thresholds[targets]
        loss = self.unlabeled_weight_at(progress) * masked_cross_entropy(
            logits.strong_u, targets, mask)
        fairness = self.fairness_loss(logits.strong_u, mask)
        fairness_weight = 0.0 if self.in_warmup(progress) else \
            self.fairness_weight
        loss = loss + fairness_weight * fairness
        return UnlabeledLoss(
            loss, targets, mask.float(),
            dict(
                global_threshold=self.global_threshold.clone(),
                fairness=fairness.detach()))


def _safe_divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a / b`` with 0 where ``b`` is 0."""
    return torch.where(b > 0, a / b.clamp(min=1e-12), torch.zeros_like(a))


def _sum_normalise(x: torch.Tensor) -> torch.Tensor:
    return x / x.sum().clamp(min=1e-12)
