"""What tools/train.py and tools/test.py do to a config before the Runner."""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.utils import import_modules_from_strings


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
