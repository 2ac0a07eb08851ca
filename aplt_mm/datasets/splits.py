# Copyright (c) APLT authors. All rights reserved.
"""Stratified labeled/unlabeled split of a training list.

For a labeled ratio ``r`` every class ``c`` with ``n_c`` clips contributes

    n_lab(c) = floor(r * n_c + 0.5)

labeled clips (round half up), or ``min(K, n_c)`` where that is more
(``min_per_class=K``: long-tailed data, where a small ratio would leave the
rarest classes without a label). The product is computed exactly on the decimal
value of ``r`` as written (``str(r)``), so e.g. ``0.35 * 10 = 3.5`` rounds to 4
regardless of how 0.35 is represented as a float.
"""
import math
import numbers
from collections import defaultdict
from fractions import Fraction
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .video_list import VideoRecord


def _exact_ratio(ratio: float) -> Fraction:
    # str() of a float is its shortest round-tripping decimal, i.e. what the
    # user typed ("0.1"), not the binary approximation 0.1000000000000000055.
    return Fraction(str(ratio))


def num_labeled(ratio: float, n: int) -> int:
    """Number of labeled clips for a class of ``n`` clips.

    Args:
        ratio (float): Labeled ratio in (0, 1).
        n (int): Number of clips of the class.

    Returns:
        int: ``floor(ratio * n + 0.5)``, computed exactly.
    """
    return math.floor(_exact_ratio(ratio) * n + Fraction(1, 2))


def labeled_count(ratio: float, n: int, min_per_class: int = 0) -> int:
    """Labeled clips of a class of ``n``: the ratio's, at least
    ``min(min_per_class, n)``."""
    return max(num_labeled(ratio, n), min(min_per_class, n))


def _check_ratio(ratio: float) -> None:
    if (not isinstance(ratio, numbers.Real) or isinstance(ratio, bool)
            or math.isnan(ratio)):
        raise ValueError(f'ratio must be a number in (0, 1), got {ratio!r}')
    if ratio == 1:
        raise ValueError(
            'ratio=1 means fully supervised: every clip is labeled and no '
            'split is needed; use the full training list as the labeled set')
    if not 0 < ratio < 1:
        raise ValueError(f'ratio must be in (0, 1), got {ratio}')


def stratified_split(
        records: Sequence[VideoRecord],
        ratio: float,
        seed: int,
        min_per_class: int = 0) -> Tuple[List[VideoRecord], List[VideoRecord]]:
    """Split labeled clips into a labeled and an unlabeled part per class.

    Class ``c`` with ``n_c`` clips gets exactly
    ``max(floor(ratio * n_c + 0.5), min(min_per_class, n_c))`` labeled
    clips, drawn uniformly at random.
    Randomness comes from ``numpy.random.default_rng(seed)``, one permutation
    per class in ascending class order, so the result depends only on the
    input (its order included), ``ratio`` and ``seed``.

    Args:
        records (Sequence[VideoRecord]): The training clips; each must have a
            label >= 0.
        ratio (float): Fraction of each class to label, in (0, 1). 1 (fully
            supervised) is rejected since it needs no split.
        seed (int): Non-negative seed of the random generator.
        min_per_class (int): Least labeled clips of a class (all of a
            smaller class). Default 0: the ratio alone.

    Returns:
        tuple[list[VideoRecord], list[VideoRecord]]: ``(labeled, unlabeled)``.
        They are disjoint, together cover ``records`` and each keeps the
        input's order.

    Raises:
        ValueError: If ``records`` is empty or has an unlabeled clip, if
            ``ratio`` or ``seed`` is invalid, or if some class would get no
            labeled clip (the message names those classes with their sizes and
            the smallest ratio that gives every class a labeled clip).
    """
    for record in records:
        if record.label < 0:
            raise ValueError(
                f'clip {record.filename!r} (line {record.lineno}) has no '
                'label; a stratified split needs every clip labeled')
    is_labeled = stratified_mask([r.label for r in records], ratio, seed,
                                 min_per_class)
    labeled = [r for r, lab in zip(records, is_labeled) if lab]
    unlabeled = [r for r, lab in zip(records, is_labeled) if not lab]
    return labeled, unlabeled


