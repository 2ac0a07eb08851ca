"""APLT's asynchronous schedule: when offline phases run (sections 3.3-3.5)."""
import time
from typing import List, Optional

import torch
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import EMAHook, Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmaction.registry import HOOKS

from ...labelers import OfflineFeatures, PhaseResult, phase_report
from ..extraction import extract_offline_features, strong_view_pipeline


@HOOKS.register_module()
class APLTOfflineHook(Hook):
    """Warm-up, then an offline phase every ``interval`` epochs.

    Training is FixMatch alone for ``warmup_epochs`` (W) epochs; after epoch
    W, W+K, W+2K, ... (before the last epoch) a phase rebuilds the
    pseudo-labels and prototypes that the next K online epochs use, fixed.
    With the paper's W=15, K=10 and 55 epochs: after epochs 15, 25, 35, 45.
    A phase is three steps:

    1. **extract** the pooled features (and parametric logits) of the clean
       labeled and unlabeled clips and of the labeled strong copies the
       labeler asks for, in eval mode, sharded over ranks
       (:func:`extract_outputs`);
    2. **label** on rank 0 with ``model.offline_labeler`` (e.g.
       :class:`ClusteringLabeler`: :func:`cluster_pseudo_labels`), then
       broadcast the result (or rank 0's error) to every rank;
    3. **install** it with ``model.install_offline_phase`` into the model
       and the ``EMAHook`` copy, and log it (figures, per-class table,
       collapse warnings: :func:`phase_report`).

    The hook only schedules: all state lives in model buffers, so
    checkpoints and ``--resume`` (the phase clock is the epoch) need nothing
    else. NORMAL priority: the epoch's checkpoint and validation see the
    new prototypes.

    Args:
        warmup_epochs (int): W, FixMatch-only epochs. Paper: 15.
        interval (int): K, online epochs between phases. Paper: 10.
        final_phase (bool): Also run a phase after the last epoch (Variant
            II: prototypes built once, from the final model).
        feature_pipeline (list[dict], optional): Pipeline of the clean
            views; default the test (else val) dataloader's.
        strong_pipeline (list[dict], optional): Pipeline of the labeled
            strong copies; default the train pipeline's decode ops, its
            ``MultiView`` ``strong`` view and ``PackActionInputs``.
        batch_size (int): Extraction batch size per rank. Default 16.
        num_workers (int): Extraction dataloader workers. Default 2.
    """

    priority = 'NORMAL'

    def __init__(self,
                 warmup_epochs: int = 15,
                 interval: int = 10,
                 final_phase: bool = False,
                 feature_pipeline: Optional[List[dict]] = None,
                 strong_pipeline: Optional[List[dict]] = None,
                 batch_size: int = 16,
                 num_workers: int = 2) -> None:
        if warmup_epochs < 1 or interval < 1:
            raise ValueError('APLTOfflineHook needs warmup_epochs >= 1 and '
                             f'interval >= 1, got {warmup_epochs} and '
                             f'{interval}')
        self.warmup_epochs = warmup_epochs
        self.interval = interval
        self.final_phase = final_phase
        self.feature_pipeline = feature_pipeline
        self.strong_pipeline = strong_pipeline
        self.loader_cfg = dict(batch_size=batch_size, num_workers=num_workers)

    def is_phase_epoch(self, epoch: int, max_epochs: int) -> bool:
        """Whether a phase runs after ``epoch`` (1-based) finished."""
        if epoch < self.warmup_epochs or epoch > max_epochs:
            return False
        if epoch == max_epochs:
            return self.final_phase
        return (epoch - self.warmup_epochs) % self.interval == 0

    def before_train(self, runner: Runner) -> None:
        model = self._unwrap(runner.model)
        if getattr(model, 'offline_labeler', None) is None:
            raise TypeError(
                'APLTOfflineHook needs a model with an offline labeler '
                '(APLTRecognizer with model.offline_labeler), got '
                f'{type(model).__name__}.')
        dataset = runner.train_dataloader.dataset
        # Checks the dataset type and a resumed table against the list, and
        # hashes the list once for the run (it does not change).
        self.list_fingerprint = model.check_offline_dataset(dataset)
        if self.feature_pipeline is None:
            loader = runner.cfg.get('test_dataloader') or runner.cfg.get(
                'val_dataloader')
            if not loader:
                raise ValueError('APLTOfflineHook takes the clean-view '
                                 'pipeline from test_dataloader or '
                                 'val_dataloader; the config has neither: '
                                 'set feature_pipeline.')
            self.feature_pipeline = loader.dataset.pipeline
        if self.strong_pipeline is None and \
                model.offline_labeler.num_augmented_copies > 0:
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
        model.offline_schedule_attached = True
        phases = [
            e for e in range(1, runner.max_epochs + 1)
            if self.is_phase_epoch(e, runner.max_epochs)
        ]
        runner.logger.info(
            f'APLT offline phases after epochs {phases} (warm-up '
            f'{self.warmup_epochs}, interval {self.interval}), labeler '
            f'{model.offline_labeler!r}' if phases else 'APLT: no offline '
            f'phase fits in {runner.max_epochs} epochs (warm-up '
            f'{self.warmup_epochs}).')

    def after_train_epoch(self, runner: Runner) -> None:
        if self.is_phase_epoch(runner.epoch + 1, runner.max_epochs):
            self.run_offline_phase(runner)

    def run_offline_phase(self, runner: Runner) -> PhaseResult:
        """Extract, label (rank 0), broadcast, install, log."""
        start = time.time()
        model = self._unwrap(runner.model)
        feats = self.extract(runner, model)
        extracted = time.time()
        result = None
        if is_main_process():
            try:
                result = model.offline_labeler(feats, model.num_classes)
            except Exception as err:  # noqa: B902
                # Hand the error to every rank instead of leaving the
                # others waiting in the broadcast.
                result = err
        box = [result]
        broadcast_object_list(box, src=0)
        result = box[0]
        if isinstance(result, Exception):
            raise RuntimeError(
                f'APLT offline phase after epoch {runner.epoch + 1} failed '
                f'on rank 0: {type(result).__name__}: {result}') from (
                    result if is_main_process() else None)
        result.stats.update(extract_time=extracted - start,
                            label_time=time.time() - extracted)
        for target in [model] + [
                hook.ema_model.module for hook in runner.hooks
                if isinstance(hook, EMAHook) and hasattr(hook, 'ema_model')
        ]:
            target.install_offline_phase(result, self.list_fingerprint)
        self.log_phase(runner, result, time.time() - start)
        return result

    def extract(self, runner: Runner, model) -> OfflineFeatures:
        """Step 1: features of every clip, gathered in dataset order."""
        runner.logger.info('APLT offline phase: extracting features')
        return extract_offline_features(
            model, runner.train_dataloader.dataset, self.feature_pipeline,
            self.strong_pipeline, model.offline_labeler.num_augmented_copies,
            logger=runner.logger, **self.loader_cfg)

    def log_phase(self, runner: Runner, result: PhaseResult,
                  seconds: float) -> None:
        """Figures to the log and visualizer, warnings on collapse."""
        dataset = runner.train_dataloader.dataset
        true = torch.tensor([
            dataset.get_data_info(dataset.num_labeled + i)['true_label']
            for i in range(dataset.num_unlabeled)
        ], dtype=torch.long)
        figures, table, warnings = phase_report(result, true,
                                                len(result.thresholds))
        stats = dict(result.stats)
        scalars = {f'offline/{k}': v for k, v in figures.items()}
        scalars.update({
            'offline/time': seconds,
            'offline/extract_time': stats.pop('extract_time'),
            'offline/label_time': stats.pop('label_time'),
        })
        extras = ', '.join(f'{k}: {v}' for k, v in stats.items())
        runner.logger.info(
            f'APLT offline phase after epoch {runner.epoch + 1} took '
            f'{seconds:.1f} s; ' + ', '.join(
                f'{k.split("/")[1]}: {v:.4f}' for k, v in scalars.items()) +
            (f'; {extras}' if extras else '') + '\n' + '\n'.join(table))
        for warning in warnings:
            runner.logger.warning(f'APLT offline phase: {warning}')
        runner.visualizer.add_scalars(scalars, step=runner.epoch + 1)
        runner.message_hub.update_info('offline_phase', dict(
            epoch=runner.epoch + 1, **scalars))

    @staticmethod
    def _unwrap(model):
        return model.module if is_model_wrapper(model) else model
