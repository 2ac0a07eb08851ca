"""Run a planned benchmark: make the splits, train, test, record.

Every step is a command of the project's tools (``make_split.py``,
``train.py`` or ``dist_train.sh``, ``test.py --dump``), run as a
subprocess with its output in the run's work dir, so each result can be
reproduced with the command recorded next to it. A run is tested on its
last checkpoint (``preds.pkl``) and, when it validates, also on the
checkpoint validation selected (``preds_best.pkl``).
"""
import glob
import json
import os
import os.path as osp
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence

from .plan import BenchmarkError, Run

TOOLS = osp.join(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))), 'tools')
RECORD = 'benchmark_run.json'
DUMP, BEST_DUMP = 'preds.pkl', 'preds_best.pkl'


def script(name: str) -> str:
    """A tool's path, relative to the current dir when inside it."""
    path = osp.join(TOOLS, name)
    rel = osp.relpath(path)
    return path if rel.startswith('..') else rel


def python() -> str:
    """``python`` if that is this interpreter, else its full path."""
    on_path = shutil.which('python')
    if on_path and osp.realpath(on_path) == osp.realpath(sys.executable):
        return 'python'
    return sys.executable


def shell(cmd: Sequence[str]) -> str:
    """A command as one shell-quoted line."""
    return shlex.join(cmd)


def _value(value: Any) -> str:
    """A ``--cfg-options`` value as text ``DictAction`` parses back."""
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(_value(v) for v in value) + ']'
    return str(value)


def cfg_options(options: Dict[str, Any]) -> List[str]:
    """``--cfg-options KEY=VALUE ...`` (nothing without options)."""
    pairs = [f'{key}={_value(value)}' for key, value in options.items()]
    return ['--cfg-options'] + pairs if pairs else []


def split_command(run: Run, args: Any) -> List[str]:
    """``make_split.py`` writing the run's split dir (and val.txt)."""
    cmd = [
        python(),
        script('make_split.py'), '--ann', args.train_list, '--ratio',
        f'{run.ratio:g}', '--seed',
        str(run.seed), '--out-dir', run.split_dir
    ]
    if args.min_per_class:
        cmd += ['--min-per-class', str(args.min_per_class)]
    if args.val_ratio is not None:
        cmd += ['--val-ratio', f'{args.val_ratio:g}']
    return cmd


def train_command(run: Run, args: Any) -> List[str]:
    """``train.py`` (``dist_train.sh`` with ``--gpus`` > 1)."""
    head = [python(), script('train.py'), run.method.config]
    if args.gpus > 1:
        head = ['bash', script('dist_train.sh'), run.method.config,
                str(args.gpus)]
    return head + ['--work-dir', run.work_dir] + cfg_options(run.options)


def test_command(run: Run, checkpoint: str, dump: str) -> List[str]:
    """``test.py --dump`` of a checkpoint, with the run's options."""
    return [
        python(),
        script('test.py'), run.method.config, checkpoint, '--work-dir',
        osp.join(run.work_dir, 'test'), '--dump',
        osp.join(run.work_dir, dump)
    ] + cfg_options(run.options)


