"""A recognizer trained by any semi-supervised algorithm of Table 1."""
from contextlib import nullcontext
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModel
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.unlabeled_list import (check_semi_dataset, list_fingerprint,
                                        unlabeled_list_name)
from ..ssl_algorithms import SemiLogits, SSLAlgorithm, training_progress
from ..utils import (SemiBatch, check_finite_losses, neck_features,
                     running_stats_frozen, split_semi_batch, target_stats)


@MODELS.register_module()
class SemiRecognizer(BaseModel):
    """Any MMAction2 recognizer trained by a selectable SSL algorithm.

    The baselines of the paper's Table 1 share everything but the loss:
    the data (:class:`SemiVideoDataset` or :class:`SemiPoseDataset`,
    :class:`SemiSupervisedSampler`, ``MultiView``), the wrapped recognizer
    (backbone, neck, ``cls_head``) and the schedule. One forward pass
    computes the logits of the labeled weak views, the unlabeled weak views
    and the unlabeled strong views (and, for Mean Teacher, the teacher's on
    the unlabeled weak views); the algorithm turns them into ``loss_sup``
    and ``loss_unsup``::

        L = algorithm.supervised_loss + algorithm.unlabeled_loss

    so swapping ``algorithm=dict(type='FlexMatch')`` for
    ``dict(type='SoftMatch')`` is the only change between two baselines.
    :class:`APLTRecognizer` is this recognizer (FixMatch as the algorithm)
    plus the prototype branch.

    Logged besides the losses: ``mask_ratio`` (mean weight of the
    unlabeled clips: the share kept for thresholding methods, the mean
    soft weight for SoftMatch), ``pseudo_acc`` (accuracy of the kept
    targets, when the unlabeled list has labels; read from the
    ``true_label`` meta key for this log line only; a batch that keeps
    nothing does not update it, so the printed value averages the last
    batches that kept a clip) and each algorithm's
    own statistics (thresholds...). Testing uses the wrapped recognizer.

    Args:
        recognizer (dict): Wrapped MMAction2 recognizer (``backbone``,
            ``cls_head``, optional ``neck``); its ``cls_head`` is the
            parametric classifier.
        algorithm (dict): An :class:`SSLAlgorithm` config: ``FixMatch``
            (default), ``PseudoLabel``, ``MeanTeacher`` (needs
            ``MeanTeacherHook``), ``UDA``, ``FlexMatch``, ``FreeMatch`` or
            ``SoftMatch``, with their options; ``num_classes`` is filled in
            from the recognizer's ``cls_head``.
        data_preprocessor (dict, optional): Usually
            :class:`MultiViewDataPreprocessor`.
        view_forward (str): ``'joint'`` (default, FixMatch practice): one
            forward pass over the concatenated views, so BatchNorm
            normalises labeled, weak and strong clips with the statistics
            of all of them. ``'per_view'``: one pass per view (USB's
            ``use_cat=False``), so the labeled clips are normalised by
            labeled statistics only and strong views never shift the
            batch statistics of the others. Losses and gradients are
            otherwise identical.
        running_stats (str): Which views update BatchNorm's running
            statistics, the ones testing normalises with: ``'all'``
            (default) or ``'weak'`` (the labeled and unlabeled weak views,
            the ones that look like test clips; needs ``'per_view'``).
            With ``'all'`` the strong views take part in every update.
        init_cfg (dict, optional): Initialisation config.
    """

    VIEW_FORWARDS = ('joint', 'per_view')
    RUNNING_STATS = ('all', 'weak')
    # The views :meth:`forward_views` takes, in this order (or a prefix).
    VIEW_ORDER = ('weak_l', 'weak_u', 'strong_u', 'strong_l')

    def __init__(self,
                 recognizer: ConfigType,
                 algorithm: ConfigType = dict(type='FixMatch'),
                 data_preprocessor: OptConfigType = None,
                 view_forward: str = 'joint',
                 running_stats: str = 'all',
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if view_forward not in self.VIEW_FORWARDS:
            raise ValueError(f'model.view_forward must be one of '
                             f'{self.VIEW_FORWARDS}, got {view_forward!r}')
        if running_stats not in self.RUNNING_STATS:
            raise ValueError(f'model.running_stats must be one of '
                             f'{self.RUNNING_STATS}, got {running_stats!r}')
        if running_stats != 'all' and view_forward != 'per_view':
            raise ValueError(
                f"model.running_stats={running_stats!r} needs "
                "model.view_forward='per_view': a joint forward updates the "
                'running statistics with every view at once.')
        self.view_forward = view_forward
        self.running_stats = running_stats
        self.recognizer = MODELS.build(recognizer)
        if not getattr(self.recognizer, 'with_cls_head', False):
            raise ValueError('model.recognizer needs a cls_head: it is the '
                             'parametric classifier.')
        self.algorithm = MODELS.build(
            algorithm, default_args=dict(num_classes=self.num_classes))
        if not isinstance(self.algorithm, SSLAlgorithm):
            raise TypeError(
                f'model.algorithm: {type(self.algorithm).__name__} is not an '
                'SSLAlgorithm (FixMatch, PseudoLabel, MeanTeacher, UDA, '
                'FlexMatch, FreeMatch, SoftMatch)')
        self.algorithm.setup(self.recognizer)

    @property
    def num_classes(self) -> int:
        return self.recognizer.cls_head.num_classes

    def bind_dataset(self, dataset) -> None:
        """Size the algorithm's per-clip state (FlexMatch's table) for the
        unlabeled list of the train ``dataset``, or check a checkpoint's
        against it.

        :class:`DataContractHook` calls it when training starts
        (``before_run``, before ``EMAHook`` copies the model). Algorithms
        without per-clip state need nothing, and the list is then not
        read; otherwise it is hashed once (:func:`list_fingerprint`) and
        handed to :meth:`SSLAlgorithm.bind_unlabeled_list`.

        Args:
            dataset: The train dataset, labeled clips first, then
                unlabeled (:class:`SemiVideoDataset`,
                :class:`SemiPoseDataset`).
        """
        if not self.algorithm.per_clip_state:
            return
        check_semi_dataset(dataset, type(self.algorithm).__name__)
        self.algorithm.bind_unlabeled_list(dataset.num_unlabeled,
                                           list_fingerprint(dataset),
                                           unlabeled_list_name(dataset))

    def extract_feat(self, inputs: torch.Tensor,
                     test_mode: bool = False) -> tuple:
        """Backbone (+ neck) features and the kwargs the heads need."""
        return neck_features(self.recognizer, inputs, test_mode)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # FixMatch checkpoints from when FixMatch was an APLTRecognizer
        # without prototypes carry its two offline-table buffers, empty.
        for key in ('offline_labels', 'offline_list_fingerprint'):
            value = state_dict.get(prefix + key)
            if not hasattr(self, key) and value is not None and (
                    key != 'offline_labels' or value.numel() == 0):
                del state_dict[prefix + key]
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # ------------------------------------------------------------------
    # Training, in named steps a subclass composes
    # ------------------------------------------------------------------
    def forward_views(
        self, views: Sequence[torch.Tensor]
    ) -> Tuple[torch.Tensor, dict, List[torch.Tensor]]:
        """Features and ``cls_head`` logits of every view: one forward
        pass over the concatenated views, or one per view
        (``view_forward``, class docstring).

        Args:
            views (list[Tensor]): The batch's views in ``VIEW_ORDER``
                (weak_l, weak_u, strong_u, strong_l) or a prefix of it.

        Returns:
            tuple: The features of the concatenated views, the heads'
            kwargs, and the ``cls_head`` logits split back per view.
        """
        sizes = [len(v) for v in views]
        if self.view_forward == 'joint':
            feats, kwargs = self.extract_feat(torch.cat(list(views)))
        else:
            parts = []
            for name, view in zip(self.VIEW_ORDER, views):
                if not len(view):
                    continue
                frozen = (self.running_stats == 'weak'
                          and name.startswith('strong'))
                with (running_stats_frozen(self.recognizer)
                      if frozen else nullcontext()):
                    parts.append(self.extract_feat(view))
            # Views of one batch share their shape, so the heads' kwargs
            # (num_segs...) are those of any of them.
            feats, kwargs = torch.cat([f for f, _ in parts]), parts[0][1]
        logits = self.recognizer.cls_head(feats, **kwargs)
        return feats, kwargs, list(logits.split(sizes))

    def algorithm_losses(self, batch: SemiBatch, weak_l: torch.Tensor,
                         weak_u: torch.Tensor,
                         strong_u: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_sup`` and ``loss_unsup`` of the algorithm, and its
        statistics, from the logits of the three views."""
        teacher = None
        if self.algorithm.uses_teacher and len(batch.weak_u):
            teacher = self.algorithm.teacher_logits(batch.weak_u)
        logits = SemiLogits(weak_l, weak_u, strong_u, teacher)
        progress = training_progress()
        losses = dict(
            loss_sup=self.algorithm.supervised_loss(weak_l, batch.labels,
                                                    progress))
        unlabeled = self.algorithm.unlabeled_loss(logits, batch, progress)
        losses['loss_unsup'] = unlabeled.loss
        losses.update(
            target_stats(unlabeled.targets, unlabeled.weights,
                         batch.true_labels))
        losses.update(unlabeled.stats)
        return losses

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """``loss_sup`` and ``loss_unsup`` of the algorithm, and its stats."""
        batch = split_semi_batch(inputs, data_samples)
        _, _, logits = self.forward_views(
            [batch.weak_l, batch.weak_u, batch.strong_u])
        losses = self.algorithm_losses(batch, *logits)
        check_finite_losses(losses)
        return losses

    # ------------------------------------------------------------------
    # Inference
    # ------------------------------------------------------------------
    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        """Predict with the wrapped recognizer."""
        return self.recognizer.predict(inputs, data_samples)

    def _forward(self, inputs: torch.Tensor) -> List:
        feats, _ = self.extract_feat(inputs, test_mode=True)
        return feats

    def forward(self,
                inputs,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise RuntimeError(f'Invalid mode "{mode}": use loss, predict or '
                           'tensor.')
