"""APLT's asynchronous schedule and offline pseudo-labeling phase."""
import copy
import time
from typing import Dict, List, NamedTuple, Optional, Sequence

import torch
from mmengine.dataset import Compose
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import EMAHook, Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.utils import ProgressBar
from mmaction.registry import HOOKS, TRANSFORMS

from ...clustering import (adaptive_thresholds, build_prototypes, kmeans,
                           match_clusters_to_classes, seeded_kmeans)
from ...utils import gather_by_index


class OfflineFeatures(NamedTuple):
    """Everything an offline phase extracts, in dataset order."""
    labeled: Optional[torch.Tensor]  # [N_l, D] clean view, labeled clips
    labels: torch.Tensor  # [N_l]
    augmented: Optional[torch.Tensor]  # [N_l * copies, D] strong views (LA)
    augmented_labels: torch.Tensor  # [N_l * copies]
    unlabeled: Optional[torch.Tensor]  # [N_u, D] clean view, unlabeled
    unlabeled_logits: torch.Tensor  # [N_u, C] parametric classifier
    # Features are None for a model without a prototype head.


class PhaseResult(NamedTuple):
    """What a phase hands to the model (identical on every rank)."""
    prototypes: Optional[torch.Tensor]  # [C, D], None without prototypes
    thresholds: torch.Tensor  # [C] tau_adapt (0 where not used)
    offline_labels: torch.Tensor  # [N_u] kept pseudo-label, -1 = filtered
    assignments: torch.Tensor  # [N_u] pseudo-label before filtering
    stats: Dict


class _ClipList(torch.utils.data.Dataset):
    """Data infos run through a pipeline; items remember their position."""

    def __init__(self, infos: Sequence[dict], pipeline: List[dict]):
        self.infos = list(infos)
        self.pipeline = Compose([TRANSFORMS.build(t) for t in pipeline])

    def __len__(self):
        return len(self.infos)

    def __getitem__(self, idx):
        packed = self.pipeline(copy.deepcopy(self.infos[idx]))
        packed['index'] = idx
        return packed


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
        'strong_pipeline, or labeled_aug_copies=0.')


