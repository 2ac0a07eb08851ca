"""APLT's recognizer: an SSL algorithm plus the prototype branch."""
import logging
from typing import Dict, Tuple

import torch
from mmengine.logging import print_log
from mmaction.registry import MODELS, TASK_UTILS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.unlabeled_list import (check_semi_dataset,
                                        check_table_fits,
                                        list_fingerprint,
                                        unlabeled_list_name)
from ...utils import check_keys, take_stored_shape
from ..losses import margin_loss, masked_cross_entropy
from ..utils import (SemiBatch, check_finite_losses, split_semi_batch,
                     target_stats)
from .semi_recognizer import SemiRecognizer

# Options of ``semi_train_cfg`` with their defaults (APLT as in the paper).
# Eq. 2's tau and weight are the algorithm's: model.algorithm.threshold and
# model.algorithm.unlabeled_weight (FixMatch).
SEMI_TRAIN_DEFAULTS = dict(
    # Targets of the unlabeled term: 'online' (the algorithm's own, e.g.
    # FixMatch's weak-view prediction every iteration) or 'offline' (the
    # table of the last offline phase; the "FixMatch ASY" row of Table 4).
    fixmatch_targets='online',
    # lambda of Eq. 9; 0 turns the margin loss off (Variant II).
    margin_weight=1.0,
    # View the margin loss trains on: 'strong' (paper) or 'weak' (Table 3
    # "SSKM (W)").
    margin_view='strong',
    # Unlabeled targets of the margin loss: 'offline' (clustering pseudo-
    # labels, asynchronous) or 'online' (the prototype classifier's own
    # prediction on the weak view every iteration, the SYN row of Table 4).
    margin_targets='offline',
    # Confidence the prototype classifier's online targets need
    # (margin_targets='online').
    margin_threshold=0.95,
    # Weight of a cross-entropy between the parametric classifier on strong
    # unlabeled views and the offline pseudo-labels (Variant I of Table 5).
    offline_ce_weight=0.0,
    # Eq. 7's average: 'kept' (over the clips with a kept pseudo-label, as
    # Eq. 7 sums over the pseudo-labeled set) or 'batch' (over the whole
    # unlabeled batch, which shrinks the term by the share kept).
    margin_unsup_reduction='kept',
)
# Options that moved to the algorithm, for a message that says where.
MOVED_KEYS = dict(
    fixmatch_threshold='model.algorithm.threshold',
    unlabeled_weight='model.algorithm.unlabeled_weight')
SEMI_TEST_DEFAULTS = dict(
    # 'prototype_head' (paper) or 'cls_head' (the parametric classifier).
    predict_with='cls_head', )
CHOICES = dict(
    fixmatch_targets=('online', 'offline'),
    margin_view=('strong', 'weak'),
    margin_targets=('offline', 'online'),
    margin_unsup_reduction=('kept', 'batch'),
    predict_with=('cls_head', 'prototype_head'))


