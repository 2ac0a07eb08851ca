"""FixMatch ASY's offline labeler: the parametric classifier (Table 4)."""
from mmaction.registry import TASK_UTILS

from .base import OfflineFeatures, PhaseResult


@TASK_UTILS.register_module()
class ClassifierLabeler:
    """Pseudo-labels = the parametric classifier's confident predictions,
    computed offline and kept fixed until the next phase; no prototypes.

    Args:
        threshold (float): Confidence a prediction needs. Default 0.95.
    """

    num_augmented_copies = 0
    builds_prototypes = False

    def __init__(self, threshold: float = 0.95) -> None:
        if not 0 <= threshold <= 1:
            raise ValueError('model.offline_labeler.threshold must be in '
                             f'[0, 1], got {threshold}')
        self.threshold = threshold

    def __call__(self, feats: OfflineFeatures,
                 num_classes: int) -> PhaseResult:
        confidence, predictions = feats.unlabeled_logits.softmax(-1).max(-1)
        keep = confidence >= self.threshold
        return PhaseResult(
            prototypes=None,
            center=None,
            thresholds=confidence.new_full((num_classes, ), self.threshold),
            offline_labels=predictions.masked_fill(~keep, -1),
            assignments=predictions,
            nearest_mean=None,
            stats={})