@HOOKS.register_module()
class APLTOfflineHook(Hook):
    """Warm-up, then offline phases every ``interval`` epochs (APLT 3.3-3.5).

    Training is FixMatch alone for ``warmup_epochs`` (W) epochs; after epoch
    W, W+K, W+2K, ... (before the last epoch) an offline phase rebuilds the
    pseudo-labels and prototypes that the next K online epochs use, fixed.
    With the paper's W=15, K=10 and 55 epochs, phases run after epochs 15,
    25, 35 and 45. A phase reads like section 3.3:

    1. extract: features of the labeled clips, of ``labeled_aug_copies``
       strongly augmented copies of each labeled clip, and of the unlabeled
       clips, with the current model in eval mode and no grad, sharded over
       all ranks and gathered back by sample index;
    2. cluster: semi-supervised k-means anchored on the labeled (and
       augmented) features (:func:`seeded_kmeans`), or plain k-means
       matched to classes (``clustering='kmeans'``, the KM ablation);
    3. threshold: keep a pseudo-label when its distance is below its
       class's self-adaptive threshold (Eq. 4, :func:`adaptive_thresholds`);
    4. build prototypes: per class, the mean of its labeled features and
       kept pseudo-labeled features (Eq. 5);
    5. share: rank 0's result is broadcast, and every rank writes it into
       the model (and the ``EMAHook`` copy, if any): prototypes into
       ``PrototypeHead``, the pseudo-label table into
       ``APLTRecognizer.offline_labels``.

    All state lives in model buffers, so checkpoints, ``--resume`` (the
    phase clock is the epoch) and ``tools/test.py`` need nothing else. The
    hook has NORMAL priority, so the epoch's checkpoint and validation see
    the new prototypes.

    Args:
        warmup_epochs (int): W, FixMatch-only epochs. Paper: 15.
        interval (int): K, online epochs between phases. Paper: 10.
        feature_pipeline (list[dict], optional): Pipeline of the clean
            views. None (default): the test dataloader's pipeline, one
            deterministic clip per video.
        strong_pipeline (list[dict], optional): Pipeline of the labeled
            strong copies. None (default): the train pipeline's transforms
            before ``MultiView``, then its ``strong`` view, then
            ``PackActionInputs``.
        labeled_aug_copies (int): Strong copies per labeled clip that join
            the anchors (labeled-augmentation, LA); 0 disables. Default 1.
        clustering (str): ``'seeded_kmeans'`` (SSKM, paper) or ``'kmeans'``.
        adaptive_threshold (bool): Filter pseudo-labels with Eq. 4 (SAT);
            False keeps every assignment. Default True.
        pseudo_labeler (str): ``'clustering'`` (APLT) or ``'parametric'``:
            the table holds the parametric classifier's confident
            predictions and no prototypes are built (FixMatch ASY).
        parametric_threshold (float): Confidence a parametric pseudo-label
            needs. Default 0.95.
        final_phase (bool): Also run a phase after the last epoch (Variant
            II: prototypes built once, from the final model, for testing).
        max_iter (int): Maximum k-means iterations. Default 100.
        batch_size (int): Extraction batch size per rank. Default 16.
        num_workers (int): Extraction dataloader workers. Default 2.
    """

    priority = 'NORMAL'

    def __init__(self,
                 warmup_epochs: int = 15,
                 interval: int = 10,
                 feature_pipeline: Optional[List[dict]] = None,
                 strong_pipeline: Optional[List[dict]] = None,
                 labeled_aug_copies: int = 1,
                 clustering: str = 'seeded_kmeans',
                 adaptive_threshold: bool = True,
                 pseudo_labeler: str = 'clustering',
                 parametric_threshold: float = 0.95,
                 final_phase: bool = False,
                 max_iter: int = 100,
                 batch_size: int = 16,
                 num_workers: int = 2) -> None:
        if warmup_epochs < 1 or interval < 1:
            raise ValueError('APLTOfflineHook needs warmup_epochs >= 1 and '
                             f'interval >= 1, got {warmup_epochs} and '
                             f'{interval}')
        if clustering not in ('seeded_kmeans', 'kmeans'):
            raise ValueError("clustering must be 'seeded_kmeans' or "
                             f"'kmeans', got {clustering!r}")
        if pseudo_labeler not in ('clustering', 'parametric'):
            raise ValueError("pseudo_labeler must be 'clustering' or "
                             f"'parametric', got {pseudo_labeler!r}")
        if labeled_aug_copies < 0:
            raise ValueError('labeled_aug_copies must be >= 0, got '
                             f'{labeled_aug_copies}')
        self.warmup_epochs = warmup_epochs
        self.interval = interval
        self.feature_pipeline = feature_pipeline
        self.strong_pipeline = strong_pipeline
        self.labeled_aug_copies = labeled_aug_copies
        self.clustering = clustering
        self.adaptive_threshold = adaptive_threshold
        self.pseudo_labeler = pseudo_labeler
        self.parametric_threshold = parametric_threshold
        self.final_phase = final_phase
        self.max_iter = max_iter
        self.loader_cfg = dict(batch_size=batch_size, num_workers=num_workers)

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------
    def is_phase_epoch(self, epoch: int, max_epochs: int) -> bool:
        """Whether a phase runs after ``epoch`` (1-based) finished."""
        if epoch < self.warmup_epochs or epoch > max_epochs:
            return False
        if epoch == max_epochs and not self.final_phase:
            return False
        return (epoch - self.warmup_epochs) % self.interval == 0 or (
            epoch == max_epochs and self.final_phase)

    def before_train(self, runner: Runner) -> None:
        model = self._unwrap(runner.model)
        if not hasattr(model, 'set_offline_labels'):
            raise TypeError('APLTOfflineHook needs an APLTRecognizer model, '
                            f'got {type(model).__name__}.')
        if self.pseudo_labeler == 'clustering' and \
                model.prototype_head is None:
            raise ValueError('APLTOfflineHook with clustering needs '
                             'model.prototype_head (a PrototypeHead).')
        dataset = runner.train_dataloader.dataset
        if not hasattr(dataset, 'num_unlabeled'):
            raise TypeError('APLTOfflineHook needs a SemiVideoDataset as '
                            'train_dataloader.dataset, got '
                            f'{type(dataset).__name__}.')
        if self.feature_pipeline is None:
            loader = runner.cfg.get('test_dataloader') or runner.cfg.get(
                'val_dataloader')
            if not loader:
                raise ValueError('APLTOfflineHook takes the clean-view '
                                 'pipeline from test_dataloader or '
                                 'val_dataloader; the config has neither: '
                                 'set feature_pipeline.')
            self.feature_pipeline = loader.dataset.pipeline
        if self.strong_pipeline is None and self.labeled_aug_copies > 0:
            self.strong_pipeline = strong_view_pipeline(
                runner.cfg.train_dataloader.dataset.pipeline)
        for hook in runner.hooks:
            if isinstance(hook, EMAHook) and getattr(
                    getattr(hook, 'ema_model', None), 'update_buffers',
                    False):
                raise ValueError(
                    'EMAHook(update_buffers=True) would average the '
                    'prototypes and the pseudo-label table (buffers) over '
                    'iterations; use update_buffers=False with APLT.')
        phases = [
            e for e in range(1, runner.max_epochs + 1)
            if self.is_phase_epoch(e, runner.max_epochs)
        ]
        runner.logger.info(
            f'APLT offline phases after epochs {phases} '
            f'(warm-up {self.warmup_epochs}, interval {self.interval}).'
            if phases else 'APLT: no offline phase fits in '
            f'{runner.max_epochs} epochs (warm-up {self.warmup_epochs}).')

    def after_train_epoch(self, runner: Runner) -> None:
        if self.is_phase_epoch(runner.epoch + 1, runner.max_epochs):
            self.run_offline_phase(runner)

    # ------------------------------------------------------------------
    # The phase
    # ------------------------------------------------------------------
    def run_offline_phase(self, runner: Runner) -> PhaseResult:
        """Extract, cluster, threshold, build prototypes, share."""
        start = time.time()
        model = self._unwrap(runner.model)
        feats = self.extract(runner, model)
        extracted = time.time()
        result = None
        if is_main_process():
            try:
                if self.pseudo_labeler == 'parametric':
                    result = self.label_with_classifier(feats)
                else:
                    result = self.label_by_clustering(feats,
                                                      model.num_classes)
                result.stats.update(
                    extract_time=extracted - start,
                    label_time=time.time() - extracted)
            except Exception as err:  # noqa: B902
                # Hand the error to every rank instead of leaving the
                # others waiting in the broadcast.
                result = err
        result = self.share(result)
        if isinstance(result, Exception):
            raise RuntimeError(
                f'APLT offline phase after epoch {runner.epoch + 1} failed '
                f'on rank 0: {type(result).__name__}: {result}') from (
                    result if is_main_process() else None)
        for target in self._models_to_update(runner, model):
            if result.prototypes is not None:
                target.prototype_head.set_prototypes(
                    result.prototypes.to(target.offline_labels.device),
                    result.thresholds.to(target.offline_labels.device))
            target.set_offline_labels(result.offline_labels)
        self.log_phase(runner, result, time.time() - start)
        return result

    @torch.no_grad()
    def extract(self, runner: Runner, model) -> OfflineFeatures:
        """Step 1: features of every clip, gathered in dataset order."""
        dataset = runner.train_dataloader.dataset
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        labeled = infos[:dataset.num_labeled]
        unlabeled = infos[dataset.num_labeled:]
        labels = torch.tensor([info['label'] for info in labeled])
        was_training = model.training
        model.eval()
        try:
            lab = self._run(runner, model, labeled, self.feature_pipeline,
                            'labeled clips')
            unl = self._run(runner, model, unlabeled, self.feature_pipeline,
                            'unlabeled clips')
            copies = [
                self._run(runner, model, labeled, self.strong_pipeline,
                          f'labeled strong copy {k + 1}')['features']
                for k in range(self.labeled_aug_copies)
            ]
        finally:
            model.train(was_training)
        return OfflineFeatures(
            labeled=lab['features'],
            labels=labels,
            augmented=torch.cat(copies) if copies else None,
            augmented_labels=labels.repeat(len(copies)),
            unlabeled=unl['features'],
            unlabeled_logits=unl['logits'])

    def _run(self, runner: Runner, model, infos, pipeline,
             what: str) -> Dict[str, torch.Tensor]:
        """Model outputs for ``infos``, sharded over ranks, gathered."""
        loader = Runner.build_dataloader(
            dict(
                dataset=_ClipList(infos, pipeline),
                sampler=dict(type='DefaultSampler', shuffle=False),
                collate_fn=dict(type='pseudo_collate'),
                persistent_workers=False,
                **self.loader_cfg))
        progress = ProgressBar(len(loader)) if is_main_process() else None
        if progress is not None:
            runner.logger.info(f'APLT offline phase: extracting {what}')
        indices, outputs = [], dict(features=[], logits=[])
        for batch in loader:
            data = model.data_preprocessor(batch, False)
            out = model.offline_outputs(data['inputs'])
            indices.append(torch.tensor(batch['index']))
            for key in outputs:
                if out[key] is not None:
                    outputs[key].append(out[key].float())
            if progress is not None:
                progress.update()
        indices = torch.cat(indices)
        return {
            key: gather_by_index(indices, torch.cat(vals), len(infos)).cpu()
            if vals else None
            for key, vals in outputs.items()
        }

    def label_by_clustering(self, feats: OfflineFeatures,
                            num_classes: int) -> PhaseResult:
        """Steps 2-4: cluster, threshold, build prototypes (rank 0)."""
        anchors, anchor_labels = feats.labeled, feats.labels
        if feats.augmented is not None:
            anchors = torch.cat([anchors, feats.augmented])
            anchor_labels = torch.cat([anchor_labels, feats.augmented_labels])
        # Step 2: cluster the unlabeled features.
        if self.clustering == 'seeded_kmeans':
            clusters = seeded_kmeans(anchors, anchor_labels, feats.unlabeled,
                                     num_classes, max_iter=self.max_iter)
            assignments = clusters.assignments
        else:
            clusters = kmeans(
                torch.cat([anchors, feats.unlabeled]), num_classes,
                max_iter=self.max_iter)
            to_class = match_clusters_to_classes(
                clusters.assignments[:len(anchors)], anchor_labels,
                num_classes, num_classes)
            assignments = to_class[clusters.assignments[len(anchors):]]
            clusters = clusters._replace(
                distances=clusters.distances[len(anchors):])
        # Step 3: keep the reliable pseudo-labels (Eq. 4).
        thresholds = adaptive_thresholds(clusters.distances, assignments,
                                         num_classes)
        keep = thresholds.keep if self.adaptive_threshold else \
            torch.ones_like(assignments, dtype=torch.bool)
        # Step 4: prototypes from labeled and kept pseudo-labeled clips.
        prototypes, _ = build_prototypes(
            torch.cat([feats.labeled, feats.unlabeled[keep]]),
            torch.cat([feats.labels, assignments[keep]]), num_classes)
        return PhaseResult(
            prototypes=prototypes,
            thresholds=thresholds.class_thresholds.float(),
            offline_labels=torch.where(keep, assignments, -1),
            assignments=assignments,
            stats=dict(
                iterations=clusters.num_iters,
                converged=clusters.converged,
                global_threshold=float(thresholds.global_threshold)))

    def label_with_classifier(self, feats: OfflineFeatures) -> PhaseResult:
        """FixMatch ASY: confident parametric predictions, fixed."""
        confidence, predictions = feats.unlabeled_logits.softmax(-1).max(-1)
        keep = confidence >= self.parametric_threshold
        num_classes = feats.unlabeled_logits.shape[1]
        return PhaseResult(
            prototypes=None,
            thresholds=torch.full((num_classes, ),
                                  float(self.parametric_threshold)),
            offline_labels=torch.where(keep, predictions, -1),
            assignments=predictions,
            stats={})

    @staticmethod
    def share(result):
        """Step 5: rank 0's result (or its error), on every rank."""
        box = [result]
        broadcast_object_list(box, src=0)
        return box[0]

    @staticmethod
    def _unwrap(model):
        return model.module if is_model_wrapper(model) else model

    def _models_to_update(self, runner: Runner, model) -> list:
        targets = [model]
        for hook in runner.hooks:
            if isinstance(hook, EMAHook) and hasattr(hook, 'ema_model'):
                targets.append(hook.ema_model.module)
        return targets

    # ------------------------------------------------------------------
    # Logging
    # ------------------------------------------------------------------
    def log_phase(self, runner: Runner, result: PhaseResult,
                  seconds: float) -> None:
        dataset = runner.train_dataloader.dataset
        true = torch.tensor([
            dataset.get_data_info(dataset.num_labeled + i)['true_label']
            for i in range(dataset.num_unlabeled)
        ])
        kept = result.offline_labels >= 0
        known = true >= 0
        num_classes = len(result.thresholds)
        scalars = {
            'offline/num_kept': int(kept.sum()),
            'offline/coverage': kept.float().mean().item(),
            'offline/time': seconds,
            'offline/extract_time': result.stats.pop('extract_time'),
            'offline/label_time': result.stats.pop('label_time'),
        }
        if known.any():
            correct = result.assignments == true
            scalars['offline/assignment_acc'] = correct[known].float().mean(
            ).item()
            if (kept & known).any():
                scalars['offline/pseudo_acc'] = correct[
                    kept & known].float().mean().item()
        lines = [f'{"class":>5} {"assigned":>8} {"kept":>6} '
                 f'{"threshold":>9} {"kept acc":>8}']
        for c in range(num_classes):
            assigned = result.assignments == c
            kept_c = kept & assigned
            acc = '-'
            if (kept_c & known).any():
                acc = f'{(true[kept_c & known] == c).float().mean():.3f}'
            lines.append(f'{c:>5} {int(assigned.sum()):>8} '
                         f'{int(kept_c.sum()):>6} '
                         f'{float(result.thresholds[c]):>9.4f} {acc:>8}')
        extras = ', '.join(f'{k}: {v}' for k, v in result.stats.items())
        runner.logger.info(
            f'APLT offline phase after epoch {runner.epoch + 1} '
            f'({self.pseudo_labeler}) took {seconds:.1f} s; ' + ', '.join(
                f'{k.split("/")[1]}: {v:.4f}' for k, v in scalars.items()) +
            (f'; {extras}' if extras else '') + '\n' + '\n'.join(lines))
        runner.visualizer.add_scalars(scalars, step=runner.epoch + 1)
        runner.message_hub.update_info('offline_phase', dict(
            epoch=runner.epoch + 1, **scalars))
