"""Collect a finished run's test scores, training log and wall time."""
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence

from ..analysis import logs, metrics
from .plan import BenchmarkError, Run
from .run import BEST_DUMP, DUMP


def collect(run: Run, record: Dict[str, Any], num_classes: int,
            coarse: Optional[Sequence[int]] = None) -> Dict[str, Any]:
    """Everything ``results.json`` keeps of one run.

    Args:
        run (Run): The planned run.
        record (dict): Its record (:func:`aplt_mm.benchmark.run.execute`).
        num_classes (int): Classes of the data (checked against the dump).
        coarse (Sequence[int], optional): Class-to-coarse-label map, for
            the body-level scores.

    Returns:
        dict: The run's entry of ``results.json`` ``runs``: its settings,
        ``test`` (last checkpoint) and ``test_best`` (the checkpoint
        validation selected, None without validation), per-epoch
        ``epochs``, ``offline_phases``, ``steps``, wall times, commands.
    """
    tests = {}
    for key, dump in (('test', DUMP), ('test_best', BEST_DUMP)):
        path = osp.join(run.work_dir, dump)
        if key == 'test' or record.get('best_checkpoint'):
            tests[key] = metrics.dump_metrics(path, coarse)
            found = len(tests[key]['per_class_acc'])
            if found != num_classes:
                raise BenchmarkError(f'{path} scores {found} classes, the '
                                     f'class list has {num_classes}')
        else:
            tests[key] = None
    log = logs.load_run_log(run.work_dir, num_unlabeled=run.num_unlabeled)
    return dict(
        name=run.name,
        method=run.method.name,
        config=run.method.config,
        ratio=run.ratio,
        seed=run.seed,
        reference=run.reference,
        work_dir=run.work_dir,
        split_dir=run.split_dir,
        num_labeled=run.num_labeled,
        num_unlabeled=run.num_unlabeled,
        iters_per_epoch=run.iters_per_epoch,
        epochs_trained=run.epochs,
        steps=run.steps,
        checkpoint=record['checkpoint'],
        best_checkpoint=record.get('best_checkpoint'),
        **tests,
        epochs=log['epochs'],
        offline_phases=log['offline_phases'],
        train_time=log['train_time'],
        wall_time=record['wall_time'],
        commands=record['commands'],
        reused=record.get('reused', False))


def class_names(path: Optional[str], runs: Sequence[Run]) -> List[str]:
    """Class names from a class file, else numbers for the first run's
    classes (its config's test dataset ``num_classes``)."""
    if path and osp.isfile(path):
        return metrics.load_class_map(path)
    cfg = runs[0].method.cfg
    num = cfg.test_dataloader.dataset.get('num_classes')
    if num is None:
        raise BenchmarkError('--classes: give a class file (the test '
                             'dataset of the config states no num_classes)')
    return [f'class {c}' for c in range(num)]
