"""Semi-supervised recognizer: FixMatch (warm-up) and APLT's online phase."""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...utils import check_keys, gt_labels_of, is_labeled_mask
from ..losses import fixmatch_loss

# Options of ``semi_train_cfg`` and their defaults.
SEMI_TRAIN_DEFAULTS = dict(
    # tau of Eq. 2: confidence a weak-view prediction needs to become a
    # FixMatch pseudo-label.
    fixmatch_threshold=0.95,
    # Weight of the FixMatch unlabeled loss (Eq. 3 uses 1).
    unlabeled_weight=1.0,
)
SEMI_TEST_DEFAULTS = dict(
    # Which classifier predicts at test time: 'cls_head' (parametric).
    predict_with='cls_head', )


@MODELS.register_module()
class APLTRecognizer(BaseModel):
    """A recognizer trained on labeled and unlabeled clips.

    Wraps any MMAction2 recognizer (``Recognizer2D`` for TSN/TSM,
    ``Recognizer3D`` for X3D/SlowFast/TimeSformer...): its backbone (and
    neck) extract features and its ``cls_head`` is the parametric
    classifier. A training batch (from :class:`SemiSupervisedSampler` and
    ``MultiView``) holds labeled and unlabeled clips, each as a ``weak`` and
    a ``strong`` view. The loss follows section 3.2 of the APLT paper:

    .. math::
        \\mathcal{L}^{logits} = \\underbrace{\\frac{1}{B}\\sum_i
        H(y_i, p(y|\\omega(V_i)))}_{\\text{loss\\_sup, Eq. 1}}
        + w_u \\underbrace{\\ell_u}_{\\text{loss\\_unsup, Eq. 2}}

    Besides the losses it logs ``mask_ratio`` (share of unlabeled clips whose
    FixMatch pseudo-label passed the threshold) and, when the unlabeled list
    has labels, ``pseudo_acc`` (accuracy of the pseudo-labels that passed).
    Unlabeled ground truth is read from the ``true_label`` meta key only for
    that log line.

    Args:
        recognizer (dict): Config of the wrapped MMAction2 recognizer, with
            ``backbone``, ``cls_head`` and optional ``neck``.
        semi_train_cfg (dict, optional): Training options; unknown keys are
            rejected.

            - ``fixmatch_threshold`` (float): tau of Eq. 2. Default 0.95.
            - ``unlabeled_weight`` (float): weight of Eq. 2's loss. Default 1.
        semi_test_cfg (dict, optional): Test options.

            - ``predict_with`` (str): ``'cls_head'``.
        data_preprocessor (dict, optional): Usually
            :class:`MultiViewDataPreprocessor`.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigType,
                 semi_train_cfg: OptConfigType = None,
                 semi_test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.semi_train_cfg = dict(
            SEMI_TRAIN_DEFAULTS,
            **check_keys(semi_train_cfg, SEMI_TRAIN_DEFAULTS,
                         'model.semi_train_cfg'))
        self.semi_test_cfg = dict(
            SEMI_TEST_DEFAULTS,
            **check_keys(semi_test_cfg, SEMI_TEST_DEFAULTS,
                         'model.semi_test_cfg'))
        if not 0 <= self.semi_train_cfg['fixmatch_threshold'] <= 1:
            raise ValueError('model.semi_train_cfg.fixmatch_threshold must be '
                             'in [0, 1], got '
                             f"{self.semi_train_cfg['fixmatch_threshold']}")
        self.recognizer = MODELS.build(recognizer)
        if not getattr(self.recognizer, 'with_cls_head', False):
            raise ValueError('model.recognizer needs a cls_head: it is the '
                             'parametric classifier of FixMatch.')

    @property
    def num_classes(self) -> int:
        return self.recognizer.cls_head.num_classes

    # ------------------------------------------------------------------
    # Network pieces
    # ------------------------------------------------------------------
    def extract_feat(self, inputs: torch.Tensor,
                     test_mode: bool = False) -> Tuple:
        """Backbone (+ neck) features and the kwargs the heads need."""
        feats, kwargs = self.recognizer.extract_feat(
            inputs, stage='neck', test_mode=test_mode)
        kwargs.pop('loss_aux', None)
        return feats, kwargs

    def parametric_logits(self, feats, **kwargs) -> torch.Tensor:
        """Logits of the parametric classifier, ``[N, C]``."""
        return self.recognizer.cls_head(feats, **kwargs)

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Losses of one semi-supervised batch (see the class docstring)."""
        if not isinstance(inputs, dict) or not {'weak', 'strong'} <= set(
                inputs):
            raise TypeError(
                'APLTRecognizer trains on multi-view batches: use a '
                "MultiView(weak=..., strong=...) transform and "
                "PackActionInputs(collect_keys=('weak', 'strong')) in the "
                f'train pipeline (got inputs of type {type(inputs).__name__}'
                + (f' with views {sorted(inputs)}' if isinstance(
                    inputs, dict) else '') + ').')
        device = inputs['weak'].device
        labeled = is_labeled_mask(data_samples, device)
        labels = gt_labels_of(data_samples, device)
        weak, strong = inputs['weak'], inputs['strong']

        # One forward pass over every view, so BatchNorm normalises labeled
        # and unlabeled clips together (FixMatch practice).
        views = [weak[labeled], weak[~labeled], strong[~labeled]]
        sizes = [len(v) for v in views]
        feats, kwargs = self.extract_feat(torch.cat(views))
        logits_l, logits_uw, logits_us = self.parametric_logits(
            feats, **kwargs).split(sizes)

        losses = dict()
        losses['loss_sup'] = self._supervised_loss(logits_l, labels[labeled])
        fixmatch = fixmatch_loss(logits_uw, logits_us,
                                 self.semi_train_cfg['fixmatch_threshold'])
        losses['loss_unsup'] = (
            self.semi_train_cfg['unlabeled_weight'] * fixmatch.loss)
        losses.update(
            self._pseudo_label_stats(fixmatch.mask, fixmatch.pseudo_labels,
                                     data_samples, labeled))
        self._check_finite(losses)
        return losses

    def _supervised_loss(self, logits: torch.Tensor,
                         labels: torch.Tensor) -> torch.Tensor:
        """Eq. 1: cross-entropy of the labeled weak views."""
        if len(labels) == 0:
            # A batch without labeled clips contributes no supervised term.
            return logits.sum() * 0
        return F.cross_entropy(logits, labels)

    @staticmethod
    def _pseudo_label_stats(mask: torch.Tensor, pseudo_labels: torch.Tensor,
                            data_samples: SampleList,
                            labeled: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Mask ratio and accuracy of the pseudo-labels that passed."""
        stats = dict(mask_ratio=mask.float().mean() if len(mask) else
                     mask.new_zeros((), dtype=torch.float))
        true = torch.tensor([
            s.metainfo.get('true_label', -1)
            for s, is_l in zip(data_samples, labeled.tolist()) if not is_l
        ],
                            device=mask.device,
                            dtype=torch.long)
        known = mask & (true >= 0)
        if known.any():
            stats['pseudo_acc'] = (pseudo_labels[known] == true[known]).float(
            ).mean()
        return stats

    @staticmethod
    def _check_finite(losses: Dict[str, torch.Tensor]) -> None:
        for name, value in losses.items():
            if name.startswith('loss') and not torch.isfinite(value).all():
                raise FloatingPointError(
                    f'{name} is {value.item()}: training diverged. Lower the '
                    'learning rate (optim_wrapper.optimizer.lr) or check the '
                    'input data.')

    # ------------------------------------------------------------------
    # Inference
    # ------------------------------------------------------------------
    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        """Predict with the classifier chosen by ``semi_test_cfg``."""
        return self.recognizer.predict(inputs, data_samples)

    def _forward(self, inputs: torch.Tensor,
                 data_samples: Optional[SampleList] = None):
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
            return self._forward(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": use loss, predict or '
                           'tensor.')
