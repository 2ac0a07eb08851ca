"""Pseudo-Label (Lee, ICML-W 2013)."""
from mmaction.registry import MODELS

from ..losses import masked_cross_entropy
from ..utils import SemiBatch
from .base import SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability


@MODELS.register_module()
class PseudoLabel(SSLAlgorithm):
    """The network's own confident predictions as hard targets.

    .. math::
        \\ell_u = \\alpha(t) \\frac{1}{B_u} \\sum_i
            \\mathbb{1}(\\max q_i \\ge \\tau) H(\\arg\\max q_i, q_i),
        \\quad q_i = p(y|\\alpha(u_i))

    Prediction and target come from the same (weak) view, as in Lee's
    paper, which has no second view; the target carries no gradient. The
    weight ramps up linearly, Lee's schedule on the share of training done
    ``t``: ``alpha(t) = 0`` before ``rampup_start``, ``lambda_u`` after
    ``rampup_end``, linear in between.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        threshold (float): Confidence a prediction needs to be a target
            (USB's setting; Lee's paper takes every argmax, i.e. 0).
            Default 0.95.
        unlabeled_weight (float): Final weight ``lambda_u`` (Lee's
            ``alpha_f``). Default 1.
        rampup_start (float): Share of training before which the weight is
            0. Default 0.
        rampup_end (float): Share of training at which it reaches
            ``lambda_u``. Default 0.4.
    """

    def __init__(self,
                 num_classes: int,
                 threshold: float = 0.95,
                 unlabeled_weight: float = 1.0,
                 rampup_start: float = 0.0,
                 rampup_end: float = 0.4,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        self.threshold = check_probability('threshold', threshold)
        check_probability('rampup_start', rampup_start)
        check_probability('rampup_end', rampup_end)
        if rampup_end < rampup_start:
            raise ValueError(f'rampup_end ({rampup_end}) is before '
                             f'rampup_start ({rampup_start})')
        self.rampup_start, self.rampup_end = rampup_start, rampup_end

    def weight(self, progress: float) -> float:
        """``alpha(t)``: Lee's linear ramp-up."""
        weight = self.unlabeled_weight_at(progress)
        if progress >= self.rampup_end:
            return weight
        if progress < self.rampup_start:
            return 0.0
        return weight * (progress - self.rampup_start) / (
            self.rampup_end - self.rampup_start)

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        confidence, targets = logits.weak_u.detach().softmax(-1).max(-1)
        mask = confidence >= self.threshold
        weight = self.weight(progress)
        loss = weight * masked_cross_entropy(logits.weak_u, targets, mask)
        return UnlabeledLoss(
            loss, targets, mask.float(),
            dict(unlabeled_weight=logits.weak_u.new_tensor(weight)))
