"""Check at the start of training that the model and the data agree, and
bind the model's per-clip state to the train data."""
from typing import List, Optional, Tuple

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop
from mmaction.registry import HOOKS

from ...datasets.samplers.semi_supervised_sampler import (
    SemiSupervisedSampler, check_batch_size)


def model_class_counts(model) -> List[Tuple[str, int]]:
    """``(config key, num_classes)`` of the model's classifiers."""
    counts = []
    inner, prefix = model, 'model'
    if hasattr(model, 'recognizer'):
        inner, prefix = model.recognizer, 'model.recognizer'
    head = getattr(inner, 'cls_head', None)
    if getattr(head, 'num_classes', None) is not None:
        counts.append((f'{prefix}.cls_head.num_classes', head.num_classes))
    head = getattr(model, 'prototype_head', None)
    if getattr(head, 'num_classes', None) is not None:
        counts.append(('model.prototype_head.num_classes', head.num_classes))
    return counts


def data_class_count(dataset, split: str) -> Optional[Tuple[str, int, bool]]:
    """``(what, num_classes, exact)`` of a dataset: its ``num_classes``
    (exact), else its largest label + 1 (a lower bound); None if unknown."""
    num_classes = getattr(dataset, 'num_classes', None)
    if num_classes is not None:
        return f'{split}.dataset.num_classes', int(num_classes), True
    if not hasattr(dataset, 'get_data_info'):
        return None
    # get_data_info, not data_list: MMEngine serialises and empties it.
    labels = [
        label for label in (dataset.get_data_info(i).get('label')
                            for i in range(len(dataset)))
        if isinstance(label, int) and label >= 0
    ]
    if not labels:
        return None
    ann = getattr(dataset, 'ann_file', '')
    return (f'the largest label in {split}.dataset.ann_file ({ann}) + 1',
            max(labels) + 1, False)


@HOOKS.register_module()
class DataContractHook(Hook):
    """Refuse a run whose model and data disagree, before iteration 1.

    Checked when training starts:

    - the number of classes of the model (``model.cls_head.num_classes``,
      or ``model.recognizer.cls_head.num_classes`` and
      ``model.prototype_head.num_classes`` for the semi-supervised
      wrappers) against the training and validation data's
      (``<split>.dataset.num_classes``, else their largest label + 1).
      Fewer model classes would fail at a random iteration in
      cross-entropy; more would fail only at APLT's first offline phase;
    - for a :class:`SemiSupervisedSampler`, that the loader's batch size is
      the sampler's ``labeled_batch_size * (1 + unlabeled_ratio)`` (also
      checked by :class:`SemiSupervisedBatchSampler`; this covers configs
      that use the sampler without it).

    It also binds the model to the train data: in ``before_run`` it calls
    ``model.bind_dataset(train_dataset)`` where the model has it
    (:class:`SemiRecognizer`), which sizes per-clip tables (FlexMatch's)
    from the unlabeled list and records the list's fingerprint. That is
    before ``EMAHook`` (NORMAL priority) deep-copies the model in its own
    ``before_run``, so the copy has the table too, and before ``--resume``
    loads a checkpoint, whose table is then checked against the list.

    No arguments. It is in ``default_hooks`` of
    ``configs/_base_/default_runtime.py``.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        # Runner.train builds its loop (and the train dataset) before
        # before_run; test and val runs have no train loop: nothing to bind.
        if not isinstance(getattr(runner, '_train_loop', None), BaseLoop):
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if hasattr(model, 'bind_dataset'):
            model.bind_dataset(runner.train_dataloader.dataset)

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        counts = model_class_counts(model)
        loaders = [('train_dataloader', runner.train_dataloader)]
        val_loop = getattr(runner, '_val_loop', None)
        if isinstance(val_loop, BaseLoop):
            loaders.append(('val_dataloader', val_loop.dataloader))
        for split, loader in loaders:
            data = data_class_count(loader.dataset, split)
            if data is None:
                continue
            what, n_data, exact = data
            for key, n_model in counts:
                if n_model < n_data or (exact and n_model != n_data):
                    raise ValueError(
                        f'{key}={n_model} but {what} is {n_data}: the model '
                        'and the data must have the same number of classes. '
                        'Set both to the number of classes of the data.')
        loader = runner.train_dataloader
        sampler = getattr(loader.batch_sampler, 'sampler', None)
        if isinstance(sampler, SemiSupervisedSampler):
            check_batch_size(sampler, loader.batch_sampler.batch_size)
