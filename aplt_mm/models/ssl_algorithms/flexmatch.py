"""FlexMatch (Zhang et al., NeurIPS 2021): curriculum pseudo-labeling."""
from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS

from ...datasets.unlabeled_list import check_table_fits
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

    ``selected_label`` (one entry per clip of the unlabeled list) is a
    buffer, so checkpoints and ``--resume`` carry it. It is sized when
    training starts, from the train dataset (:meth:`bind_unlabeled_list`,
    called by :class:`DataContractHook` before ``EMAHook`` copies the
    model, so the copy has the same table), and stored next to the
    :func:`list_fingerprint` of the list (``unlabeled_list_fingerprint``):
    a checkpoint whose table was made for another list (reordered, shrunk,
    another split) is refused when it is loaded into the bound model.
    Checkpoints from before the fingerprint (0 = unknown) are checked by
    their table's length only. Training an unbound FlexMatch stops at the
    first step with an error.

    Args:
        num_classes (int): Classes (set by :class:`SemiRecognizer`).
        threshold (float): ``tau``. Default 0.95.
        unlabeled_weight (float): ``lambda_u``. Default 1.
        threshold_warmup (bool): Count the unused clips in the
            normaliser. Default True.
    """

    per_clip_state = True

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
        # list_fingerprint of the list the table was made for (0 = unknown).
        self.register_buffer('unlabeled_list_fingerprint',
                             torch.tensor(0, dtype=torch.long))
        # (size, fingerprint, name) of the train dataset's unlabeled list,
        # set by bind_unlabeled_list; not state (a property of this run).
        self.bound_list: Optional[Tuple[int, int, str]] = None

    def bind_unlabeled_list(self, size: int, fingerprint: int,
                            name: str) -> None:
        """Size ``selected_label`` for the list (every entry -1), or, if it
        already holds a table (loaded from a checkpoint), check that the
        table was made for this list. See :meth:`SSLAlgorithm.
        bind_unlabeled_list` for the arguments."""
        if size < 1:
            raise ValueError(f'FlexMatch: the unlabeled list ({name}) is '
                             'empty; it needs unlabeled clips.')
        self.bound_list = (size, fingerprint, name)
        if self.selected_label.numel() == 0:
            self.selected_label = self.selected_label.new_full((size, ), -1)
            self.unlabeled_list_fingerprint.fill_(fingerprint)
        else:
            self._check_table(len(self.selected_label),
                              int(self.unlabeled_list_fingerprint))

    def _check_table(self, size: int, fingerprint: int) -> None:
        """Refuse a table of ``size`` entries made for the list with
        ``fingerprint`` (0 = unknown: length only) unless it is the bound
        list's."""
        check_table_fits(
            "FlexMatch's selected-label table (from the checkpoint)", size,
            fingerprint, *self.bound_list)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        table = state_dict.get(prefix + 'selected_label')
        if table is not None and self.bound_list is not None:
            # Loaded into a model bound to the train dataset (--resume):
            # check before the table replaces the one sized for the list.
            self._check_table(
                len(table),
                int(state_dict.get(prefix + 'unlabeled_list_fingerprint', 0)))
        # Checkpoints from before the fingerprint: a bound model adopts
        # its list's (the table passed the length check and from now on
        # records that list's clips); otherwise unknown.
        state_dict.setdefault(
            prefix + 'unlabeled_list_fingerprint',
            torch.tensor(self.bound_list[1] if self.bound_list else 0,
                         dtype=torch.long))
        # The table's length is the unlabeled list's: take the checkpoint's.
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
               predictions: torch.Tensor) -> None:
        """Store the confident predictions of a batch, from every rank."""
        size = len(self.selected_label)
        if len(unlabeled_index) and (int(unlabeled_index.min()) < 0 or
                                     int(unlabeled_index.max()) >= size):
            # -1 is what a sample without the meta key gets: it would
            # silently overwrite the last clip's entry.
            outside = (unlabeled_index < 0) | (unlabeled_index >= size)
            raise ValueError(
                'FlexMatch: unlabeled_index values '
                f'{sorted(set(unlabeled_index[outside].tolist()))} outside '
                f'the table of the {size} clips of {self.bound_list[2]}; pack '
                "the 'unlabeled_index' meta key (PackActionInputs("
                'meta_keys=...)) of the semi-supervised train dataset.')
        confident = confidence > self.threshold
        pairs = torch.stack(
            [unlabeled_index[confident], predictions[confident]], dim=1)
        pairs = all_gather_rows(pairs.to(self.selected_label.device))
        self.selected_label[pairs[:, 0]] = pairs[:, 1]

    def unlabeled_loss(self, logits: SemiLogits, batch: SemiBatch,
                       progress: float) -> UnlabeledLoss:
        if self.bound_list is None:
            raise RuntimeError(
                'FlexMatch keeps one entry per unlabeled clip and is sized '
                'from the train dataset when training starts: '
                'DataContractHook (default_hooks.data_contract, in '
                'configs/_base_/default_runtime.py) calls '
                'model.bind_dataset(train_dataset); add it to the config, '
                'or call model.bind_dataset yourself outside a Runner.')
        with torch.no_grad():
            confidence, targets = logits.weak_u.detach().softmax(-1).max(-1)
            self.record(batch.unlabeled_index, confidence, targets)
            thresholds = self.class_thresholds().to(confidence.device)
            mask = confidence >= thresholds[targets]
        loss = masked_cross_entropy(logits.strong_u, targets, mask)
        return UnlabeledLoss(self.unlabeled_weight_at(progress) * loss,
                             targets, mask.float(),
                             dict(mean_threshold=thresholds.mean()))
