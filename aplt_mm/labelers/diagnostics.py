"""What an offline phase's pseudo-labels look like: figures, a per-class
table and collapse warnings (shared by the hook's log and the probe tool)."""
from typing import Dict, List, Tuple

import torch

from .base import PhaseResult

#: A cluster holding more than this many times its fair share (1/C of the
#: unlabeled clips) is reported as a collapse (with few classes: more than
#: half way from the fair share to all clips).
COLLAPSE_FACTOR = 3


def collapse_share(num_classes: int) -> float:
    """Largest-cluster share above which a phase warns of a collapse."""
    return min(COLLAPSE_FACTOR / num_classes, (1 + 1 / num_classes) / 2)


def phase_report(result: PhaseResult, true_labels: torch.Tensor,
                 num_classes: int) -> Tuple[Dict[str, float], List[str],
                                            List[str]]:
    """Scalars, per-class table lines and warnings of one phase.

    Scalars: ``num_kept``, ``coverage``, ``largest_share`` (share of the
    unlabeled clips in the largest cluster), ``empty_classes``; where the
    unlabeled truth is known (``true_labels >= 0``): ``assignment_acc``,
    ``pseudo_acc`` (precision of the kept pseudo-labels) and
    ``nearest_mean_acc`` (nearest labeled class mean: the floor clustering
    should not fall below).
    """
    kept = result.offline_labels >= 0
    known = true_labels >= 0
    sizes = torch.bincount(result.assignments, minlength=num_classes)
    total = max(len(result.assignments), 1)
    scalars = {
        'num_kept': int(kept.sum()),
        'coverage': kept.float().mean().item() if len(kept) else 0.0,
        'largest_share': int(sizes.max()) / total if len(sizes) else 0.0,
        'empty_classes': int((sizes == 0).sum()),
    }
    warnings = []
    if known.any():
        correct = result.assignments == true_labels
        scalars['assignment_acc'] = correct[known].float().mean().item()
        if (kept & known).any():
            scalars['pseudo_acc'] = correct[kept & known].float().mean(
            ).item()
        if result.nearest_mean is not None:
            scalars['nearest_mean_acc'] = (
                result.nearest_mean == true_labels)[known].float().mean(
                ).item()
            if scalars['assignment_acc'] < scalars['nearest_mean_acc']:
                warnings.append(
                    'clustering ended less accurate ('
                    f'{scalars["assignment_acc"]:.3f}) than the nearest '
                    f'labeled class mean ({scalars["nearest_mean_acc"]:.3f})'
                    ': the clustering options hurt on these features')
    if len(sizes) and scalars['largest_share'] > collapse_share(num_classes):
        warnings.append(
            f'cluster collapse: class {int(sizes.argmax())} holds '
            f'{scalars["largest_share"]:.0%} of the unlabeled clips (fair '
            f'share {1 / num_classes:.0%}), {scalars["empty_classes"]} '
            'classes are empty')
    lines = [f'{"class":>5} {"assigned":>8} {"kept":>6} {"threshold":>9} '
             f'{"kept acc":>8}']
    for c in range(num_classes):
        kept_c = kept & (result.assignments == c)
        acc = '-'
        if (kept_c & known).any():
            acc = f'{(true_labels[kept_c & known] == c).float().mean():.3f}'
        lines.append(f'{c:>5} {int(sizes[c]):>8} {int(kept_c.sum()):>6} '
                     f'{float(result.thresholds[c]):>9.4f} {acc:>8}')
    return scalars, lines, warnings
