"""Step 1 of an offline phase: model outputs of the train clips, sharded
over ranks, gathered in list order."""
import copy
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.dataset import Compose
from mmengine.dist import is_main_process
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from mmaction.registry import TRANSFORMS

from ..datasets import VideoReadError
from ..labelers import OfflineFeatures
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


def strong_view_pipeline(train_pipeline: List[dict]) -> List[dict]:
    """Decode ops of a multi-view train pipeline + its ``strong`` view."""
    for i, transform in enumerate(train_pipeline):
        if transform.get('type') == 'MultiView' and 'strong' in transform:
            return list(train_pipeline[:i]) + list(transform['strong']) + [
                dict(type='PackActionInputs')
            ]
    raise ValueError(
        'APLTOfflineHook could not find MultiView(strong=...) in the train '
        'pipeline for the labeled-augmentation copies: set its '
        "strong_pipeline, or model.offline_labeler.labeled_aug='off'.")


def extract_offline_features(model,
                             dataset,
                             feature_pipeline: List[dict],
                             strong_pipeline: Optional[List[dict]],
                             copies: int,
                             batch_size: int = 16,
                             num_workers: int = 2,
                             logger=None) -> OfflineFeatures:
    """What an offline labeler reads: pooled features (and parametric
    logits) of the clean labeled and unlabeled clips of a semi-supervised
    ``dataset`` (labeled first), and ``copies`` strong views of every
    labeled clip; in eval mode, identical on every rank."""
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    labeled = infos[:dataset.num_labeled]
    labels = torch.tensor([info['label'] for info in labeled])
    loader = dict(batch_size=batch_size, num_workers=num_workers)
    was_training = model.training
    model.eval()
    try:
        lab, unl = (extract_outputs(model, part, feature_pipeline,
                                    logger=logger, **loader)
                    for part in (labeled, infos[dataset.num_labeled:]))
        aug = [
            extract_outputs(model, labeled, strong_pipeline,
                            **loader)['features'] for _ in range(copies)
        ]
    finally:
        model.train(was_training)
    return OfflineFeatures(
        labeled=lab['features'],
        labels=labels,
        augmented=torch.cat(aug) if aug else None,
        augmented_labels=labels.repeat(copies),
        unlabeled=unl['features'],
        unlabeled_logits=unl['logits'])
