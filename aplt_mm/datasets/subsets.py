# Copyright (c) APLT authors. All rights reserved.
"""Build the paper's K-class benchmarks from the original annotation lists.

The APLT paper (Sec. 4.1) keeps only "classes with sufficient samples" of
MA-52, SMG and iMiGUE, giving MA-12, SMG-5 and iMiGUE-11, but it does not list
which classes were kept. We therefore make the choice explicit and
reproducible:

* Default choice: the K most frequent classes of the *train* list; ties in
  the clip count are broken by the smaller original label id.
* ``classes`` overrides the automatic choice with explicit original ids.
* Kept classes are relabelled ``0..K-1`` in ascending order of their original
  label id (not by frequency), so the mapping does not change when counts
  change slightly and reads naturally next to the original class list.
"""
import os
import os.path as osp
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .video_list import AnnotationError, PathLike, VideoRecord


@dataclass(frozen=True)
class SubsetPreset:
    """Defaults of one benchmark.

    Attributes:
        source (str): Name of the original dataset, e.g. ``'MA-52'``.
        benchmark (str): Name of the benchmark in the paper, e.g. ``'MA-12'``.
        name (str): Prefix of the output files, e.g. ``'ma12'``.
        num_classes (int): Number of kept classes K.
    """

    source: str
    benchmark: str
    name: str
    num_classes: int


SUBSET_PRESETS: Dict[str, SubsetPreset] = {
    'ma52': SubsetPreset('MA-52', 'MA-12', 'ma12', 12),
    'smg': SubsetPreset('SMG', 'SMG-5', 'smg5', 5),
    'imigue': SubsetPreset('iMiGUE', 'iMiGUE-11', 'imigue11', 11),
}


def load_class_names(path: PathLike) -> List[str]:
    """Read a class-name file: line ``i`` (0-based) names original label i.

    Trailing blank lines are ignored; a blank line before the last name is
    an error because it would shift every following id.

    Args:
        path (str | PathLike): The file.

    Returns:
        list[str]: The names, stripped of surrounding whitespace.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        AnnotationError: If the file is empty or has an inner blank line.
    """
    if not osp.exists(path):
        raise FileNotFoundError(f'class-name file not found: {path}')
    with open(path, encoding='utf-8-sig') as f:
        names = [line.strip() for line in f.read().splitlines()]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise AnnotationError(f'{path}: no class names found')
    for lineno, name in enumerate(names, start=1):
        if not name:
            raise AnnotationError(
                f'{path}:{lineno}: blank class name (line i must name '
                f'original label i-1; a blank line would shift the ids)')
    return names


def class_counts(records: Iterable[VideoRecord]) -> Counter:
    """Count clips per original label."""
    return Counter(r.label for r in records)


def select_top_k_classes(records: Sequence[VideoRecord], k: int) -> List[int]:
    """The ``k`` most frequent labels, ties broken by the smaller label id.

    Args:
        records (Sequence[VideoRecord]): Labeled clips (the train list).
        k (int): Number of classes to keep.

    Returns:
        list[int]: The kept original label ids in ascending order.

    Raises:
        ValueError: If ``k < 1`` or ``k`` exceeds the number of classes that
            occur in ``records``.
    """
    counts = class_counts(records)
    if k < 1:
        raise ValueError(f'K must be >= 1, got {k}')
    if k > len(counts):
        raise ValueError(f'K={k} is larger than the number of classes in the '
                         f'train list ({len(counts)})')
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return sorted(ranked[:k])


def cutoff_ties(records: Sequence[VideoRecord],
                k: int) -> Tuple[List[int], List[int]]:
    """Classes whose count ties with the K-th most frequent class.

    Args:
        records (Sequence[VideoRecord]): Labeled clips (the train list).
        k (int): Number of kept classes.

    Returns:
        tuple[list[int], list[int]]: ``(kept, dropped)`` ids that share the
        count of the K-th class; ``dropped`` is empty if the cut is not
        decided by the tie-break.
    """
    counts = class_counts(records)
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    if k >= len(ranked):
        return [], []
    boundary = counts[ranked[k - 1]]
    kept = [c for c in ranked[:k] if counts[c] == boundary]
    dropped = [c for c in ranked[k:] if counts[c] == boundary]
    return (kept, dropped) if dropped else ([], [])


def check_classes(classes: Sequence[int],
                  train: Sequence[VideoRecord],
                  num_names: Optional[int] = None) -> List[int]:
    """Validate explicitly chosen original label ids.

    Args:
        classes (Sequence[int]): The chosen ids.
        train (Sequence[VideoRecord]): The train list.
        num_names (int, optional): Number of entries in the class-name file;
            if given, ids must lie in ``[0, num_names)``.

    Returns:
        list[int]: The ids in ascending order.

    Raises:
        ValueError: If the list is empty, has duplicates, ids outside the
            name file, or ids with no train clip.
    """
    if not classes:
        raise ValueError('no classes given')
    dup = sorted(c for c, n in Counter(classes).items() if n > 1)
    if dup:
        raise ValueError(f'duplicate class ids: {dup}')
    if num_names is not None:
        unknown = sorted(c for c in classes if not 0 <= c < num_names)
        if unknown:
            raise ValueError(
                f'unknown class ids {unknown}: the class-name file has '
                f'{num_names} classes (ids 0..{num_names - 1})')
    counts = class_counts(train)
    absent = sorted(c for c in classes if counts[c] == 0)
    if absent:
        raise ValueError(f'unknown class ids {absent}: no clip in the train '
                         f'list has these labels')
    return sorted(classes)


def make_label_map(classes: Iterable[int]) -> Dict[int, int]:
    """Map kept original ids to ``0..K-1`` in ascending original-id order.

    Args:
        classes (Iterable[int]): Kept original label ids.

    Returns:
        dict[int, int]: ``original id -> new id``.
    """
    return {orig: new for new, orig in enumerate(sorted(set(classes)))}


def remap_records(records: Iterable[VideoRecord],
                  label_map: Dict[int, int]) -> List[VideoRecord]:
    """Keep the clips of mapped classes and relabel them.

    Args:
        records (Iterable[VideoRecord]): Clips with original labels.
        label_map (dict[int, int]): ``original id -> new id``.

    Returns:
        list[VideoRecord]: The kept clips in input order; path, separators
        and extra columns are unchanged, only the label column differs.
    """
    return [
        r.with_label(label_map[r.label]) for r in records
        if r.label in label_map
    ]


def format_class_map(label_map: Dict[int, int],
                     class_names: Optional[Sequence[str]] = None) -> List[str]:
    """Lines ``<new_id> <original_id> <name>`` in new-id order.

    Args:
        label_map (dict[int, int]): ``original id -> new id``.
        class_names (Sequence[str], optional): Original names indexed by
            original id. Missing names become ``class_<original_id>``.

    Returns:
        list[str]: One line per kept class.
    """
    lines = []
    for orig, new in sorted(label_map.items(), key=lambda kv: kv[1]):
        if class_names is not None and orig < len(class_names):
            name = class_names[orig]
        else:
            name = f'class_{orig}'
        lines.append(f'{new} {orig} {name}')
    return lines


def write_class_map(path: PathLike,
                    label_map: Dict[int, int],
                    class_names: Optional[Sequence[str]] = None) -> None:
    """Write :func:`format_class_map` lines to ``path``.

    Args:
        path (str | PathLike): Output file; parent directories are created.
        label_map (dict[int, int]): ``original id -> new id``.
        class_names (Sequence[str], optional): Original names indexed by
            original id.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        for line in format_class_map(label_map, class_names):
            f.write(line + '\n')
