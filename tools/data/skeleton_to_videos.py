# Copyright (c) APLT authors. All rights reserved.
"""Render a skeleton dataset to mp4 videos with mmaction lists.

Example (MSR Action3D, standard cross-subject split)::

    python tools/data/skeleton_to_videos.py --format msr_action3d \
        --src ../shared/data/msr_action3d --out data/msr3d
    python tools/make_split.py --ann data/msr3d/train.txt --ratio 0.25 \
        --seed 0 --out-dir data/msr3d/splits/25p

writes OUT/videos/{train,test}/<name>.mp4, OUT/{train,test}.txt and
OUT/classes.txt; see :func:`aplt_mm.skeleton.convert.convert_dataset`.
"""
import argparse
import importlib.util
import logging
import os.path as osp
import sys
import time
from typing import List, Optional, Tuple

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from aplt_mm.skeleton.convert import (MSR_TRAIN_SUBJECTS,  # noqa: E402
                                      convert_dataset)
from aplt_mm.skeleton.readers import SKELETON_READERS  # noqa: E402


def _subjects(text: str) -> Tuple[int, ...]:
    try:
        return tuple(int(s) for s in text.split(',') if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'expected comma-separated integers, got {text!r}') from None


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render skeleton sequences to videos: '
        'OUT/videos/{train,test}/<name>.mp4, OUT/{train,test}.txt '
        '(mmaction video lists, cross-subject split) and OUT/classes.txt. '
        'Sequences without any valid joint are dropped with a warning.')
    parser.add_argument(
        '--format',
        required=True,
        choices=sorted(SKELETON_READERS),
        help='skeleton file format')
    parser.add_argument('--src', required=True, help='dataset root')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument(
        '--size', type=int, default=64, help='frame side in pixels')
    parser.add_argument(
        '--fps', type=float, default=15, help='frame rate of the videos')
    parser.add_argument(
        '--workers',
        type=int,
        default=2,
        help='worker processes; the output does not depend on it')
    parser.add_argument(
        '--train-subjects',
        type=_subjects,
        default=MSR_TRAIN_SUBJECTS,
        help='comma-separated subject ids of the training split; all other '
        'subjects are tested (default: 1,3,5,7,9)')
    parser.add_argument(
        '--yaw',
        type=float,
        default=0.0,
        help='view angle in degrees about the vertical axis (default: 0, '
        "the camera's view)")
    parser.add_argument(
        '--keep-empty-frames',
        action='store_true',
        help='keep frames without tracked joints as blank frames '
        '(default: leave them out)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format='%(levelname)s: %(message)s')
    start = time.perf_counter()
    result = convert_dataset(
        args.format,
        args.src,
        args.out,
        size=args.size,
        fps=args.fps,
        workers=args.workers,
        train_subjects=args.train_subjects,
        yaw=args.yaw,
        keep_empty_frames=args.keep_empty_frames)
    elapsed = time.perf_counter() - start
    summary = ', '.join(f'{split} {n}' for split, n in result.counts.items())
    print(f'Wrote {sum(result.counts.values())} clips ({summary}) of '
          f'{args.size}x{args.size} px to {args.out} in {elapsed:.1f} s '
          f'with {args.workers} worker(s).')
    if not args.keep_empty_frames:
        print(f'Left out {result.empty_frames} frames without tracked joints.')
    if result.dropped:
        print(f'Dropped {len(result.dropped)} sequence(s) without any valid '
              f'joint: {", ".join(result.dropped)}')


if __name__ == '__main__':
    main()