@MODELS.register_module()
class APLTRecognizer(SemiRecognizer):
    """APLT: a :class:`SemiRecognizer` (FixMatch by default) plus the
    prototype branch trained on asynchronous offline pseudo-labels.

    Wraps any MMAction2 recognizer (``Recognizer2D`` for TSN/TSM,
    ``Recognizer3D`` for X3D/SlowFast/TimeSformer, ``RecognizerGCN`` for
    ST-GCN/AAGCN): its backbone (and neck) extract features and its
    ``cls_head`` is the parametric classifier. Each training batch
    (:class:`SemiSupervisedSampler` + ``MultiView``) holds labeled and
    unlabeled clips, each as a ``weak`` and a ``strong`` view. The loss
    mirrors the paper:

    - warm-up (section 3.2), before the first offline phase: the
      algorithm's terms, with FixMatch::

          L = loss_sup (Eq. 1) + w_u * loss_unsup (Eq. 2)

    - online phase (section 3.4), once :class:`APLTOfflineHook` has run an
      offline phase with ``offline_labeler`` and installed its prototypes
      and pseudo-labels (:meth:`install_offline_phase`)::

          L = loss_sup + w_u * loss_unsup
              + lambda * (loss_margin_sup (Eq. 6) + loss_margin_unsup (Eq. 7))

      The prototypes stay fixed (buffers). Unlabeled clips whose offline
      pseudo-label was filtered out contribute nothing; Eq. 7 averages over
      the kept ones (``margin_unsup_reduction``).

    Besides the algorithm's statistics it logs ``offline_keep_ratio`` (the
    batch's share of unlabeled clips with a kept offline pseudo-label).

    The offline pseudo-label table (``offline_labels``, one entry per
    unlabeled clip, -1 where filtered) is a buffer, so checkpoints and
    ``--resume`` carry it; batches look it up by the clip's
    ``unlabeled_index`` meta key, in the main process.

    Args:
        recognizer (dict): Wrapped MMAction2 recognizer (``backbone``,
            ``cls_head``, optional ``neck``).
        algorithm (dict): The semi-supervised algorithm of Eq. 1-2
            (:class:`SemiRecognizer`): ``dict(type='FixMatch',
            threshold=0.95, unlabeled_weight=1.0)`` as in the paper.
        prototype_head (dict, optional): :class:`PrototypeHead` config;
            ``num_classes`` and ``in_channels`` default to the ``cls_head``'s.
            None for FixMatch ASY (offline classifier labels only).
        offline_labeler (dict, optional): How offline phases label
            (``TASK_UTILS``): :class:`ClusteringLabeler` (APLT; the default
            with a prototype head) or :class:`ClassifierLabeler` (FixMatch
            ASY). A model with a labeler trains only under
            :class:`APLTOfflineHook`.
        semi_train_cfg (dict, optional): Training options, unknown keys
            rejected; see ``SEMI_TRAIN_DEFAULTS`` in this module for every
            key: ``fixmatch_targets``, ``margin_weight``, ``margin_view``,
            ``margin_targets``, ``margin_threshold``, ``offline_ce_weight``,
            ``margin_unsup_reduction``.
        semi_test_cfg (dict, optional): ``predict_with``: ``'cls_head'`` or
            ``'prototype_head'`` (before the first offline phase the
            parametric head is used, with a warning).
        data_preprocessor (dict, optional): Usually
            :class:`MultiViewDataPreprocessor`.
        view_forward (str): ``'joint'`` or ``'per_view'`` BatchNorm
            batches (:class:`SemiRecognizer`).
        running_stats (str): ``'all'`` or ``'weak'``: the views that
            update BatchNorm's running statistics (:class:`SemiRecognizer`).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigType,
                 algorithm: ConfigType = dict(type='FixMatch'),
                 prototype_head: OptConfigType = None,
                 offline_labeler: OptConfigType = None,
                 semi_train_cfg: OptConfigType = None,
                 semi_test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 view_forward: str = 'joint',
                 running_stats: str = 'all',
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(recognizer, algorithm, data_preprocessor,
                         view_forward, running_stats, init_cfg)
        for key, where in MOVED_KEYS.items():
            if key in (semi_train_cfg or {}):
                raise KeyError(f'model.semi_train_cfg.{key} is now {where}')
        self.semi_train_cfg = dict(
            SEMI_TRAIN_DEFAULTS,
            **check_keys(semi_train_cfg, SEMI_TRAIN_DEFAULTS,
                         'model.semi_train_cfg'))
        self.semi_test_cfg = dict(
            SEMI_TEST_DEFAULTS,
            **check_keys(semi_test_cfg, SEMI_TEST_DEFAULTS,
                         'model.semi_test_cfg'))
        self._check_choices()
        self.prototype_head = None
        if prototype_head:
            cls_head = self.recognizer.cls_head
            self.prototype_head = MODELS.build(
                prototype_head,
                default_args=dict(
                    num_classes=self.num_classes,
                    in_channels=getattr(cls_head, 'in_channels', None)))
        if self.prototype_head is not None and \
                self.prototype_head.num_classes != self.num_classes:
            raise ValueError(
                f'model.prototype_head.num_classes '
                f'({self.prototype_head.num_classes}) differs from '
                f'model.recognizer.cls_head.num_classes ({self.num_classes})')
        needs_prototypes = (
            self.semi_test_cfg['predict_with'] == 'prototype_head'
            or self.semi_train_cfg['margin_weight'] > 0)
        if needs_prototypes and self.prototype_head is None:
            raise ValueError(
                'model.prototype_head is None but the margin loss '
                '(semi_train_cfg.margin_weight > 0) or prototype prediction '
                "(semi_test_cfg.predict_with='prototype_head') needs it. "
                'For FixMatch alone use SemiRecognizer.')
        if offline_labeler is None and self.prototype_head is not None:
            offline_labeler = dict(type='ClusteringLabeler')
        if offline_labeler is None:
            raise ValueError(
                'APLTRecognizer without a prototype_head or an '
                'offline_labeler would train its algorithm alone: use '
                "SemiRecognizer (e.g. algorithm=dict(type='FixMatch')).")
        self.offline_labeler = TASK_UTILS.build(offline_labeler)
        if self.offline_labeler.builds_prototypes and \
                self.prototype_head is None:
            raise ValueError(f'model.offline_labeler '
                             f'({type(self.offline_labeler).__name__}) '
                             'builds prototypes: set model.prototype_head.')
        self.register_buffer('offline_labels', torch.empty(0,
                                                           dtype=torch.long))
        # Hash of the unlabeled list the table was made for (0 = none).
        self.register_buffer('offline_list_fingerprint',
                             torch.tensor(0, dtype=torch.long))
        # Set by APLTOfflineHook.before_train; not state.
        self.offline_schedule_attached = False
        self._warned_no_prototypes = False

    def _check_choices(self) -> None:
        for cfg_name, cfg in (('semi_train_cfg', self.semi_train_cfg),
                              ('semi_test_cfg', self.semi_test_cfg)):
            for key, choices in CHOICES.items():
                if key in cfg and cfg[key] not in choices:
                    raise ValueError(
                        f'model.{cfg_name}.{key} must be one of {choices}, '
                        f'got {cfg[key]!r}')
        tau = self.semi_train_cfg['margin_threshold']
        if not 0 <= tau <= 1:
            raise ValueError('model.semi_train_cfg.margin_threshold must '
                             f'be in [0, 1], got {tau}')

    @property
    def with_prototypes(self) -> bool:
        """Whether an offline phase has installed prototypes."""
        return self.prototype_head is not None and bool(
            self.prototype_head.initialized)

    @property
    def with_offline_labels(self) -> bool:
        """Whether an offline phase has installed a pseudo-label table."""
        return self.offline_labels.numel() > 0

    # ------------------------------------------------------------------
    # State written by APLTOfflineHook
    # ------------------------------------------------------------------
    @torch.no_grad()
    def install_offline_phase(self, result, fingerprint: int) -> None:
        """Install a phase's result (:class:`PhaseResult`): prototypes,
        center and thresholds into the prototype head, the pseudo-label
        table (-1 = filtered) and the :func:`list_fingerprint` of the
        unlabeled list it belongs to."""
        device = self.offline_labels.device
        if result.prototypes is not None:
            self.prototype_head.set_prototypes(
                result.prototypes.to(device), result.thresholds.to(device),
                None if result.center is None else result.center.to(device))
        self.offline_labels = result.offline_labels.to(
            device, torch.long).clone()
        self.offline_list_fingerprint.fill_(fingerprint)

    def check_offline_dataset(self, dataset) -> int:
        """Refuse a dataset the offline phases cannot address, and a
        resumed pseudo-label table made for another unlabeled list; return
        the list's :func:`list_fingerprint` (hashed once here)."""
        check_semi_dataset(dataset, 'The APLT offline phase')
        fingerprint = list_fingerprint(dataset)
        if not self.with_offline_labels:
            return fingerprint
        check_table_fits("The checkpoint's offline pseudo-label table",
                         len(self.offline_labels),
                         int(self.offline_list_fingerprint),
                         dataset.num_unlabeled, fingerprint,
                         unlabeled_list_name(dataset))
        return fingerprint

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # The table's length is the unlabeled set's size, unknown when the
        # model is built: take the checkpoint's.
        take_stored_shape(self, state_dict, prefix, 'offline_labels')
        # Checkpoints from before the fingerprint: unknown list.
        state_dict.setdefault(prefix + 'offline_list_fingerprint',
                              torch.tensor(0, dtype=torch.long))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # ------------------------------------------------------------------
    # Network pieces
    # ------------------------------------------------------------------
    @torch.no_grad()
    def offline_outputs(self, inputs: torch.Tensor) -> Dict[str, torch.Tensor]:
        """What an offline phase needs of a batch of (normalised) clips.

        Returns ``features`` (pooled by the prototype head before any
        normalisation, ``[N, D]``, or None without one) and the parametric
        ``logits`` (``[N, C]``).
        """
        feats, kwargs = self.extract_feat(inputs, test_mode=True)
        outputs = dict(
            logits=self.recognizer.cls_head(feats, **kwargs), features=None)
        if self.prototype_head is not None:
            outputs['features'] = self.prototype_head.pool(
                feats, kwargs.get('num_segs'))
        return outputs

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Losses of one batch, in the paper's steps (class docstring)."""
        cfg = self.semi_train_cfg
        if not self.offline_schedule_attached:
            raise RuntimeError(
                f'{type(self).__name__} with model.offline_labeler '
                f'({type(self.offline_labeler).__name__}) trains under '
                "APLTOfflineHook: add custom_hooks = [dict(type="
                "'APLTOfflineHook', warmup_epochs=..., interval=...)] to the "
                'config (without it, it would silently train as FixMatch).')
        batch = split_semi_batch(inputs, data_samples)
        online_phase = self.with_prototypes and cfg['margin_weight'] > 0
        margin_on_strong = online_phase and cfg['margin_view'] == 'strong'
        views = [batch.weak_l, batch.weak_u, batch.strong_u]
        if margin_on_strong:
            views.append(batch.strong_l)
        feats, kwargs, logits = self.forward_views(views)

        # Eq. 1-2: the algorithm (FixMatch) on the parametric classifier.
        losses = self.algorithm_losses(batch, *logits[:3])
        if cfg['fixmatch_targets'] == 'offline' and self.with_offline_labels:
            # FixMatch ASY: the last offline phase's table replaces the
            # online targets.
            targets, keep = self._offline_targets(batch)
            losses['loss_unsup'] = self.algorithm.unlabeled_weight * \
                masked_cross_entropy(logits[2], targets, keep)
            losses.update(target_stats(targets, keep, batch.true_labels))
        if online_phase:
            losses.update(
                self.margin_losses(batch, feats, kwargs,
                                   [len(v) for v in views]))
        if cfg['offline_ce_weight'] > 0 and self.with_offline_labels:
            # Variant I: clustering labels train the parametric classifier.
            targets, keep = self._offline_targets(batch)
            losses['loss_offline_ce'] = cfg['offline_ce_weight'] * \
                masked_cross_entropy(logits[2], targets, keep)
        check_finite_losses(losses)
        return losses

    def margin_losses(self, batch: SemiBatch, feats: torch.Tensor,
                      kwargs: dict, sizes: list) -> Dict[str, torch.Tensor]:
        """Eq. 6-7: the prototype classifier's margin loss on the labeled
        clips (ground truth) and the unlabeled ones (pseudo-labels), on the
        views :meth:`loss` forwarded (``sizes``: weak_l, weak_u, strong_u
        and, with ``margin_view='strong'``, strong_l)."""
        cfg = self.semi_train_cfg
        proto_logits = self.prototype_head(feats, **kwargs).split(sizes)
        if cfg['margin_view'] == 'strong':
            proto_l, proto_u = proto_logits[3], proto_logits[2]
        else:
            proto_l, proto_u = proto_logits[0], proto_logits[1]
        if cfg['margin_targets'] == 'online':
            confidence, targets = proto_logits[1].detach().softmax(-1).max(-1)
            keep = confidence >= cfg['margin_threshold']
        else:
            targets, keep = self._offline_targets(batch)
        weight = cfg['margin_weight']
        return dict(
            loss_margin_sup=weight * margin_loss(
                proto_l, batch.labels,
                torch.ones_like(batch.labels, dtype=torch.bool)),
            loss_margin_unsup=weight * margin_loss(
                proto_u, targets, keep, cfg['margin_unsup_reduction']),
            offline_keep_ratio=keep.float().mean() if len(keep) else
            keep.new_zeros((), dtype=torch.float))

    def _offline_targets(self, batch: SemiBatch) -> Tuple[torch.Tensor,
                                                          torch.Tensor]:
        """Offline pseudo-labels of the batch's unlabeled clips and keep."""
        index = batch.unlabeled_index
        if (index < 0).any() or (index >= len(self.offline_labels)).any():
            raise IndexError(
                f'unlabeled_index {index.tolist()} outside the offline table '
                f'of {len(self.offline_labels)} clips: the train pipeline '
                "must pack the 'unlabeled_index' meta key, and the table must "
                'come from the same unlabeled list.')
        targets = self.offline_labels[index]
        return targets, targets >= 0

    # ------------------------------------------------------------------
    # Inference
    # ------------------------------------------------------------------
    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        """Predict with the classifier ``semi_test_cfg.predict_with``."""
        if self.semi_test_cfg['predict_with'] == 'cls_head':
            return self.recognizer.predict(inputs, data_samples)
        if not self.with_prototypes:
            if not self._warned_no_prototypes:
                print_log(
                    'No prototypes yet (no offline phase has run): '
                    'predicting with the parametric cls_head.',
                    logger='current',
                    level=logging.WARNING)
                self._warned_no_prototypes = True
            return self.recognizer.predict(inputs, data_samples)
        feats, kwargs = self.extract_feat(inputs, test_mode=True)
        return self.prototype_head.predict(feats, data_samples, **kwargs)