def stratified_mask(labels: Sequence[int],
                    ratio: float,
                    seed: int,
                    min_per_class: int = 0) -> np.ndarray:
    """Which clips of a labeled list the stratified split labels.

    The rule of :func:`stratified_split`, on bare labels, for data that are
    not video lists (e.g. the splits of a pose pickle).

    Args:
        labels (Sequence[int]): Label of every clip, each >= 0.
        ratio (float): Fraction of each class to label, in (0, 1).
        seed (int): Non-negative seed of the random generator.
        min_per_class (int): Least labeled clips of a class.

    Returns:
        np.ndarray: ``bool [len(labels)]``, True for the labeled clips.

    Raises:
        ValueError: As :func:`stratified_split`.
    """
    _check_ratio(ratio)
    if int(min_per_class) != min_per_class or min_per_class < 0:
        raise ValueError('min_per_class must be an integer >= 0, got '
                         f'{min_per_class!r}')
    if (not isinstance(seed, numbers.Integral) or isinstance(seed, bool)
            or seed < 0):
        raise ValueError(f'seed must be a non-negative int, got {seed!r}')
    if len(labels) == 0:
        raise ValueError('cannot split an empty list of clips')

    indices_per_class: Dict[int, List[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        if label < 0:
            raise ValueError(
                f'clip {i} has no label (-1); a stratified split needs '
                'every clip labeled')
        indices_per_class[label].append(i)
    classes = sorted(indices_per_class)

    n_lab = {
        c: labeled_count(ratio, len(indices_per_class[c]), min_per_class)
        for c in classes
    }
    empty = [c for c in classes if n_lab[c] == 0]
    if empty:
        sizes = ', '.join(
            f'class {c} ({len(indices_per_class[c])} '
            f"clip{'s' if len(indices_per_class[c]) != 1 else ''})"
            for c in empty)
        n_min = min(len(v) for v in indices_per_class.values())
        # floor(r * n + 0.5) >= 1  <=>  r >= 1 / (2 n); round the suggestion
        # up so that the printed value itself works.
        r_min = Fraction(1, 2 * n_min)
        r_fix = math.ceil(r_min * 10000) / 10000
        raise ValueError(
            f'ratio={ratio} leaves {len(empty)} class(es) without a labeled '
            f'clip: {sizes}. A class of n clips gets floor(ratio * n + 0.5) '
            f'labeled clips, so the smallest class ({n_min} '
            f"clip{'s' if n_min != 1 else ''}) needs ratio >= 0.5/{n_min}: "
            f'use ratio >= {r_fix:g}, or a least number of labeled clips '
            'per class (min_per_class, make_split.py --min-per-class)')

    rng = np.random.default_rng(seed)
    is_labeled = np.zeros(len(labels), dtype=bool)
    for c in classes:
        idx = np.asarray(indices_per_class[c])
        perm = rng.permutation(len(idx))
        is_labeled[idx[perm[:n_lab[c]]]] = True

    return is_labeled


def carve_validation(records: Sequence[VideoRecord], ratio: float,
                     seed: int) -> Tuple[List[VideoRecord], List[VideoRecord]]:
    """Stratified validation clips carved from a training list.

    Class ``c`` gives ``min(floor(ratio * n_c + 0.5), n_c - 1)`` clips to
    validation (every class keeps one training clip), drawn with a
    generator of its own (``default_rng([seed, 1])``), so the validation
    list of a seed does not depend on the label ratio split afterwards.

    Args:
        records (Sequence[VideoRecord]): The training clips, all labeled.
        ratio (float): Validation fraction of every class, in (0, 1).
        seed (int): Non-negative seed.

    Returns:
        tuple[list[VideoRecord], list[VideoRecord]]: ``(train, val)``, each
        in the input's order.
    """
    _check_ratio(ratio)
    per_class: Dict[int, List[int]] = defaultdict(list)
    for i, record in enumerate(records):
        if record.label < 0:
            raise ValueError(
                f'clip {record.filename!r} (line {record.lineno}) has no '
                'label; a validation list needs labels')
        per_class[record.label].append(i)
    rng = np.random.default_rng([seed, 1])
    is_val = np.zeros(len(records), dtype=bool)
    for c in sorted(per_class):
        idx = np.asarray(per_class[c])
        n_val = min(num_labeled(ratio, len(idx)), len(idx) - 1)
        is_val[idx[rng.permutation(len(idx))[:n_val]]] = True
    return ([r for r, v in zip(records, is_val) if not v],
            [r for r, v in zip(records, is_val) if v])
