"""What an offline phase hands a labeler, and what a labeler returns."""
from typing import Dict, NamedTuple, Optional

import torch


class OfflineFeatures(NamedTuple):
    """Everything an offline phase extracts, in dataset order.

    Features are the prototype head's pooled features before any
    normalisation (None for a model without a prototype head).
    """
    labeled: Optional[torch.Tensor]  # [N_l, D] clean view, labeled clips
    labels: torch.Tensor  # [N_l]
    augmented: Optional[torch.Tensor]  # [N_l * copies, D] strong views
    augmented_labels: torch.Tensor  # [N_l * copies]
    unlabeled: Optional[torch.Tensor]  # [N_u, D] clean view, unlabeled
    unlabeled_logits: torch.Tensor  # [N_u, C] parametric classifier


class PhaseResult(NamedTuple):
    """What a phase installs into the model (identical on every rank)."""
    prototypes: Optional[torch.Tensor]  # [C, D], None without prototypes
    center: Optional[torch.Tensor]  # [D] subtracted before scoring, or None
    thresholds: torch.Tensor  # [C] the selection rule's cut per class
    offline_labels: torch.Tensor  # [N_u] kept pseudo-label, -1 = filtered
    assignments: torch.Tensor  # [N_u] pseudo-label before filtering
    nearest_mean: Optional[torch.Tensor]  # [N_u] nearest labeled mean
    stats: Dict
