"""Test metrics from prediction dumps, class names, mean and std."""
import math
import os.path as osp
import pickle
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..datasets.subsets import load_class_names
from ..evaluation import micro_action_scores

# A build_subset.py class map line: "<new id> <original id> <name>".
_CLASS_MAP_LINE = re.compile(r'^(\d+)\s+(\d+)\s+(\S.*)$')


def _item(field: Any) -> np.ndarray:
    """A dumped label/score field as a flat numpy array.

    mmaction 1.1 dumps ``{'item': tensor}``; 1.2 dumps the tensor itself.
    """
    if isinstance(field, dict):
        field = field['item']
    return np.asarray(field).reshape(-1)


def load_dump(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Scores and ground truth of a ``tools/test.py --dump`` pickle.

    The dump is mmaction's ``DumpResults`` output: a list with one dict per
    test clip holding ``pred_scores`` and ``gt_labels`` (tensors, so
    unpickling imports torch). Only load dumps you trust: it is a pickle.

    Args:
        path (str): The ``.pkl`` file.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``scores`` ``[N, C]`` (float) and
        ``labels`` ``[N]`` (int), in test-list order.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If it is not such a dump.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'prediction dump not found: {path}')
    try:
        with open(path, 'rb') as f:
            results = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, AttributeError,
            ImportError) as e:
        raise ValueError(f'{path}: not a readable pickle ({e})') from None
    if not isinstance(results, list) or not results:
        raise ValueError(f'{path}: expected a non-empty list of per-clip '
                         'results (tools/test.py --dump)')
    scores, labels = [], []
    for i, result in enumerate(results):
        keys = sorted(result) if isinstance(result, dict) else []
        score_key = 'pred_scores' if 'pred_scores' in keys else 'pred_score'
        label_key = 'gt_labels' if 'gt_labels' in keys else 'gt_label'
        if score_key not in keys or label_key not in keys:
            raise ValueError(
                f'{path}: clip {i} has no pred_scores/gt_labels (keys: '
                f'{keys}); was it written by tools/test.py --dump?')
        scores.append(_item(result[score_key]).astype(np.float64))
        labels.append(int(_item(result[label_key])[0]))
    if len({len(s) for s in scores}) != 1:
        raise ValueError(f'{path}: clips have different numbers of scores')
    return np.stack(scores), np.asarray(labels, dtype=np.int64)


