"""A recognizer trained by any semi-supervised algorithm of Table 1."""
from typing import Dict

import torch
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ...datasets.unlabeled_list import (check_semi_dataset, list_fingerprint,
                                        unlabeled_list_name)
from ..ssl_algorithms import SemiLogits, SSLAlgorithm, training_progress
from .semi_base_recognizer import SemiBaseRecognizer
from ..utils import check_finite_losses, split_semi_batch, target_stats


@MODELS.register_module()
class SemiRecognizer(SemiBaseRecognizer):
    """Any MMAction2 recognizer trained by a selectable SSL algorithm.

    The baselines of the paper's Table 1 share everything but the loss:
    the data (:class:`SemiVideoDataset`, :class:`SemiSupervisedSampler`,
    ``MultiView``), the wrapped recognizer (backbone, neck, ``cls_head``)
    and the schedule. One forward pass computes the logits of the labeled
    weak views, the unlabeled weak views and the unlabeled strong views
    (and, for Mean Teacher, the teacher's on the unlabeled weak views); the
    algorithm turns them into ``loss_sup`` and ``loss_unsup``::

        L = algorithm.supervised_loss + algorithm.unlabeled_loss

    so swapping ``algorithm=dict(type='FlexMatch')`` for
    ``dict(type='SoftMatch')`` is the only change between two baselines.

    Logged besides the losses: ``mask_ratio`` (mean weight of the
    unlabeled clips: the share kept for thresholding methods, the mean
    soft weight for SoftMatch), ``pseudo_acc`` (accuracy of the kept
    targets, when the unlabeled list has labels; read from the
    ``true_label`` meta key for this log line only) and each algorithm's
    own statistics (thresholds...). Testing uses the wrapped recognizer.

    Args:
        recognizer (dict): Wrapped MMAction2 recognizer (``backbone``,
            ``cls_head``, optional ``neck``).
        algorithm (dict): An :class:`SSLAlgorithm` config: ``FixMatch``,
            ``PseudoLabel``, ``MeanTeacher`` (needs ``MeanTeacherHook``),
            ``UDA``, ``FlexMatch``, ``FreeMatch`` or ``SoftMatch``, with
            their options; ``num_classes`` is filled in from the
            recognizer's ``cls_head``.
        data_preprocessor (dict, optional): Usually
            :class:`MultiViewDataPreprocessor`.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigType,
                 algorithm: ConfigType,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(recognizer, data_preprocessor, init_cfg)
        self.algorithm = MODELS.build(
            algorithm, default_args=dict(num_classes=self.num_classes))
        if not isinstance(self.algorithm, SSLAlgorithm):
            raise TypeError(
                f'model.algorithm: {type(self.algorithm).__name__} is not an '
                'SSLAlgorithm (FixMatch, PseudoLabel, MeanTeacher, UDA, '
                'FlexMatch, FreeMatch, SoftMatch)')
        self.algorithm.setup(self.recognizer)

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

    def _logits(self, inputs: torch.Tensor) -> torch.Tensor:
        feats, kwargs = self.extract_feat(inputs)
        return self.recognizer.cls_head(feats, **kwargs)

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """``loss_sup`` and ``loss_unsup`` of the algorithm, and its stats."""
        batch = split_semi_batch(inputs, data_samples)
        progress = training_progress()
        # One forward pass, so BatchNorm normalises labeled and unlabeled
        # clips together (FixMatch practice).
        views = [batch.weak_l, batch.weak_u, batch.strong_u]
        weak_l, weak_u, strong_u = self._logits(torch.cat(views)).split(
            [len(v) for v in views])
        teacher = None
        if self.algorithm.uses_teacher and len(batch.weak_u):
            teacher = self.algorithm.teacher_logits(batch.weak_u)
        logits = SemiLogits(weak_l, weak_u, strong_u, teacher)

        losses = dict(
            loss_sup=self.algorithm.supervised_loss(weak_l, batch.labels,
                                                    progress))
        unlabeled = self.algorithm.unlabeled_loss(logits, batch, progress)
        losses['loss_unsup'] = unlabeled.loss
        losses.update(
            target_stats(unlabeled.targets, unlabeled.weights,
                         batch.true_labels))
        losses.update(unlabeled.stats)
        check_finite_losses(losses)
        return losses
