"""FixMatch (Sohn et al., NeurIPS 2020) as a selectable algorithm."""
from mmaction.registry import MODELS

from ..losses import fixmatch_loss
from ..utils import SemiBatch
from .base import SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability


@MODELS.register_module()
class FixMatch(SSLAlgorithm):
    """Hard pseudo-labels of the weak view train the strong view.

    .. math::
        \\ell_u = \\frac{\\lambda_u}{B_u} \\sum_i
            \\mathbb{1}(\\max q_i \\ge \\tau)
            H(\\hat q_i, p(y|\\mathcal{A}(u_i))),
        \\quad q_i = p(y|\\alpha(u_i))

    The same term is APLT's Eq. 2 (:func:`fixmatch_loss`).

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        threshold (float): Confidence threshold ``tau``. Default 0.95.
        unlabeled_weight (float): ``lambda_u``. Default 1.
    """

    def __init__(self,
                 num_classes: int,
                 threshold: float = 0.95,
                 unlabeled_weight: float = 1.0,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        self.threshold = check_probability('threshold', threshold)

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        out = fixmatch_loss(logits.weak_u, logits.strong_u, self.threshold)
        return UnlabeledLoss(self.unlabeled_weight_at(progress) * out.loss,
                             out.pseudo_labels, out.mask.float(), {})
