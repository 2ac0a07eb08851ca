# Copyright (c) APLT authors. All rights reserved.
"""Benchmark the offline labeling (:func:`cluster_pseudo_labels`) per option.

Each (N, D, C, option set) case runs in its own subprocess on synthetic
features (fixed seed), so the peak-memory figure of one case is not polluted
by another. ``N`` is the number of unlabeled features; ``--labeled-frac * N``
labeled anchors (at least 2 per class) are added, and one strong copy per
labeled feature (the anchor plus a common offset and noise), and the
logits of a classifier right on half the clips (for ``selection=
'agreement'``). ``--options``
names the option sets: ``paper``, ``recommended``, or ``key=value[,...]``
changes to the paper's set (e.g. ``assignment=sinkhorn``). Reported per
case: wall time of the whole labeling (geometry, clustering, selection,
prototypes) and of its clustering step, the process
CPU time (less sensitive to other load on a shared machine), iterations, the
extra peak memory of the clustering over the features themselves
(``ru_maxrss`` delta on CPU, ``torch.cuda.max_memory_allocated`` delta on
CUDA) and the pseudo-label accuracy against the generating labels.

Example::

    python tools/analysis/benchmark_clustering.py --n 1000000 --d 512 \
        --c 12 52 --options paper recommended selection=freematch \
        --out work_dirs/benchmark_clustering.json

prints a markdown table and writes the rows as JSON to ``--out``.

On a machine shared with other busy processes, OpenMP's default spin-waiting
makes multi-threaded torch much slower than it is on idle cores (4x measured
on a loaded 2-core VM); set ``OMP_WAIT_POLICY=PASSIVE`` (inherited by the
case subprocesses) or ``--threads 1`` there.
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import time
from typing import Dict, List, Optional

import torch

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(
        0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

COLUMNS = [('n', 'N'), ('d', 'D'), ('c', 'C'), ('options', 'options'),
           ('device', 'device'),
           ('threads', 'threads'), ('iters', 'iters'),
           ('converged', 'converged'), ('total_s', 'total s'),
           ('cpu_s', 'CPU s'),
           ('s_per_iter', 's/iter'), ('peak_extra_mb', 'extra peak MB'),
           ('acc', 'acc %'), ('kept', 'kept %'), ('kept_acc', 'kept acc %')]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time seeded k-means + adaptive thresholds on synthetic '
        'Gaussian mixtures.')
    parser.add_argument('--n', type=int, nargs='+',
                        default=[1000, 10000, 100000, 1000000],
                        help='numbers of unlabeled features')
    parser.add_argument('--d', type=int, nargs='+', default=[512, 2048],
                        help='feature dimensions')
    parser.add_argument('--c', type=int, nargs='+', default=[12, 52],
                        help='numbers of classes')
    parser.add_argument(
        '--options', nargs='+', default=['paper', 'recommended'],
        help="option sets: 'paper', 'recommended' or key=value[,...] "
        'changes to the paper set')
    parser.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    parser.add_argument('--max-iter', type=int, default=100)
    parser.add_argument('--chunk-size', type=int, default=65536)
    parser.add_argument('--labeled-frac', type=float, default=0.05,
                        help='labeled anchors per unlabeled feature')
    parser.add_argument(
        '--separation', type=float, default=4.0,
        help='expected distance between mixture means, in units of the '
        'per-dimension noise std (smaller: more overlap, more iterations)')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch.set_num_threads (default: torch default)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', default=None, help='JSON file for the rows')
    parser.add_argument('--worker', default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def make_mixture(num: int, dim: int, num_classes: int,
                 generator: torch.Generator, centers: torch.Tensor,
                 device: str):
    """``num`` features ``centers[y] + eps``, ``eps ~ N(0, I)``, in place.

    Filling in small chunks keeps the generation's own peak at the size of
    the result, so the ``ru_maxrss`` delta measured afterwards is the
    clustering's.
    """
    labels = torch.randint(num_classes, (num, ), generator=generator)
    feats = torch.empty(num, dim, device=device)
    for start in range(0, num, 1024):
        y = labels[start:start + 1024]
        noise = torch.randn(len(y), dim, generator=generator)
        chunk = centers[y] + noise
        feats[start:start + len(y)] = chunk.to(device)
    return feats, labels.to(device)


def option_set(name: str) -> Dict:
    """Options of :func:`cluster_pseudo_labels` named on the command line."""
    from aplt_mm.clustering import PAPER_OPTIONS, RECOMMENDED_OPTIONS
    if name == 'recommended':
        return dict(RECOMMENDED_OPTIONS)
    options = dict(PAPER_OPTIONS, prior='labeled')
    if name != 'paper':
        for pair in name.split(','):
            key, _, value = pair.partition('=')
            options[key] = value
    return options


def run_case(case: Dict) -> Dict:
    """Runs one case in this process and returns its result row."""
    from aplt_mm.clustering import cluster_pseudo_labels

    if case['threads']:
        torch.set_num_threads(case['threads'])
    device, num, dim, num_classes = (case['device'], case['n'], case['d'],
                                     case['c'])
    generator = torch.Generator().manual_seed(case['seed'])
    # Mean distance between centres ~ scale * sqrt(2 * dim).
    scale = case['separation'] / (2 * dim)**0.5
    centers = torch.randn(num_classes, dim, generator=generator) * scale
    num_labeled = max(2 * num_classes, int(case['labeled_frac'] * num))
    lab_x, lab_y = make_mixture(num_labeled, dim, num_classes, generator,
                                centers, device)
    lab_y[:num_classes] = torch.arange(num_classes)  # an anchor per class
    lab_x[:num_classes] = centers.to(device)
    aug_x = lab_x + torch.randn(num_labeled, dim, generator=generator).to(
        device) + centers.mean(0).to(device)
    unl_x, unl_y = make_mixture(num, dim, num_classes, generator, centers,
                                device)
    # A parametric classifier right on half the clips (for 'agreement').
    guess = torch.where(
        torch.rand(num, generator=generator) < 0.5, unl_y.cpu(),
        torch.randint(num_classes, (num, ), generator=generator))
    logits = torch.nn.functional.one_hot(guess, num_classes).float().to(
        device)

    def sync():
        if device == 'cuda':
            torch.cuda.synchronize()

    if device == 'cuda':
        sync()
        torch.cuda.reset_peak_memory_stats()
        mem_before = torch.cuda.memory_allocated()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    res = cluster_pseudo_labels(lab_x, lab_y, unl_x, num_classes, aug_x,
                                lab_y, classifier_logits=logits,
                                max_iter=case['max_iter'],
                                **option_set(case['options']))
    sync()
    end = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    if device == 'cuda':
        extra = torch.cuda.max_memory_allocated() - mem_before
    else:
        # ru_maxrss is in KiB on Linux.
        extra = (usage.ru_maxrss - usage_before.ru_maxrss) * 1024
    # CPU time of all threads: on a shared machine it is less sensitive to
    # other processes than the wall time.
    cpu = (usage.ru_utime + usage.ru_stime - usage_before.ru_utime -
           usage_before.ru_stime)
    correct = res.assignments == unl_y
    kept = int(res.keep.sum())
    return dict(
        case,
        threads=torch.get_num_threads(),
        iters=res.num_iters,
        converged=res.converged,
        total_s=round(end - start, 3),
        cpu_s=round(cpu, 2),
        s_per_iter=round((end - start) / max(res.num_iters, 1), 3),
        peak_extra_mb=round(extra / 2**20, 1),
        acc=round(100 * correct.float().mean().item(), 1),
        kept=round(100 * kept / num, 1),
        kept_acc=round(100 * correct[res.keep].float().mean().item(), 1)
        if kept else float('nan'),
        loadavg_1min=os.getloadavg()[0])


def markdown(rows: List[Dict]) -> str:
    """Rows as a markdown table."""
    lines = ['| ' + ' | '.join(title for _, title in COLUMNS) + ' |',
             '|' + '---|' * len(COLUMNS)]
    for row in rows:
        lines.append('| ' + ' | '.join(str(row[key]) for key, _ in COLUMNS) +
                     ' |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if args.worker is not None:
        print(json.dumps(run_case(json.loads(args.worker))))
        return
    rows = []
    cases = [(n, d, c, o) for n in args.n for d in args.d for c in args.c
             for o in args.options]
    for num, dim, num_classes, options in cases:
        case = dict(n=num, d=dim, c=num_classes, options=options,
                    device=args.device,
                    max_iter=args.max_iter,
                    chunk_size=args.chunk_size,
                    labeled_frac=args.labeled_frac,
                    separation=args.separation, threads=args.threads,
                    seed=args.seed)
        proc = subprocess.run(
            [sys.executable, osp.abspath(__file__), '--worker',
             json.dumps(case)],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f'case {case} failed:\n{proc.stderr}')
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print(markdown(rows))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=2)


if __name__ == '__main__':
    main()