def run_logged(cmd: List[str], log_path: str, what: str) -> float:
    """Run ``cmd`` with its output in ``log_path``; its wall time (s).

    Raises:
        BenchmarkError: If it fails; the message has its last lines.
    """
    os.makedirs(osp.dirname(log_path) or '.', exist_ok=True)
    argv = [sys.executable] + cmd[1:] if cmd[0] == python() else cmd
    start = time.time()
    with open(log_path, 'w') as log:
        log.write(shell(cmd) + '\n\n')
        log.flush()
        code = subprocess.call(argv, stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        with open(log_path, errors='replace') as log:
            tail = ''.join(log.readlines()[-25:])
        raise BenchmarkError(f'{what} failed (exit {code}); its output is '
                             f'in {log_path}, last lines:\n{tail}')
    return time.time() - start


def make_splits(runs: Sequence[Run], args: Any) -> List[str]:
    """Write the splits the runs need (list-based data); their commands.

    A split dir is reused when its log (``<split dir>.log``) starts with
    the same ``make_split.py`` command.
    """
    commands, done = [], set()
    for run in runs:
        if args.train_list is None or run.split_dir in done:
            continue
        done.add(run.split_dir)
        cmd, log = split_command(run, args), run.split_dir + '.log'
        commands.append(shell(cmd))
        if osp.isfile(log) and osp.isfile(
                osp.join(run.split_dir, 'labeled.txt')):
            with open(log) as f:
                if f.readline().strip() == shell(cmd):
                    continue  # made by the same command
        # Missing, or made with other options: make it afresh.
        shutil.rmtree(run.split_dir, ignore_errors=True)
        run_logged(cmd, log, f'making the split {run.split_dir}')
    return commands


def last_checkpoint(work_dir: str) -> str:
    """The checkpoint ``<work_dir>/last_checkpoint`` names."""
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        raise BenchmarkError(f'training wrote no {marker}')
    with open(marker) as f:
        checkpoint = f.read().strip()
    if not osp.isfile(checkpoint):
        raise BenchmarkError(f'{marker} names {checkpoint}, which does not '
                             'exist')
    return checkpoint


def best_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint validation selected (``best_*.pth``), if any."""
    found = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
    return found[-1] if found else None


def execute(run: Run, args: Any) -> Dict[str, Any]:
    """Train and test one run; its record (also ``benchmark_run.json``).

    Returns:
        dict: ``train_command``, ``checkpoint``, ``best_checkpoint``,
        ``commands`` and ``wall_time`` (s: ``train``, ``test``,
        ``total``).
    """
    train = train_command(run, args)
    log = osp.join(run.work_dir, 'benchmark_train.log')
    print(f'  {run.name}: training {run.steps} steps ({run.epochs} epochs '
          f'x {run.iters_per_epoch}), output in {log}', flush=True)
    seconds = dict(train=run_logged(train, log, f'training {run.name}'))
    commands = [shell(train)]
    tests = [(last_checkpoint(run.work_dir), DUMP)]
    best = best_checkpoint(run.work_dir) if run.has_val else None
    if best is not None:
        tests.append((best, BEST_DUMP))
    seconds['test'] = 0.0
    for checkpoint, dump in tests:
        if dump == BEST_DUMP and osp.basename(checkpoint).endswith(
                '_' + osp.basename(tests[0][0])):
            # Validation selected the last epoch: the same weights.
            shutil.copyfile(osp.join(run.work_dir, DUMP),
                            osp.join(run.work_dir, BEST_DUMP))
            continue
        cmd = test_command(run, checkpoint, dump)
        seconds['test'] += run_logged(
            cmd, osp.join(run.work_dir, f'benchmark_test_{dump[:-4]}.log'),
            f'testing {run.name}')
        commands.append(shell(cmd))
    seconds['total'] = seconds['train'] + seconds['test']
    record = dict(
        train_command=shell(train),
        checkpoint=tests[0][0],
        best_checkpoint=best,
        commands=commands,
        wall_time=seconds)
    with open(osp.join(run.work_dir, RECORD), 'w') as f:
        json.dump(record, f, indent=2)
    return record


def finished(run: Run, args: Any) -> Optional[Dict[str, Any]]:
    """The record of a run already trained and tested with the same
    command (``--skip-existing``), else None."""
    path = osp.join(run.work_dir, RECORD)
    if not (osp.isfile(path) and osp.isfile(osp.join(run.work_dir, DUMP))):
        return None
    with open(path) as f:
        record = json.load(f)
    if record['train_command'] != shell(train_command(run, args)):
        print(f'  {run.name}: trained with another command than this '
              'benchmark runs now; training it again')
        return None
    return dict(record, reused=True)


def execute_all(runs: Sequence[Run], args: Any) -> List[Dict[str, Any]]:
    """Records of every run (reused or executed, ``args.jobs`` at once)."""
    records = [finished(r, args) if args.skip_existing else None
               for r in runs]
    todo = [i for i, record in enumerate(records) if record is None]
    print(f'{len(todo)} run(s) to train and test, {args.jobs} at a time, '
          f'{len(runs) - len(todo)} reused', flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        done = pool.map(lambda i: execute(runs[i], args), todo)
        for i, record in zip(todo, done):  # re-raises a failed run's error
            records[i] = record
    return records
