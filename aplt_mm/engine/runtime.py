"""What tools/train.py and tools/test.py do to a config before the Runner."""
import difflib
import os
import os.path as osp
import re
from typing import List, Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.runner import find_latest_checkpoint
from mmengine.utils import import_modules_from_strings

from .checkpoint_fit import CheckpointReadError, load_checkpoint_file


def import_custom_modules(cfg: Config) -> None:
    """Import ``cfg.custom_imports``, including ones set by --cfg-options.

    ``Config.fromfile`` imports the modules named in the file; a module
    added on the command line would otherwise never be registered.
    """
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)


def setup_launcher(cfg: Config) -> Config:
    """Prepare ``cfg`` for its launcher on this machine.

    With a distributed launcher on a machine without CUDA (CI, laptops),
    start the process group on gloo here, because mmengine's ``init_dist``
    calls ``torch.cuda.set_device``; and wrap the model in DDP without
    ``device_ids``, which DDP rejects for CPU modules. On GPU machines the
    config is used as it is.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return cfg
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    if not torch_dist.is_initialized():
        # torchrun sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT.
        torch_dist.init_process_group(backend='gloo')
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper.setdefault('device_ids', None)
    wrapper.setdefault('find_unused_parameters',
                       cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper
    os.environ.setdefault('LOCAL_RANK', '0')
    return cfg


def close_process_group() -> None:
    """Destroy the default process group, if one was started.

    A gloo group left to interpreter shutdown can abort a rank
    ("terminate called without an active exception") after training
    finished, so the run fails with nothing wrong in it. The ranks meet
    at a barrier first: one that tears its gloo pairs down while another
    is still finishing (after_run hooks, checkpoint writes) can abort that
    one the same way.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()


# Top-level config keys MMEngine's Runner.from_cfg reads, plus the ones
# the runner and these tools read elsewhere.
RUNNER_KEYS = (
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'model_wrapper_cfg', 'custom_imports', 'find_unused_parameters')


def unknown_key_warnings(cfg: Config) -> List[str]:
    """Warnings for top-level keys that look like misspelt runner keys.

    Configs also hold ordinary variables (``data_root``, ``num_classes``,
    pipelines...), so only a key close to a runner key (``trian_cfg``)
    is reported: the runner would ignore it silently.

    Args:
        cfg (Config): The config.

    Returns:
        list[str]: One message per suspicious key.
    """
    messages = []
    for key in cfg.keys():
        if key in RUNNER_KEYS:
            continue
        close = difflib.get_close_matches(key, RUNNER_KEYS, n=1, cutoff=0.8)
        if close:
            messages.append(
                f'Unknown top-level config key {key!r} is ignored by the '
                f'runner. Did you mean {close[0]!r}?')
    return messages


def check_fresh_work_dir(work_dir: str) -> None:
    """Refuse to start a run in a work dir holding another run's
    checkpoints: the runs' checkpoints, ``last_checkpoint`` and "best"
    files would mix (a later ``--resume`` or test could pick the other
    run's)."""
    found = sorted(
        name for name in (os.listdir(work_dir) if osp.isdir(work_dir) else [])
        if name.endswith('.pth') or name == 'last_checkpoint')
    if found:
        listed = ', '.join(found[:4]) + (', ...' if len(found) > 4 else '')
        raise RuntimeError(
            f'work dir {work_dir} already holds checkpoints of another run '
            f'({listed}); a new run would mix its checkpoints with them. '
            'Continue that run with --resume, or start this one in another '
            '--work-dir (or delete the old checkpoints).')


def _checkpoint_number(name: str) -> int:
    match = re.fullmatch(r'(?:epoch|iter)_(\d+)\.pth', name)
    return int(match.group(1)) if match else -1


def check_resume_checkpoint(work_dir: str,
                            checkpoint: Optional[str] = None) -> None:
    """Fail early, naming the file, if the checkpoint to resume from
    cannot be read, and offer the newest earlier one that can.

    Args:
        work_dir (str): The run's work dir.
        checkpoint (str, optional): The checkpoint given to ``--resume``;
            None takes the latest one of ``work_dir``, as the runner does.
    """
    if checkpoint is None:
        checkpoint = find_latest_checkpoint(work_dir)
        if checkpoint is None:
            return  # the runner starts afresh and says so
    try:
        load_checkpoint_file(checkpoint)
        return
    except CheckpointReadError as err:
        message = str(err)
    folder = osp.dirname(checkpoint) or '.'
    earlier = sorted(
        (name for name in os.listdir(folder) if
         0 <= _checkpoint_number(name) and
         osp.join(folder, name) != checkpoint and
         _checkpoint_number(name) <
         _checkpoint_number(osp.basename(checkpoint))),
        key=_checkpoint_number, reverse=True) if osp.isdir(folder) else []
    for name in earlier:
        previous = osp.join(folder, name)
        try:
            load_checkpoint_file(previous)
        except CheckpointReadError:
            continue
        raise RuntimeError(
            f'{message}\nThe previous checkpoint {previous} reads fine: '
            f'resume from it with --resume {previous}')
    raise RuntimeError(
        f'{message}\nNo earlier checkpoint in {folder} reads either: start '
        'a new run in another --work-dir.')
