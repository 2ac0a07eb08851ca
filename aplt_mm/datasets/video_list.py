# Copyright (c) APLT authors. All rights reserved.
"""Strict reader/writer for mmaction-style video annotation lists.

A video list has one clip per line::

    <relative/path> <label> [extra columns ...]

Columns are separated by whitespace. Blank lines and lines whose first
non-blank character is ``#`` are skipped. Extra columns after the label are
ignored when parsing but kept verbatim in :attr:`VideoRecord.line`, so tools
that filter or relabel a list can write it back in the same format.

Unlike ``mmaction.datasets.VideoDataset`` (which silently accepts anything
``int()`` accepts and fails with a bare ``ValueError`` on extra columns), every
problem here is reported as an :class:`AnnotationError` whose message names the
file, the 1-based line number and the offending line.

This module only depends on the standard library so that the command-line
tools stay fast and importable without torch.
"""
import os
import os.path as osp
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Dict, Iterable, List, Optional, Tuple, Union

PathLike = Union[str, 'os.PathLike[str]']

# Strict integer syntax: ``int()`` would also accept '+3', '1_0' and unicode
# digits, none of which a hand-written list should contain.
_INT_RE = re.compile(r'-?[0-9]+')
# path, separator, label, rest (extra columns with their separators).
_LABELED_LINE_RE = re.compile(r'(\S+)(\s+)(\S+)(.*)')


class AnnotationError(ValueError):
    """Raised when an annotation list is malformed.

    The message always names the file and, when the problem is tied to a line,
    the 1-based line number and the offending line.
    """


@dataclass(frozen=True)
class VideoRecord:
    """One clip of a video list.

    Attributes:
        filename (str): The path exactly as written in the list (relative to
            the dataset's video prefix).
        label (int): The class label, or -1 when the line has no label.
        line (str): The original line with surrounding whitespace stripped,
            including any extra columns, so the record can be written back in
            the same format.
        lineno (int): The 1-based line number in the source file.
    """

    filename: str
    label: int
    line: str
    lineno: int

    def with_label(self, label: int) -> 'VideoRecord':
        """Return a copy whose label (the 2nd column) is replaced.

        The path, the separators and any extra columns are kept verbatim.

        Args:
            label (int): The new label, must be >= 0.

        Returns:
            VideoRecord: The relabelled record (same ``lineno``).
        """
        if not isinstance(label, int) or isinstance(label, bool) or label < 0:
            raise ValueError(
                f'label must be a non-negative int, got {label!r}')
        match = _LABELED_LINE_RE.fullmatch(self.line)
        if match is None:
            raise ValueError(
                f'cannot relabel line {self.lineno} {self.line!r}: it has no '
                'label column')
        path, sep, _, rest = match.groups()
        return replace(self, label=label, line=f'{path}{sep}{label}{rest}')


def _line_error(ann_file: PathLike, lineno: int, msg: str,
                line: str) -> AnnotationError:
    return AnnotationError(f'{ann_file}:{lineno}: {msg} in line {line!r}')


def load_video_list(ann_file: PathLike,
                    num_classes: Optional[int] = None,
                    require_label: bool = True) -> List[VideoRecord]:
    """Parse a video list strictly.

    Args:
        ann_file (str | PathLike): Path of the list, e.g.
            ``data/ma12/train.txt``. It is used verbatim in error messages.
        num_classes (int, optional): If given, every label must lie in
            ``[0, num_classes)``. Defaults to None (only ``label >= 0`` is
            checked).
        require_label (bool): If True, a line with only a path is an error.
            If False, such a line gets ``label=-1`` (e.g. an inference list).
            Defaults to True.

    Returns:
        list[VideoRecord]: The clips in file order.

    Raises:
        FileNotFoundError: If ``ann_file`` does not exist.
        AnnotationError: If a label is not an integer, is negative or out of
            range, a label is missing while required, a filename occurs twice
            or the list holds no clip.
    """
    if num_classes is not None and (not isinstance(num_classes, int)
                                    or isinstance(num_classes, bool)
                                    or num_classes < 1):
        raise ValueError(
            f'num_classes must be a positive int, got {num_classes!r}')
    if not osp.exists(ann_file):
        raise FileNotFoundError(f'annotation file not found: {ann_file}')
    try:
        # utf-8-sig: lists saved by some editors start with a BOM, which
        # would otherwise become part of the first filename.
        with open(ann_file, encoding='utf-8-sig') as f:
            lines = f.read().splitlines()
    except UnicodeDecodeError as e:
        raise AnnotationError(f'{ann_file}: not a UTF-8 text file ({e})')

    records: List[VideoRecord] = []
    first_seen: Dict[str, Tuple[int, str]] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        fields = line.split()
        filename = fields[0]
        if len(fields) == 1:
            if require_label:
                raise AnnotationError(
                    f'{ann_file}:{lineno}: missing label in line {line!r} '
                    "(expected '<path> <label>')")
            label = -1
        else:
            token = fields[1]
            if _INT_RE.fullmatch(token) is None:
                # A path with a space splits into more fields than meant.
                spaces = (f'; fields are separated by spaces, so a path '
                          f'cannot contain one: this line splits into '
                          f'{len(fields)} fields' if len(fields) > 2 else '')
                raise AnnotationError(
                    f'{ann_file}:{lineno}: cannot parse label {token!r} in '
                    f"line {line!r} (expected '<path> <label>'{spaces})")
            label = int(token)
            if label < 0:
                raise _line_error(ann_file, lineno, f'negative label {label}',
                                  line)
            if num_classes is not None and label >= num_classes:
                raise _line_error(
                    ann_file, lineno,
                    f'label {label} out of range [0, {num_classes}) '
                    f'(num_classes={num_classes})', line)
        # './a.mp4', 'a.mp4' and 'x/../a.mp4' name the same clip.
        key = osp.normpath(filename)
        if key in first_seen:
            first_line, first_name = first_seen[key]
            same = '' if first_name == filename else f' as {first_name!r}'
            raise _line_error(
                ann_file, lineno,
                f'duplicate filename {filename!r} (first at line '
                f'{first_line}{same}, again at line {lineno})', line)
        first_seen[key] = (lineno, filename)
        records.append(VideoRecord(filename, label, line, lineno))

    if not records:
        raise AnnotationError(
            f'{ann_file}: no clips found (the file is empty or has only '
            'blank/comment lines)')
    return records


def write_video_list(path: PathLike, records: Iterable[VideoRecord]) -> None:
    """Write records back as a video list, one ``record.line`` per line.

    Args:
        path (str | PathLike): Output file; missing parent directories are
            created. An existing file is overwritten.
        records (Iterable[VideoRecord]): The clips, written in the given
            order.
    """
    parent = osp.dirname(osp.abspath(path))
    os.makedirs(parent, exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        for record in records:
            f.write(record.line + '\n')


def count_per_class(records: Iterable[VideoRecord]) -> Dict[int, int]:
    """Count clips per label.

    Args:
        records (Iterable[VideoRecord]): The clips.

    Returns:
        dict[int, int]: ``label -> number of clips``, sorted by label.
    """
    counts = Counter(r.label for r in records)
    return {label: counts[label] for label in sorted(counts)}
