"""F1 scores and coarse (body-level) labels of single-label predictions.

For predictions ``p_i`` and labels ``y_i`` over the classes ``K`` that
occur in either (scikit-learn's convention: a class that is neither
predicted nor present has no F1 and is left out)::

    TP_c = #{i : p_i = c, y_i = c},  FP_c = #{i : p_i = c, y_i != c},
    FN_c = #{i : p_i != c, y_i = c}
    F1_c     = 2 TP_c / (2 TP_c + FP_c + FN_c)
    F1_macro = mean_{c in K} F1_c
    F1_micro = 2 sum TP / (2 sum TP + sum FP + sum FN)   (= top-1 here)

The MA-52 challenge ranks by ``F1_mean``, the mean of the micro and macro
F1 at the action level and, when a class-to-body-part map is given, at the
body level too (four terms).
"""
import os.path as osp
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np


def f1_scores(preds: np.ndarray, labels: np.ndarray) -> Tuple[float, float]:
    """Macro and micro F1 of single-label predictions.

    Args:
        preds (np.ndarray): Predicted class of each clip, ``[N]``.
        labels (np.ndarray): True class of each clip, ``[N]``.

    Returns:
        tuple[float, float]: ``(F1_macro, F1_micro)`` in [0, 1].
    """
    preds, labels = np.asarray(preds), np.asarray(labels)
    if preds.shape != labels.shape or preds.ndim != 1 or not len(preds):
        raise ValueError('preds and labels must be non-empty [N] arrays, '
                         f'got shapes {preds.shape} and {labels.shape}')
    classes = np.union1d(preds, labels)
    tp = np.array([np.sum((preds == c) & (labels == c)) for c in classes])
    fp = np.array([np.sum((preds == c) & (labels != c)) for c in classes])
    fn = np.array([np.sum((preds != c) & (labels == c)) for c in classes])
    per_class = 2 * tp / (2 * tp + fp + fn)
    micro = 2 * tp.sum() / (2 * tp.sum() + fp.sum() + fn.sum())
    return float(per_class.mean()), float(micro)


def load_coarse_labels(source: Union[str, Sequence[int]]) -> List[int]:
    """A class-to-coarse-label map (MA-52: action -> body part).

    Args:
        source (str | Sequence[int]): The coarse label of every class, in
            class order, or a text file with one coarse label per line
            (line ``i`` is class ``i``; ``<class> <coarse>`` lines are read
            by their last field).

    Returns:
        list[int]: ``coarse[c]`` for every class ``c``.

    Raises:
        ValueError: Naming the file and line of a malformed entry.
    """
    if not isinstance(source, str):
        coarse = [int(c) for c in source]
    else:
        if not osp.isfile(source):
            raise FileNotFoundError(f'coarse label map not found: {source}')
        coarse = []
        with open(source) as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    coarse.append(int(line.split()[-1]))
                except ValueError:
                    raise ValueError(
                        f'{source}, line {lineno}: expected a coarse label '
                        f'(an integer), got {line.strip()!r}') from None
    if not coarse or min(coarse) < 0:
        raise ValueError(f'coarse label map {source!r}: needs one label '
                         '>= 0 per class')
    return coarse


def map_labels(values: np.ndarray, coarse: Sequence[int]) -> np.ndarray:
    """``coarse[v]`` for every class ``v`` of ``values``.

    Raises:
        ValueError: If a class lies outside the map.
    """
    values = np.asarray(values)
    if values.max() >= len(coarse):
        raise ValueError(f'class {values.max()} has no coarse label: the '
                         f'map covers {len(coarse)} classes')
    return np.asarray(coarse)[values]


def micro_action_scores(
        scores: np.ndarray,
        labels: np.ndarray,
        coarse: Union[None, Sequence[int]] = None) -> Dict[str, float]:
    """F1 scores of ``[N, C]`` class scores (and body-level ones).

    Args:
        scores (np.ndarray): ``[N, C]`` class scores.
        labels (np.ndarray): ``[N]`` true classes.
        coarse (Sequence[int], optional): Coarse label of every class.

    Returns:
        dict: ``f1_macro``, ``f1_micro`` and ``f1_mean`` (the mean of the
        action-level and, with ``coarse``, body-level F1s); with ``coarse``
        also ``body_top1``, ``body_f1_macro``, ``body_f1_micro``.
    """
    preds = np.asarray(scores).argmax(axis=1)
    labels = np.asarray(labels)
    macro, micro = f1_scores(preds, labels)
    out = dict(f1_macro=macro, f1_micro=micro)
    terms = [macro, micro]
    if coarse is not None:
        body_preds = map_labels(preds, coarse)
        body_labels = map_labels(labels, coarse)
        body_macro, body_micro = f1_scores(body_preds, body_labels)
        out.update(
            body_top1=float(np.mean(body_preds == body_labels)),
            body_f1_macro=body_macro,
            body_f1_micro=body_micro)
        terms += [body_macro, body_micro]
    out['f1_mean'] = float(np.mean(terms))
    return out
