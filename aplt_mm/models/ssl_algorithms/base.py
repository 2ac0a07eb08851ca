"""What every semi-supervised baseline shares, and what it is given."""
from typing import Dict, NamedTuple, Optional

import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModule

from ..utils import SemiBatch, labeled_cross_entropy


class SemiLogits(NamedTuple):
    """Logits of one batch, computed in one forward pass by the recognizer.

    ``teacher_weak_u`` is only set for algorithms with a teacher
    (``uses_teacher``).
    """
    weak_l: torch.Tensor  # [B_l, C] labeled clips, weak view
    weak_u: torch.Tensor  # [B_u, C] unlabeled clips, weak view
    strong_u: torch.Tensor  # [B_u, C] unlabeled clips, strong view
    teacher_weak_u: Optional[torch.Tensor] = None  # [B_u, C], no gradient


class UnlabeledLoss(NamedTuple):
    """An algorithm's unlabeled term and what it was made of."""
    loss: torch.Tensor  # scalar, weight included
    targets: torch.Tensor  # [B_u] hard pseudo-labels (for monitoring)
    weights: torch.Tensor  # [B_u] per-clip weight in [0, 1] (a mask: 0/1)
    stats: Dict[str, torch.Tensor]  # scalars to log (thresholds...)


def training_progress() -> float:
    """Share of training done, ``iter / max_iters`` from the message hub.

    Outside a :class:`mmengine.runner.Runner` (no iteration info) it is 1:
    every ramp-up and annealing schedule has finished.
    """
    hub = MessageHub.get_current_instance()
    it, total = hub.get_info('iter'), hub.get_info('max_iters')
    if it is None or not total:
        return 1.0
    return min(max(it / total, 0.0), 1.0)


def scheduled_momentum(momentum: float,
                       time_fraction: Optional[float]) -> float:
    """An EMA momentum, fixed or scaled to the length of training.

    The published momenta (0.999) give an EMA a time constant of
    ``1 / (1 - m)`` = 1000 steps, set for runs of 10^5-10^6 steps; on a
    benchmark of a few hundred steps the average never leaves its initial
    value. With ``time_fraction = f`` the time constant is that fraction
    of the run's ``T`` optimizer steps (``max_iters`` of the Runner)::

        m = 1 - 1 / (f T)            (0 if f T <= 1)

    e.g. ``f = 0.05``: 630 steps -> m = 0.968, 10^6 steps -> 0.99998.

    Args:
        momentum (float): The fixed momentum, used when ``time_fraction``
            is None or no Runner gives ``max_iters``.
        time_fraction (float, optional): ``f`` in (0, 1].

    Returns:
        float: The momentum to use now.
    """
    if time_fraction is None:
        return momentum
    total = MessageHub.get_current_instance().get_info('max_iters')
    if not total:
        return momentum
    return max(0.0, 1 - 1 / (time_fraction * total))


def check_time_fraction(value: Optional[float]) -> Optional[float]:
    """``value`` if None or in (0, 1], else a ValueError."""
    if value is not None and not 0 < value <= 1:
        raise ValueError(f'ema_time_fraction must be in (0, 1], got {value}')
    return value


class SSLAlgorithm(BaseModule):
    """Base of the semi-supervised algorithms :class:`SemiRecognizer` runs.

    An algorithm turns the logits of a batch into two terms,
    ``L = supervised_loss + unlabeled_loss``; the recognizer does the
    forward pass, so every algorithm sees the same data, backbone and views.
    State an algorithm keeps across iterations (thresholds, statistics,
    per-clip tables, a teacher) lives in buffers or submodules of the
    algorithm, so checkpoints and ``--resume`` carry it, and statistics are
    reduced over ranks before they update it, so every rank holds the same.

    Args:
        num_classes (int): Classes; :class:`SemiRecognizer` passes its
            classifier's.
        unlabeled_weight (float): Weight ``lambda_u`` of the unlabeled term.
        warmup (float): Share of training, from the start, during which
            the unlabeled term has weight 0 (labeled-only warm-up); the
            algorithm's statistics, thresholds and tables still update, so
            they start from the warmed-up model's confidence. The
            self-adaptive thresholds of FlexMatch, FreeMatch and SoftMatch
            start near chance level by design, which their papers' runs of
            10^5-10^6 steps absorb; on a run of a few hundred steps they
            train on an untrained model's guesses from the first step.
            Default 0 (the papers).
        init_cfg (dict, optional): Initialisation config.
    """
    #: Whether the recognizer must compute ``SemiLogits.teacher_weak_u``.
    uses_teacher = False
    #: Whether the algorithm keeps a table with one entry per unlabeled
    #: clip, sized by :meth:`bind_unlabeled_list` when training starts.
    per_clip_state = False

    def __init__(self,
                 num_classes: int,
                 unlabeled_weight: float = 1.0,
                 warmup: float = 0.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 1:
            raise ValueError(f'num_classes must be >= 1, got {num_classes}')
        if unlabeled_weight < 0:
            raise ValueError('unlabeled_weight must be >= 0, got '
                             f'{unlabeled_weight}')
        self.num_classes = num_classes
        self.unlabeled_weight = unlabeled_weight
        self.warmup = check_probability('warmup', warmup)

    def in_warmup(self, progress: float) -> bool:
        """Whether the unlabeled term is still off (see ``warmup``)."""
        return progress < self.warmup

    def unlabeled_weight_at(self, progress: float) -> float:
        """``lambda_u`` now: 0 during the warm-up."""
        return 0.0 if self.in_warmup(progress) else self.unlabeled_weight

    def setup(self, student: torch.nn.Module) -> None:
        """Called once with the wrapped recognizer after it is built
        (Mean Teacher copies it into its teacher)."""

    def bind_unlabeled_list(self, size: int, fingerprint: int,
                            name: str) -> None:
        """Size the per-clip state for the unlabeled list the run trains
        on, or check that state restored from a checkpoint was made for it.

        Called once at start-up by :meth:`SemiRecognizer.bind_dataset`
        (from :class:`DataContractHook`), only for algorithms with
        ``per_clip_state``; the base algorithm keeps none.

        Args:
            size (int): Number of unlabeled clips ``N``; a batch addresses
                them by the ``unlabeled_index`` meta key, in ``[0, N)``.
            fingerprint (int): :func:`list_fingerprint` of the list.
            name (str): The list, for error messages (its file, or split).
        """

    def supervised_loss(self, logits: torch.Tensor, labels: torch.Tensor,
                        progress: float) -> torch.Tensor:
        """Cross-entropy of the labeled clips' weak view (0 without any)."""
        return labeled_cross_entropy(logits, labels)

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        """The algorithm's unlabeled term.

        Args:
            logits (SemiLogits): The batch's logits.
            batch (SemiBatch): The batch (indices, sizes).
            progress (float): Share of training done, in [0, 1].
        """
        raise NotImplementedError


def check_probability(name: str, value: float) -> float:
    """``value`` if it lies in [0, 1], else a ValueError naming ``name``."""
    if not 0 <= value <= 1:
        raise ValueError(f'{name} must be in [0, 1], got {value}')
    return value


def soft_cross_entropy(logits: torch.Tensor,
                       targets: torch.Tensor) -> torch.Tensor:
    """``[B]`` cross-entropy of ``logits`` against probability rows."""
    return -(targets * logits.log_softmax(-1)).sum(-1)
