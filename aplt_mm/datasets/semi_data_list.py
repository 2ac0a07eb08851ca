"""The data list of a semi-supervised dataset: labeled clips, then
unlabeled ones, with the meta keys every semi-supervised component reads."""
from typing import List, Optional, Sequence


def semi_data_list(labeled: Sequence[dict],
                   unlabeled: Sequence[dict],
                   key: str,
                   labeled_name: str,
                   unlabeled_name: str,
                   num_classes: Optional[int] = None) -> List[dict]:
    """Join the infos of the labeled and the unlabeled clips.

    Labeled clips come first (indices ``[0, len(labeled))``), then the
    unlabeled ones, each info extended by:

    - ``is_labeled``: whether the clip is from the labeled part;
    - ``unlabeled_index``: its position in the unlabeled part (-1 for
      labeled clips), the key of the offline pseudo-label table;
    - ``true_label``: the label the source gives (-1 if none); for
      unlabeled clips only a monitoring value, their ``label`` is -1;
    - ``num_unlabeled``: the size of the unlabeled part.

    Args:
        labeled (Sequence[dict]): Infos of the labeled clips, with ``label``.
        unlabeled (Sequence[dict]): Infos of the unlabeled clips; ``label``
            may be -1.
        key (str): Info key identifying a clip (``'filename'``,
            ``'frame_dir'``), used to find clips in both parts.
        labeled_name (str): Name of the labeled part in error messages
            (its file, or its split).
        unlabeled_name (str): Same, for the unlabeled part.
        num_classes (int, optional): If given, every class needs a labeled
            clip.

    Returns:
        list[dict]: The data list.

    Raises:
        ValueError: If a clip is in both parts, or a class has no labeled
            clip.
    """
    overlap = {info[key] for info in labeled} & {
        info[key] for info in unlabeled}
    if overlap:
        raise ValueError(
            f'{len(overlap)} clips are both in {labeled_name} and '
            f'{unlabeled_name}, e.g. {sorted(overlap)[0]}')
    if num_classes is not None:
        # Seeded clustering needs an anchor per class, and a class no
        # labeled clip shows cannot be learned; say so before training.
        missing = sorted(
            set(range(num_classes)) - {info['label'] for info in labeled})
        if missing:
            raise ValueError(
                f'{labeled_name} has no labeled clip of classes {missing} '
                f'(num_classes={num_classes}); make the split with a larger '
                'ratio (tools/make_split.py, or the label_ratio option).')
    num_unlabeled = len(unlabeled)
    data_list = [
        dict(info, is_labeled=True, unlabeled_index=-1,
             true_label=info['label'], num_unlabeled=num_unlabeled)
        for info in labeled
    ]
    data_list += [
        dict(info, label=-1, is_labeled=False, unlabeled_index=i,
             true_label=info['label'], num_unlabeled=num_unlabeled)
        for i, info in enumerate(unlabeled)
    ]
    return data_list
