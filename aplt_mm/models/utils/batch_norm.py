"""BatchNorm running statistics, kept to the views a model is tested like."""
from contextlib import contextmanager
from typing import Iterator

from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


@contextmanager
def running_stats_frozen(module: nn.Module) -> Iterator[None]:
    """Within the block, the BatchNorm layers of ``module`` still normalise
    a training batch with its own statistics (the forward and its gradients
    are unchanged) but leave ``running_mean``, ``running_var`` and
    ``num_batches_tracked`` as they were, so the batch does not shape the
    statistics the model is evaluated with (USB's ``Bn_Controller``,
    without copying the buffers). Covers ``BatchNorm1d/2d/3d`` and
    ``SyncBatchNorm``."""
    layers = [
        m for m in module.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats
    ]
    for m in layers:
        # In training mode PyTorch then passes no running buffers to
        # F.batch_norm (batch statistics, no update, no counter step).
        m.track_running_stats = False
    try:
        yield
    finally:
        for m in layers:
            m.track_running_stats = True
