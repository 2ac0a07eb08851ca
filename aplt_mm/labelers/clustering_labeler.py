"""APLT's offline labeler: semi-supervised clustering (section 3.3)."""
from mmaction.registry import TASK_UTILS

from ..clustering import check_options, cluster_pseudo_labels
from .base import OfflineFeatures, PhaseResult


@TASK_UTILS.register_module()
class ClusteringLabeler:
    """Pseudo-labels and prototypes from :func:`cluster_pseudo_labels`.

    Built by :class:`APLTRecognizer` from ``model.offline_labeler``; every
    key except ``type`` and ``labeled_aug_copies`` is an option of
    :func:`aplt_mm.cluster_pseudo_labels` (``geometry``, ``labeled_aug``,
    ``clustering``, ``assignment``, ``prior``, ``selection``, ``fraction``,
    ``rank_by``, ``temperature``, ``max_iter``, ``seed``); omitted ones take
    its recommended defaults. ``configs/_base_/labelers/`` holds the paper's
    and the recommended sets; an ablation overrides one key, e.g.
    ``model = dict(offline_labeler=dict(selection='all'))``.

    Args:
        labeled_aug_copies (int): Strongly augmented copies of each labeled
            clip the phase extracts for labeled-augmentation (ignored with
            ``labeled_aug='off'``). Default 1.
        **options: Options of :func:`cluster_pseudo_labels`.
    """

    def __init__(self, labeled_aug_copies: int = 1, **options) -> None:
        if labeled_aug_copies < 0:
            raise ValueError('model.offline_labeler.labeled_aug_copies must '
                             f'be >= 0, got {labeled_aug_copies}')
        self.options = check_options(options, 'model.offline_labeler')
        self.num_augmented_copies = 0 if self.options[
            'labeled_aug'] == 'off' else labeled_aug_copies
        self.builds_prototypes = True

    def __call__(self, feats: OfflineFeatures,
                 num_classes: int) -> PhaseResult:
        result = cluster_pseudo_labels(
            feats.labeled, feats.labels, feats.unlabeled, num_classes,
            feats.augmented, feats.augmented_labels
            if feats.augmented is not None else None,
            classifier_logits=feats.unlabeled_logits, **self.options)
        return PhaseResult(
            prototypes=result.prototypes,
            center=result.center,
            thresholds=result.thresholds.float(),
            offline_labels=result.assignments.masked_fill(~result.keep, -1),
            assignments=result.assignments,
            nearest_mean=result.nearest_mean,
            stats=dict(iterations=result.num_iters,
                       converged=result.converged))

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.options})'
