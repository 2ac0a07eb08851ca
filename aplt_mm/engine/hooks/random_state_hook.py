"""Random states in checkpoints, so a resumed run continues exactly."""
import random
from typing import Dict, List, Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import Hook
from mmaction.registry import HOOKS

# Checkpoint key of the stored states.
CHECKPOINT_KEY = 'random_states'


def capture_random_state() -> Dict:
    """This process's python, numpy and torch (CPU, CUDA) random states,
    as tensors and numbers that ``torch.load(weights_only=True)`` reads."""
    version, mt, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        python=dict(
            version=version,
            mt=torch.tensor(mt, dtype=torch.int64),
            gauss=gauss),
        numpy=dict(
            name=name,
            keys=torch.from_numpy(keys.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached=float(cached)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_random_state(state: Dict) -> None:
    """Set the random states captured by :func:`capture_random_state`."""
    py = state['python']
    random.setstate((py['version'], tuple(py['mt'].tolist()), py['gauss']))
    nps = state['numpy']
    np.random.set_state(
        (nps['name'], nps['keys'].numpy().astype(np.uint32), nps['pos'],
         nps['has_gauss'], nps['cached']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make a resumed run reproduce the uninterrupted one bit for bit.

    The weights, optimizer, schedulers and sampler order are restored by
    MMEngine's resume, but not the random state that draws the
    augmentations (python ``random``, numpy, torch), so a resumed run
    drifts from its first iteration on. This hook takes a snapshot of the
    random states at the end of every training epoch, before any other
    hook (the checkpoint, APLT's offline phase) or the validation draws
    from them, restores it at the start of the next epoch, and stores it
    in the epoch's checkpoint (under ``random_states``; tensors and numbers
    only, so the file still loads with ``torch.load(weights_only=True)``).
    An uninterrupted run and a run resumed from that checkpoint therefore
    start the next epoch from the same random state.

    What holds:

    - one process, ``num_workers=0``: the resumed run is bit-identical
      (weights, buffers, losses, metrics) on the same machine and
      software, with ``randomness.deterministic=True`` on GPU;
    - several ranks: every rank's states are gathered into the checkpoint
      and each rank gets its own back (same number of ranks needed, else a
      warning and the states are not restored);
    - ``num_workers > 0``: the augmentations are drawn in the workers,
      which MMEngine's ``worker_init_fn`` seeds from ``(seed, rank,
      worker id)`` whenever they start. With ``persistent_workers=False``
      they restart every epoch, so resumed epochs draw the same numbers
      too; with ``persistent_workers=True`` (the configs' default, faster)
      they restart only at the resume, so resumed epochs draw other
      augmentations: same-seed runs stay identical to each other, but a
      resumed run is not bit-identical to an uninterrupted one.

    Resuming needs an epoch checkpoint (the default ``CheckpointHook``
    saves one per epoch). No arguments. It is in ``default_hooks`` of
    ``configs/_base_/default_runtime.py``.
    """

    # Snapshot before any other after_train_epoch hook draws numbers.
    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._states: Optional[List[Dict]] = None

    def after_train_epoch(self, runner) -> None:
        state = capture_random_state()
        _, world_size = get_dist_info()
        self._states = all_gather_object(state) if world_size > 1 else [
            state
        ]

    def before_train_epoch(self, runner) -> None:
        if self._states is None:
            return
        rank, world_size = get_dist_info()
        if len(self._states) != world_size:
            runner.logger.warning(
                f'The checkpoint holds the random states of '
                f'{len(self._states)} rank(s), this run has {world_size}: '
                'they are not restored, so the resumed run draws other '
                'augmentations than the interrupted one would have.')
            self._states = None
            return
        restore_random_state(self._states[rank])

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        if self._states is not None:
            checkpoint[CHECKPOINT_KEY] = self._states

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        # Only a resumed run continues the stored random sequence.
        if getattr(runner, '_resume', False) and \
                checkpoint.get(CHECKPOINT_KEY) is not None:
            self._states = list(checkpoint[CHECKPOINT_KEY])
