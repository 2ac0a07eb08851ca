# Copyright (c) APLT authors. All rights reserved.
"""Write the procedural micro-action demo dataset (mp4 videos + lists), or
the same clips' joints as a pose pickle (``--poses``).

Examples::

    python tools/make_demo_data.py --out data/demo --workers 2
    python tools/make_demo_data.py --out data/demo_pose --poses
"""
import argparse
import importlib.util
import os
import os.path as osp
import sys
import time

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from aplt_mm.skeleton.demo_dataset import (  # noqa: E402
    make_demo_dataset, make_demo_pose_pickle)

# The figure spans 80% of the frame; below 16 px its head and hands are
# about a pixel and the micro-actions cannot be told apart.
MIN_SIZE = 16


def _default_workers() -> int:
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the procedural micro-action demo dataset: '
        'DIR/videos/{train,val,test}/*.mp4, DIR/{train,val,test}.txt '
        '(mmaction video lists) and DIR/classes.txt.')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--seed', type=int, default=0, help='dataset seed')
    parser.add_argument(
        '--size', type=int, default=64, help='frame side in pixels')
    parser.add_argument('--train-per-class', type=int, default=40)
    parser.add_argument('--val-per-class', type=int, default=10)
    parser.add_argument('--test-per-class', type=int, default=20)
    parser.add_argument('--fps', type=float, default=15)
    parser.add_argument(
        '--with-legs',
        action='store_true',
        help='also pose and draw the legs (default: upper body only)')
    parser.add_argument(
        '--poses',
        action='store_true',
        help='write the joints of the same clips as an MMAction2 pose '
        'pickle, DIR/demo_pose.pkl (splits train, val, test; Kinect v1 '
        'layout, the configs/skeleton/ configs read it), instead of '
        'videos; --size, --fps and --workers do not apply')
    parser.add_argument(
        '--workers',
        type=int,
        default=_default_workers(),
        help='worker processes (default: usable CPU cores); the output '
        'does not depend on it')
    args = parser.parse_args()
    if args.size < MIN_SIZE:
        parser.error(f'--size {args.size}: frames must be at least '
                     f'{MIN_SIZE} px to draw the micro-actions')
    for option in ('train_per_class', 'val_per_class', 'test_per_class',
                   'workers'):
        value = getattr(args, option)
        if value < 1:
            # Every split is read by the configs; an empty list fails.
            parser.error(f'--{option.replace("_", "-")} {value}: must be '
                         'at least 1')
    if not args.fps > 0:
        parser.error(f'--fps {args.fps}: must be positive')
    return args


def main() -> None:
    args = parse_args()
    start = time.perf_counter()
    if args.poses:
        path = osp.join(args.out, 'demo_pose.pkl')
        counts = make_demo_pose_pickle(
            path,
            seed=args.seed,
            train_per_class=args.train_per_class,
            val_per_class=args.val_per_class,
            test_per_class=args.test_per_class,
            with_legs=args.with_legs)
        summary = ', '.join(f'{split} {n}' for split, n in counts.items())
        print(f'Wrote the joints of {sum(counts.values())} clips '
              f'({summary}) to {path} in {time.perf_counter() - start:.1f} '
              's.')
        return
    counts = make_demo_dataset(
        args.out,
        seed=args.seed,
        size=args.size,
        train_per_class=args.train_per_class,
        val_per_class=args.val_per_class,
        test_per_class=args.test_per_class,
        fps=args.fps,
        workers=args.workers,
        with_legs=args.with_legs)
    elapsed = time.perf_counter() - start
    summary = ', '.join(f'{split} {n}' for split, n in counts.items())
    print(f'Wrote {sum(counts.values())} clips ({summary}) of '
          f'{args.size}x{args.size} px to {args.out} in {elapsed:.1f} s '
          f'with {args.workers} worker(s).')


if __name__ == '__main__':
    main()
