"""Normalise every view of a multi-view batch."""
from typing import Dict, List, Sequence, Tuple, Union

import torch
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS


@MODELS.register_module()
class MultiViewDataPreprocessor(ActionDataPreprocessor):
    """``ActionDataPreprocessor`` that also takes a dict of views as inputs.

    Training batches packed by ``MultiView`` + ``PackActionInputs(
    collect_keys=...)`` arrive as ``{'weak': [T, ...], 'strong': [T, ...]}``
    (lists of per-clip tensors); each view is stacked and normalised with
    the same mean/std. Plain batches (validation, test) pass through the
    parent unchanged. Blending (MixUp/CutMix), if configured, is applied to
    plain batches only: it would mix labeled and unlabeled clips.

    Args: as ``ActionDataPreprocessor`` (``mean``, ``std``, ``to_rgb``,
        ``format_shape``...).
    """

    def preprocess(self,
                   inputs: Union[List[torch.Tensor], Dict[str,
                                                          List[torch.Tensor]]],
                   data_samples: Sequence,
                   training: bool = False) -> Tuple:
        if not isinstance(inputs, dict):
            return super().preprocess(inputs, data_samples, training)
        views = {
            name: super(MultiViewDataPreprocessor,
                        self).preprocess(clips, data_samples, False)[0]
            for name, clips in inputs.items()
        }
        return views, data_samples