def confusion_matrix(labels: np.ndarray, preds: np.ndarray,
                     num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Args:
        labels (np.ndarray): Ground truth, ``[N]``.
        preds (np.ndarray): Predictions, ``[N]``.
        num_classes (int): C.

    Returns:
        np.ndarray: ``[C, C]`` int matrix, rows = true class, columns =
        predicted class.
    """
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, preds), 1)
    return matrix


def row_percentages(matrix: np.ndarray) -> np.ndarray:
    """A confusion matrix as percentages of each true class (row).

    Args:
        matrix (np.ndarray): ``[C, C]`` counts, rows = true class.

    Returns:
        np.ndarray: ``[C, C]`` floats; rows without clips stay 0.
    """
    counts = np.asarray(matrix, dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    return 100.0 * np.divide(
        counts, totals, out=np.zeros_like(counts), where=totals > 0)


def per_class_accuracy(matrix: np.ndarray) -> List[Optional[float]]:
    """Recall of every class from a confusion matrix.

    Args:
        matrix (np.ndarray): ``[C, C]`` counts, rows = true class.

    Returns:
        list[float | None]: Accuracy of each class; None for a class without
        test clips.
    """
    totals = matrix.sum(axis=1)
    return [
        float(matrix[c, c] / totals[c]) if totals[c] else None
        for c in range(len(matrix))
    ]


def classification_metrics(
        scores: np.ndarray,
        labels: np.ndarray,
        coarse: Optional[Sequence[int]] = None) -> Dict[str, Any]:
    """Accuracies, F1 scores and the confusion matrix of a test run.

    Args:
        scores (np.ndarray): ``[N, C]`` class scores.
        labels (np.ndarray): ``[N]`` ground truth in ``[0, C)``.
        coarse (Sequence[int], optional): Coarse (body-part) label of every
            class, for the body-level scores.

    Returns:
        dict: ``num_clips``, ``top1``, ``top5``, ``mean_class_acc`` (mean
        over the classes with test clips), the F1 scores of
        :func:`aplt_mm.evaluation.micro_action_scores` (``f1_macro``,
        ``f1_micro``, ``f1_mean``, and ``body_*`` with ``coarse``),
        ``per_class_acc`` (list, None for classes without clips) and
        ``confusion_matrix`` (list of rows, true class x predicted class).
        Accuracies are fractions in [0, 1].

    Raises:
        ValueError: If a label lies outside ``[0, C)``.
    """
    num_classes = scores.shape[1]
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f'labels must lie in [0, {num_classes}), got '
                         f'{labels.min()}..{labels.max()}')
    preds = scores.argmax(axis=1)
    matrix = confusion_matrix(labels, preds, num_classes)
    per_class = per_class_accuracy(matrix)
    present = [acc for acc in per_class if acc is not None]
    top5 = np.argsort(-scores, axis=1)[:, :5]
    return dict(
        num_clips=int(len(labels)),
        top1=float((preds == labels).mean()),
        top5=float((top5 == labels[:, None]).any(axis=1).mean()),
        mean_class_acc=float(np.mean(present)),
        **micro_action_scores(scores, labels, coarse),
        per_class_acc=per_class,
        confusion_matrix=matrix.tolist())


def dump_metrics(path: str,
                 coarse: Optional[Sequence[int]] = None) -> Dict[str, Any]:
    """:func:`classification_metrics` of a prediction dump."""
    scores, labels = load_dump(path)
    try:
        return classification_metrics(scores, labels, coarse)
    except ValueError as e:
        raise ValueError(f'{path}: {e}') from None


def load_class_map(path: str) -> List[str]:
    """Class names indexed by label, from a class file.

    Two formats: one name per line (line i names label i, the demo's
    ``classes.txt``), or ``build_subset.py``'s ``<new id> <original id>
    <name>`` lines with new ids 0, 1, 2, ... in order.

    Args:
        path (str): The file.

    Returns:
        list[str]: The names.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        AnnotationError: If the file is empty or has an inner blank line.
    """
    names = load_class_names(path)
    matches = [_CLASS_MAP_LINE.match(name) for name in names]
    if all(matches) and [int(m.group(1))
                         for m in matches] == list(range(len(names))):
        return [m.group(3).strip() for m in matches]
    return names


def check_class_names(names: Sequence[str], num_classes: int,
                      path: str) -> None:
    """Raise a ValueError naming ``path`` unless it has ``num_classes`` names.

    Args:
        names (Sequence[str]): Names read from ``path``.
        num_classes (int): The number of classes of the model or dump.
        path (str): The class file, for the message.
    """
    if len(names) != num_classes:
        raise ValueError(f'{path} names {len(names)} classes, but the '
                         f'predictions have {num_classes}')


def mean_std(
    values: Sequence[Optional[float]]
) -> Tuple[Optional[float], Optional[float]]:
    """Mean and sample standard deviation (ddof 1), ignoring missing values.

    Seeds are a small sample of the runs a method could give, so the spread
    is the sample std, the figure the docs' tables quote.

    Args:
        values (Sequence[float | None]): One value per seed.

    Returns:
        tuple[float | None, float | None]: ``(mean, std)``; ``(None, None)``
        if no value is given (std is 0 for a single value).
    """
    present = [float(v) for v in values if v is not None and not math.isnan(v)]
    if not present:
        return None, None
    std = float(np.std(present, ddof=1)) if len(present) > 1 else 0.0
    return float(np.mean(present)), std
