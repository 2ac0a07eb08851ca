"""What the project's semi-supervised recognizers share."""
from typing import List, Optional

import torch
from mmengine.model import BaseModel
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList

from ..utils import neck_features


class SemiBaseRecognizer(BaseModel):
    """A wrapped MMAction2 recognizer trained on multi-view semi-supervised
    batches; subclasses define ``loss``.

    Args:
        recognizer (dict): The wrapped recognizer (``backbone``,
            ``cls_head``, optional ``neck``); its ``cls_head`` is the
            parametric classifier.
        data_preprocessor (dict, optional): Usually
            :class:`MultiViewDataPreprocessor`.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 recognizer: ConfigType,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.recognizer = MODELS.build(recognizer)
        if not getattr(self.recognizer, 'with_cls_head', False):
            raise ValueError('model.recognizer needs a cls_head: it is the '
                             'parametric classifier.')

    @property
    def num_classes(self) -> int:
        return self.recognizer.cls_head.num_classes

    def extract_feat(self, inputs: torch.Tensor,
                     test_mode: bool = False) -> tuple:
        """Backbone (+ neck) features and the kwargs the heads need."""
        return neck_features(self.recognizer, inputs, test_mode)

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
