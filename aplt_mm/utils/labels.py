"""The one place that knows how MMAction2 stores labels in data samples.

mmaction 1.1 keeps the ground truth in ``gt_labels.item``; 1.2 renamed it to
``gt_label``. Reading labels only through these helpers makes an upgrade a
single edit.
"""
from typing import Sequence

import torch


def gt_labels_of(data_samples: Sequence, device=None) -> torch.Tensor:
    """Ground-truth labels of a batch as a 1-D long tensor.

    Unlabeled clips carry -1.
    """
    labels = [sample.gt_labels.item.reshape(-1)[0] for sample in data_samples]
    return torch.stack(labels).long().to(device)


def is_labeled_mask(data_samples: Sequence, device=None) -> torch.Tensor:
    """Bool tensor: which clips of the batch come from the labeled list.

    Samples without the ``is_labeled`` meta key (plain datasets) count as
    labeled.
    """
    return torch.tensor(
        [bool(sample.metainfo.get('is_labeled', True))
         for sample in data_samples],
        dtype=torch.bool,
        device=device)
