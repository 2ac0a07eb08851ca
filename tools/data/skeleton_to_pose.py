# Copyright (c) APLT authors. All rights reserved.
"""Convert a skeleton dataset into MMAction2's pose pickle.

Example (MSR Action3D, cross-subject: odd subjects train, even test,
subject 9 held out of training for validation)::

    python tools/data/skeleton_to_pose.py --format msr_action3d \
        --src ../shared/data/msr_action3d --out data/msr3d_pose/msr3d.pkl

writes the pickle (splits ``xsub_train``, ``xsub_val``, ``xsub_trainval``,
``xsub_test``) and ``classes.txt`` next to it; see
:func:`aplt_mm.skeleton.pose_pickle.skeletons_to_pose`. The labeled /
unlabeled division is made at training time (``SemiPoseDataset``'s
``label_ratio`` and ``split_seed``).
"""
import argparse
import importlib.util
import os.path as osp
import sys
from typing import List, Optional, Tuple

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.skeleton.convert import MSR_TRAIN_SUBJECTS  # noqa: E402
from aplt_mm.skeleton.pose_pickle import (MSR_VAL_SUBJECTS,  # noqa: E402
                                          skeletons_to_pose,
                                          write_pose_pickle)
from aplt_mm.skeleton.readers import SKELETON_READERS  # noqa: E402


def _subjects(text: str) -> Tuple[int, ...]:
    try:
        return tuple(int(s) for s in text.split(',') if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected comma-separated integers, got {text!r}') from None


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write skeleton sequences as an MMAction2 pose pickle '
        '(keypoint [1, T, V, C], missing joints 0) with cross-subject '
        'splits, and classes.txt next to it. Sequences without any valid '
        'joint are dropped with a warning.')
    parser.add_argument(
        '--format',
        required=True,
        choices=sorted(SKELETON_READERS),
        help='skeleton file format')
    parser.add_argument('--src', required=True, help='dataset root')
    parser.add_argument('--out', required=True, help='output .pkl file')
    parser.add_argument(
        '--train-subjects',
        type=_subjects,
        default=MSR_TRAIN_SUBJECTS,
        help='comma-separated training subject ids; all other subjects '
        'are tested (default: 1,3,5,7,9)')
    parser.add_argument(
        '--val-subjects',
        type=_subjects,
        default=MSR_VAL_SUBJECTS,
        help='training subjects held out as the validation split '
        '(default: 9; an empty string holds none out)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='image size of 2-D joints (pixels); needed where the format '
        'does not fix it (numpy)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if not args.out.endswith('.pkl'):
        sys.exit(f'--out must end in .pkl (PoseDataset requires it), got '
                 f'{args.out}')
    try:
        result = skeletons_to_pose(
            args.format,
            args.src,
            args.train_subjects,
            args.val_subjects,
            image_shape=args.img_shape)
    except (OSError, ValueError) as err:
        sys.exit(f'error: {err}')
    write_pose_pickle(result.data, args.out)
    classes = osp.join(osp.dirname(osp.abspath(args.out)), 'classes.txt')
    with open(classes, 'w', encoding='utf-8') as f:
        f.writelines(name + '\n' for name in result.classes)
    for name in result.dropped:
        print(f'warning: dropped {name}: no valid joint', file=sys.stderr)
    sizes = ', '.join(f'{name} {len(clips)}'
                      for name, clips in result.data['split'].items())
    print(f'wrote {args.out}: {len(result.data["annotations"])} sequences '
          f'({sizes}); {result.empty_frames} empty frames left out; '
          f'{classes}')


if __name__ == '__main__':
    main()
