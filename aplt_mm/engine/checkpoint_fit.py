"""Whether a checkpoint's weights fit a model, said in a few lines.

``tools/test.py`` and ``tools/infer.py`` refuse a checkpoint that does not
fit the config's model: loading it non-strictly would keep the freshly
initialised weights where the keys differ and print chance accuracy.
"""
import copy
from collections import Counter, OrderedDict
from typing import Dict, List, Tuple

import torch
from mmengine.runner.checkpoint import CheckpointLoader

# How many keys of each kind a message names before summarising.
MAX_NAMED_KEYS = 3


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's keys or shapes differ from the model's."""


class CheckpointReadError(RuntimeError):
    """A checkpoint file cannot be read (truncated, not a checkpoint)."""


def load_checkpoint_file(filename: str) -> dict:
    """The checkpoint as a dict (``torch.load(weights_only=True)``).

    Args:
        filename (str): Checkpoint path or URL.

    Returns:
        dict: The checkpoint; a bare state dict is returned as it is.

    Raises:
        CheckpointReadError: naming the file, if it cannot be read.
    """
    try:
        checkpoint = CheckpointLoader.load_checkpoint(
            filename, map_location='cpu', logger='silent')
    except Exception as err:  # torch and zipfile raise several types
        raise CheckpointReadError(
            f'cannot read checkpoint {filename} (truncated or not a '
            f'checkpoint?): {type(err).__name__}: {err}') from err
    if not isinstance(checkpoint, dict):
        raise CheckpointReadError(
            f'{filename} holds a {type(checkpoint).__name__}, not a '
            'checkpoint dict')
    return checkpoint


def checkpoint_state_dict(checkpoint: dict) -> Dict[str, torch.Tensor]:
    """The weights of a checkpoint, without a DDP ``module.`` prefix."""
    state = checkpoint.get('state_dict', checkpoint)

    def strip(key):
        return key[len('module.'):] if key.startswith('module.') else key

    out = OrderedDict((strip(k), v) for k, v in state.items()
                      if isinstance(v, torch.Tensor))
    # Module versions, which _load_from_state_dict reads (BatchNorm).
    metadata = getattr(state, '_metadata', None)
    if metadata is not None:
        out._metadata = OrderedDict(
            (strip(k), v) for k, v in metadata.items())
    return out


def guess_model_kind(state_dict: Dict[str, torch.Tensor]) -> str:
    """Which kind of config a state dict seems to come from.

    Keys under ``recognizer.`` belong to a semi-supervised wrapper
    (``APLTRecognizer`` / ``SemiRecognizer``), with ``prototype_head.``
    for APLT proper; top-level ``backbone.`` / ``cls_head.`` keys to a
    plain MMAction2 recognizer (the labeled-only configs).
    """
    prefixes = {k.split('.', 1)[0] for k in state_dict}
    classes = [
        v.shape[0] for k, v in state_dict.items()
        if k.endswith('cls_head.fc_cls.weight')
    ]
    if 'prototype_head' in prefixes:
        kind = ('an APLT config (APLTRecognizer: keys under recognizer. '
                'and prototype_head.)')
    elif 'recognizer' in prefixes:
        kind = ('a semi-supervised config without prototypes '
                '(SemiRecognizer, or APLTRecognizer for FixMatch ASY: keys '
                'under recognizer.)')
    elif 'backbone' in prefixes:
        kind = ('a labeled-only config (plain recognizer: keys under '
                'backbone. and cls_head.)')
    else:
        kind = f'an unknown model (top-level keys {sorted(prefixes)})'
    if classes:
        kind += f' with {classes[0]} classes'
    return kind


def _summarise(keys: List[str]) -> str:
    by_prefix = Counter(k.split('.', 1)[0] for k in keys)
    groups = ', '.join(f'{p}.* {n}' for p, n in sorted(by_prefix.items()))
    named = ', '.join(keys[:MAX_NAMED_KEYS])
    more = ', ...' if len(keys) > MAX_NAMED_KEYS else ''
    return f'{len(keys)} ({groups}), e.g. {named}{more}'


def _dry_load(model: torch.nn.Module,
              state_dict: Dict[str, torch.Tensor]
              ) -> Tuple[List[str], List[str]]:
    """The missing keys and errors of loading ``state_dict`` into a copy of
    ``model`` the way ``load_state_dict`` does (size mismatches...), so that
    modules resizing a buffer on load (the pseudo-label table) or filling a
    buffer older checkpoints lack (the prototype center, the list
    fingerprint) are honoured."""
    model = copy.deepcopy(model)
    missing, unexpected, errors = [], [], []
    metadata = getattr(state_dict, '_metadata', {})
    state_dict = OrderedDict(state_dict)

    def load(module, prefix=''):
        module._load_from_state_dict(state_dict, prefix,
                                     metadata.get(prefix[:-1], {}), True,
                                     missing, unexpected, errors)
        for name, child in module._modules.items():
            if child is not None:
                load(child, f'{prefix}{name}.')

    load(model)
    return missing, errors


def state_dict_mismatch(model: torch.nn.Module,
                        state_dict: Dict[str, torch.Tensor]) -> List[str]:
    """Lines describing how ``state_dict`` differs from ``model``'s.

    Args:
        model (nn.Module): The model (unwrapped); it is not modified.
        state_dict (dict): The checkpoint's weights.

    Returns:
        list[str]: Missing keys (those no module fills in on load, as
        BatchNorm's ``num_batches_tracked``), unexpected keys and shape
        mismatches, one line each; empty if the weights fit.
    """
    own = model.state_dict()
    missing, errors = _dry_load(model, state_dict)
    unexpected = [k for k in state_dict if k not in own]
    shapes = [
        f'{k}: checkpoint {tuple(state_dict[k].shape)}, model '
        f'{tuple(own[k].shape)}' for k in own
        if k in state_dict and any(f'for {k}:' in e for e in errors)
    ]
    others = [e for e in errors if not e.startswith('size mismatch')]
    lines = []
    if missing:
        lines.append(f'keys missing in the checkpoint: {_summarise(missing)}')
    if unexpected:
        lines.append('keys of the checkpoint the model does not have: '
                     f'{_summarise(unexpected)}')
    if shapes:
        more = ', ...' if len(shapes) > MAX_NAMED_KEYS else ''
        lines.append(f'keys of another shape: {len(shapes)}: ' +
                     '; '.join(shapes[:MAX_NAMED_KEYS]) + more)
    lines += others[:MAX_NAMED_KEYS]
    return lines


def check_checkpoint_fits(model: torch.nn.Module,
                          checkpoint: dict,
                          filename: str,
                          config: str,
                          hint: str = '') -> None:
    """Raise :class:`CheckpointMismatchError` unless the weights fit.

    The message names the missing, unexpected and mismatched keys in a few
    lines and the kind of config the checkpoint seems to come from.

    Args:
        model (nn.Module): The config's model (unwrapped).
        checkpoint (dict): The loaded checkpoint
            (:func:`load_checkpoint_file`).
        filename (str): The checkpoint's path, for the message.
        config (str): The config's path, for the message.
        hint (str): A last sentence, e.g. the tool's option for partial
            loading.
    """
    state_dict = checkpoint_state_dict(checkpoint)
    lines = state_dict_mismatch(model, state_dict)
    if not lines:
        return
    meta = checkpoint.get('meta') or {}
    origin = f'It looks like a checkpoint of {guess_model_kind(state_dict)}'
    if isinstance(meta, dict) and meta.get('experiment_name'):
        origin += f', saved by run {meta["experiment_name"]!r}'
    raise CheckpointMismatchError(
        f'{filename} does not fit the model of {config} '
        f'({type(model).__name__}):\n  ' + '\n  '.join(lines) +
        f'\n{origin}. Use the config it was trained with, or match the '
        'model with --cfg-options (e.g. the number of classes: '
        'model.cls_head.num_classes or '
        'model.recognizer.cls_head.num_classes).' +
        (f' {hint}' if hint else ''))
