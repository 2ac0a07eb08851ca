"""Which unlabeled list a per-clip table was made for.

A semi-supervised dataset (:class:`SemiVideoDataset`,
:class:`SemiPoseDataset`) puts its labeled clips first and its unlabeled
clips after them; a table with one entry per unlabeled clip (FlexMatch's
selected labels, APLT's offline pseudo-labels) is addressed by a clip's
position in the unlabeled part. Such a table is only meaningful for the
list it was made for, so it is stored next to the list's fingerprint and a
checkpoint restored on another list (reordered, shrunk, another split) is
refused instead of labelling the wrong clips.
"""
import hashlib
import os.path as osp

# What a dataset needs for per-clip tables to address its unlabeled part.
SEMI_DATASET_ATTRS = ('num_labeled', 'num_unlabeled', 'get_data_info')


def check_semi_dataset(dataset, needed_by: str) -> None:
    """Raise a TypeError unless ``dataset`` has a labeled and an unlabeled
    part (``num_labeled``, ``num_unlabeled``, ``get_data_info``).

    Args:
        dataset: The train dataset.
        needed_by (str): What needs it, for the message (e.g.
            ``'FlexMatch'``).
    """
    for attr in SEMI_DATASET_ATTRS:
        if not hasattr(dataset, attr):
            raise TypeError(
                f'{needed_by} needs a semi-supervised train dataset '
                '(labeled clips first, then unlabeled: e.g. '
                f'SemiVideoDataset); {type(dataset).__name__} has no '
                f'`{attr}`.')


def list_fingerprint(dataset) -> int:
    """63-bit hash of the unlabeled list (clip names in order, without
    their directories, so a moved data root still matches).

    The names are ``filename`` (videos) or ``frame_dir`` (poses) of the
    infos ``num_labeled .. num_labeled + num_unlabeled - 1``; 0 is never
    returned for a non-empty list in practice and means "unknown" in the
    buffers that store it.

    Args:
        dataset: A semi-supervised dataset (see :func:`check_semi_dataset`).

    Returns:
        int: The fingerprint, in ``[0, 2**63)`` (fits an int64 buffer).
    """
    names = []
    for i in range(dataset.num_unlabeled):
        info = dataset.get_data_info(dataset.num_labeled + i)
        names.append(osp.basename(str(info.get('filename',
                                               info.get('frame_dir')))))
    digest = hashlib.sha1('\n'.join(names).encode()).digest()
    return int.from_bytes(digest[:8], 'little') >> 1


def check_table_fits(table: str, size: int, fingerprint: int,
                     list_size: int, list_fp: int, list_name: str) -> None:
    """Refuse a per-clip table made for another unlabeled list.

    Args:
        table (str): The table, for the message (e.g. ``"FlexMatch's
            selected-label table (from the checkpoint)"``).
        size (int): Entries in the table.
        fingerprint (int): The fingerprint stored with it; 0 means unknown
            (a checkpoint from before fingerprints), and then only the
            length is checked.
        list_size (int): Clips in the train dataset's unlabeled list.
        list_fp (int): Its :func:`list_fingerprint`.
        list_name (str): Its :func:`unlabeled_list_name`.
    """
    if size == list_size and fingerprint in (0, list_fp):
        return
    raise ValueError(
        f'{table} was made for another unlabeled list ({size} clips, '
        f"fingerprint {fingerprint}); the train dataset's unlabeled list "
        f'({list_name}) has {list_size} clips, fingerprint {list_fp}. '
        'Resume with the list the run started with, or start a new run.')


def unlabeled_list_name(dataset) -> str:
    """How error messages name the unlabeled list: the dataset's own name
    for it (``unlabeled_source``), its file (``unlabeled_ann_file``), else
    the pose pickle and split it comes from, else the dataset's type."""
    if getattr(dataset, 'unlabeled_source', None):
        return str(dataset.unlabeled_source)
    if getattr(dataset, 'unlabeled_ann_file', None):
        return str(dataset.unlabeled_ann_file)
    ann_file = getattr(dataset, 'ann_file', None)
    if getattr(dataset, 'unlabeled_split', None):
        return f'{ann_file} split {dataset.unlabeled_split!r}'
    if getattr(dataset, 'split', None) is not None and \
            getattr(dataset, 'label_ratio', None) is not None:
        return (f'the unlabeled part of {ann_file} split {dataset.split!r} '
                f'(label_ratio={dataset.label_ratio}, '
                f'split_seed={getattr(dataset, "split_seed", None)})')
    return f'the unlabeled part of the {type(dataset).__name__}'
