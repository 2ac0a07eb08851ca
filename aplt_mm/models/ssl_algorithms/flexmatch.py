"""FlexMatch (Zhang et al., NeurIPS 2021): curriculum pseudo-labeling."""
import torch
from mmaction.registry import MODELS

from ...utils import all_gather_rows, take_stored_shape
from ..losses import masked_cross_entropy
from ..utils import SemiBatch
from .base import SemiLogits, SSLAlgorithm, UnlabeledLoss, check_probability


@MODELS.register_module()
class FlexMatch(SSLAlgorithm):
    """FixMatch with class-wise thresholds set by each class's learning
    status.

    Every unlabeled clip remembers the class its weak view last predicted
    with confidence above ``tau`` (``selected_label``, -1 = never). The
    learning status of class ``c`` is the number of clips selected as
    ``c``, normalised::

        sigma(c) = #{n : selected_label[n] = c}
        beta(c)  = sigma(c) / max(max_c' sigma(c'), N - sum_c' sigma(c'))
                   (threshold warm-up; without it the denominator is
                   max_c' sigma(c'))
        T(c)     = M(beta(c)) * tau,   M(x) = x / (2 - x)

    and an unlabeled clip trains the strong view on ``argmax q`` when
    ``max q >= T(argmax q)``. Each batch first records its confident
    predictions (gathered from every rank), then thresholds from the
    updated table. Classes the network has learned little about get lower
    thresholds; with warm-up, all thresholds stay low while most clips are
    still unused.

    ``selected_label`` (one entry per clip of the unlabeled list, sized on
    the first batch from the ``num_unlabeled`` meta key) is a buffer: it is
    checkpointed and ``--resume`` restores it. Because its size is only
    known from the first batch, mmengine's ``EMAHook`` (which copies
    buffers into a model it built earlier) cannot be combined with
    FlexMatch.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        threshold (float): ``tau``. Default 0.95.
        unlabeled_weight (float): ``lambda_u``. Default 1.
        threshold_warmup (bool): Count the unused clips in the
            normaliser. Default True.
    """

    def __init__(self,
                 num_classes: int,
                 threshold: float = 0.95,
                 unlabeled_weight: float = 1.0,
                 threshold_warmup: bool = True,
                 **kwargs) -> None:
        super().__init__(num_classes, unlabeled_weight, **kwargs)
        self.threshold = check_probability('threshold', threshold)
        self.threshold_warmup = threshold_warmup
        self.register_buffer('selected_label',
                             torch.empty(0, dtype=torch.long))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        take_stored_shape(self, state_dict, prefix, 'selected_label')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def learning_status(self) -> torch.Tensor:
        """``beta``: ``[C]`` normalised learning status of each class."""
        used = self.selected_label[self.selected_label >= 0]
        sigma = torch.bincount(used, minlength=self.num_classes).float()
        denominator = sigma.max()
        if self.threshold_warmup:
            unused = (self.selected_label < 0).sum().float()
            denominator = torch.maximum(denominator, unused)
        return sigma / denominator.clamp(min=1)

    def class_thresholds(self) -> torch.Tensor:
        """``T(c) = M(beta(c)) * tau`` for every class, ``[C]``."""
        beta = self.learning_status()
        return beta / (2 - beta) * self.threshold

    @torch.no_grad()
    def record(self, unlabeled_index: torch.Tensor, confidence: torch.Tensor,
               predictions: torch.Tensor, num_unlabeled: int) -> None:
        """Store the confident predictions of a batch, from every rank."""
        if self.selected_label.numel() == 0:
            if num_unlabeled < 1:
                raise ValueError(
                    "FlexMatch needs the 'num_unlabeled' meta key: add it to "
                    "PackActionInputs(meta_keys=...) in the train pipeline "
                    '(SemiVideoDataset provides it).')
            self.selected_label = self.selected_label.new_full(
                (num_unlabeled, ), -1)
        elif num_unlabeled not in (-1, len(self.selected_label)):
            raise ValueError(
                f'FlexMatch: the unlabeled list has {num_unlabeled} clips but '
                f'the selected-label table (e.g. from a checkpoint) has '
                f'{len(self.selected_label)}: resume with the same split.')
        confident = confidence > self.threshold
        pairs = torch.stack(
            [unlabeled_index[confident], predictions[confident]], dim=1)
        pairs = all_gather_rows(pairs.to(self.selected_label.device))
        self.selected_label[pairs[:, 0]] = pairs[:, 1]

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        with torch.no_grad():
            confidence, targets = logits.weak_u.detach().softmax(-1).max(-1)
            self.record(batch.unlabeled_index, confidence, targets,
                        batch.num_unlabeled)
            thresholds = self.class_thresholds().to(confidence.device)
            mask = confidence >= thresholds[targets]
        loss = masked_cross_entropy(logits.strong_u, targets, mask)
        return UnlabeledLoss(self.unlabeled_weight * loss, targets,
                             mask.float(),
                             dict(mean_threshold=thresholds.mean()))
