"""A multi-view semi-supervised batch split into its named parts, and the
small pieces every semi-supervised recognizer and algorithm shares."""
from typing import Dict, NamedTuple, Tuple

import torch
import torch.nn.functional as F
from mmaction.models import RecognizerGCN
from mmaction.utils import SampleList

from ...utils import gt_labels_of, is_labeled_mask


class SemiBatch(NamedTuple):
    """The labeled and unlabeled parts of a batch, each in two views."""
    weak_l: torch.Tensor  # labeled clips, weak view
    strong_l: torch.Tensor  # labeled clips, strong view
    weak_u: torch.Tensor  # unlabeled clips, weak view
    strong_u: torch.Tensor  # unlabeled clips, strong view
    labels: torch.Tensor  # [B_l] ground truth of the labeled clips
    unlabeled_index: torch.Tensor  # [B_u] position in the unlabeled list
    true_labels: torch.Tensor  # [B_u] monitoring only (-1 = unknown)
    num_unlabeled: int  # size of the unlabeled list (-1 = not packed)


def split_semi_batch(inputs: Dict[str, torch.Tensor],
                     data_samples: SampleList) -> SemiBatch:
    """Split a ``MultiView`` batch by the ``is_labeled`` meta key.

    Args:
        inputs (dict): ``weak`` and ``strong`` batches of clips.
        data_samples (list): Their data samples, with the meta keys of
            :class:`SemiVideoDataset`.

    Returns:
        SemiBatch: The parts.
    """
    if not isinstance(inputs, dict) or not {'weak', 'strong'} <= set(inputs):
        raise TypeError(
            'Semi-supervised recognizers train on multi-view batches: use '
            'MultiView(weak=..., strong=...) and PackActionInputs('
            "collect_keys=('weak', 'strong')) in the train pipeline; got "
            f'{type(inputs).__name__}' +
            (f' with views {sorted(inputs)}' if isinstance(inputs, dict
                                                           ) else ''))
    device = inputs['weak'].device
    labeled = is_labeled_mask(data_samples, device)
    unlabeled = [
        s for s, is_l in zip(data_samples, labeled.tolist()) if not is_l
    ]

    def meta(key):
        return torch.tensor([s.metainfo.get(key, -1) for s in unlabeled],
                            dtype=torch.long,
                            device=device)

    return SemiBatch(
        weak_l=inputs['weak'][labeled],
        strong_l=inputs['strong'][labeled],
        weak_u=inputs['weak'][~labeled],
        strong_u=inputs['strong'][~labeled],
        labels=gt_labels_of(data_samples, device)[labeled],
        unlabeled_index=meta('unlabeled_index'),
        true_labels=meta('true_label'),
        num_unlabeled=int(data_samples[0].metainfo.get('num_unlabeled', -1))
        if len(data_samples) else -1)


def target_stats(targets: torch.Tensor, weights: torch.Tensor,
                 true_labels: torch.Tensor) -> Dict[str, torch.Tensor]:
    """``mask_ratio`` (mean weight of the unlabeled targets: the share used,
    for a 0/1 mask) and, where the truth is known, ``pseudo_acc`` (accuracy
    of the targets with a non-zero weight)."""
    weights = weights.float()
    stats = dict(
        mask_ratio=weights.mean() if len(weights) else weights.new_zeros(()))
    known = (weights > 0) & (true_labels >= 0)
    if known.any():
        stats['pseudo_acc'] = (
            targets[known] == true_labels[known]).float().mean()
    return stats


def check_finite_losses(losses: Dict[str, torch.Tensor]) -> None:
    """Stop training with a clear error on a NaN or infinite loss."""
    for name, value in losses.items():
        if name.startswith('loss') and not torch.isfinite(value).all():
            raise FloatingPointError(
                f'{name} is {value.item()}: training diverged. Lower the '
                'learning rate (optim_wrapper.optimizer.lr) or check the '
                'input data.')


def neck_features(recognizer, inputs: torch.Tensor,
                  test_mode: bool = False) -> Tuple:
    """Backbone (+ neck) features of an MMAction2 recognizer and the kwargs
    its heads need (``num_segs``...), without the auxiliary loss."""
    # RecognizerGCN has no neck stage (it returns None for 'neck').
    stage = 'backbone' if isinstance(recognizer, RecognizerGCN) else 'neck'
    feats, kwargs = recognizer.extract_feat(
        inputs, stage=stage, test_mode=test_mode)
    kwargs.pop('loss_aux', None)
    return feats, kwargs


def labeled_cross_entropy(logits: torch.Tensor,
                          labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the labeled clips; a batch without any contributes
    a zero that still belongs to the graph."""
    if len(labels) == 0:
        return logits.sum() * 0
    return F.cross_entropy(logits, labels)
