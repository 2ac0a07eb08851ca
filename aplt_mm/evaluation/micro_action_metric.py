"""The micro-action benchmarks' test metric."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.evaluation import AccMetric
from mmaction.registry import METRICS

from .classification import load_coarse_labels, micro_action_scores


@METRICS.register_module()
class MicroActionMetric(AccMetric):
    """MMAction2's ``AccMetric`` plus the F1 scores of micro-action
    benchmarks (MA-52 challenge) and body-level accuracy.

    Reports, under the ``acc/`` prefix like ``AccMetric``: ``top1``,
    ``top5``, ``mean1`` (mean-class accuracy; computed by ``AccMetric``, so
    the keys and values are unchanged), ``f1_macro``, ``f1_micro`` and
    ``f1_mean`` (equations in :mod:`aplt_mm.evaluation.classification`);
    with ``coarse_labels`` also ``body_top1``, ``body_f1_macro`` and
    ``body_f1_micro``, and ``f1_mean`` then averages the four F1s as the
    MA-52 challenge does.

    Args:
        coarse_labels (str | Sequence[int], optional): Coarse (body-part)
            label of every class: a list in class order, or a file with
            one per line. Default None (action level only).
        topk (Sequence[int]): The top-k accuracies. Default (1, 5).
        collect_device (str): ``'cpu'`` or ``'gpu'``, where ranks gather
            their results. Default ``'cpu'``.
        prefix (str, optional): Key prefix. Default ``'acc'``.
    """

    def __init__(self,
                 coarse_labels: Union[None, str, Sequence[int]] = None,
                 topk: Sequence[int] = (1, 5),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            metric_list=('top_k_accuracy', 'mean_class_accuracy'),
            collect_device=collect_device,
            metric_options=dict(top_k_accuracy=dict(topk=tuple(topk))),
            prefix=prefix)
        self.coarse_labels = None if coarse_labels is None else \
            load_coarse_labels(coarse_labels)

    def calculate(self, preds: List[np.ndarray],
                  labels: List[Union[int, np.ndarray]]) -> Dict:
        """AccMetric's metrics of the scores, then the F1 scores."""
        results = super().calculate(preds, labels)
        if any(np.ndim(label) for label in labels):
            raise ValueError('MicroActionMetric scores single-label clips; '
                             'got multi-label ground truth')
        results.update(
            micro_action_scores(
                np.stack(preds), np.asarray(labels), self.coarse_labels))
        return results
