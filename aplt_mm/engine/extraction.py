"""Model outputs for a list of clips, sharded over ranks, in list order."""
import copy
from typing import Dict, List, Sequence

import torch
from mmengine.dataset import Compose
from mmengine.dist import is_main_process
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from mmaction.registry import TRANSFORMS

from ..datasets import VideoReadError
from ..utils import gather_by_index


class ClipList(torch.utils.data.Dataset):
    """Data infos run through a pipeline; items remember their position.

    A clip that fails to load raises :class:`VideoReadError` naming it, as
    the training datasets do.
    """

    def __init__(self, infos: Sequence[dict], pipeline: List[dict]):
        self.infos = list(infos)
        self.pipeline = Compose([TRANSFORMS.build(t) for t in pipeline])

    def __len__(self):
        return len(self.infos)

    def __getitem__(self, idx):
        info = self.infos[idx]
        try:
            packed = self.pipeline(copy.deepcopy(info))
        except Exception as err:
            name = info.get('filename', info.get('frame_dir'))
            raise VideoReadError(
                f'Failed to load clip {idx} ({name}) for the offline phase: '
                f'{type(err).__name__}: {err}') from err
        packed['index'] = idx
        return packed


@torch.no_grad()
def extract_outputs(model, infos: Sequence[dict], pipeline: List[dict],
                    batch_size: int, num_workers: int,
                    logger=None) -> Dict[str, torch.Tensor]:
    """``model.offline_outputs`` of every clip, gathered on every rank.

    Each rank runs its ``DefaultSampler`` shard; rows are scattered back by
    clip index (the sampler interleaves ranks and pads), so the result is in
    ``infos`` order and identical everywhere. Returns CPU float tensors per
    output key (None where the model returned None).
    """
    loader = Runner.build_dataloader(
        dict(
            dataset=ClipList(infos, pipeline),
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            batch_size=batch_size,
            num_workers=num_workers,
            persistent_workers=False))
    progress = ProgressBar(len(loader)) if logger is not None and \
        is_main_process() else None
    indices, outputs = [], {}
    for batch in loader:
        data = model.data_preprocessor(batch, False)
        for key, value in model.offline_outputs(data['inputs']).items():
            outputs.setdefault(key, [])
            if value is not None:
                outputs[key].append(value.float())
        indices.append(torch.tensor(batch['index']))
        if progress is not None:
            progress.update()
    if not indices:
        return {}
    indices = torch.cat(indices)
    return {
        key: gather_by_index(indices, torch.cat(vals), len(infos)).cpu()
        if vals else None
        for key, vals in outputs.items()
    }
