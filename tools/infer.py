# Copyright (c) APLT authors. All rights reserved.
"""Top-k classes of one video with a trained checkpoint.

Example::

    python tools/infer.py configs/aplt_r18_demo.py \
        work_dirs/aplt_r18_demo/epoch_12.pth \
        data/demo/videos/test/head_nod_0000.mp4 \
        --classes data/demo/classes.txt --topk 3

prints a comment line, then one line per class, best first::

    # data/demo/videos/test/head_nod_0000.mp4: top-3 of 12 classes ...
    1 0 head nod 0.9132
    2 2 head tilt 0.0511
    3 5 touch nose 0.0101

(``rank class_id name score``; the name is ``-`` without ``--classes``).
The video goes through the config's test pipeline and the model predicts
as in ``tools/test.py``: an APLT model with its
``semi_test_cfg.predict_with`` classifier (the prototype classifier for
APLT configs), which ``--predict-with`` overrides.
"""
import argparse
import importlib.util
import logging
import os.path as osp
import sys
from typing import List, Optional, Tuple

if importlib.util.find_spec('aplt_mm') is None:
    # Not pip-installed: use the checkout this script lives in.
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import Compose, pseudo_collate  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import load_state_dict  # noqa: E402
from mmaction.registry import MODELS, TRANSFORMS  # noqa: E402

from aplt_mm.analysis import metrics  # noqa: E402
from aplt_mm.engine import import_custom_modules  # noqa: E402
from aplt_mm.engine.checkpoint_fit import (  # noqa: E402
    CheckpointMismatchError, CheckpointReadError, check_checkpoint_fits,
    checkpoint_state_dict, load_checkpoint_file)


class InferenceError(Exception):
    """A problem reported to the user as one message, without traceback."""


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Print the top-k classes of one video.')
    parser.add_argument('config', help='config file of the checkpoint')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('video', help='video file')
    parser.add_argument(
        '--topk',
        type=int,
        default=5,
        help='number of classes to print (default 5)')
    parser.add_argument(
        '--classes',
        help='class names: one per line, or build_subset.py\'s "<id> '
        '<original id> <name>" lines')
    parser.add_argument(
        '--device',
        default='cpu',
        help='torch device, e.g. cpu or cuda:0 (default cpu)')
    parser.add_argument(
        '--predict-with',
        choices=['cls_head', 'prototype_head'],
        help='classifier of an APLTRecognizer (default: the config\'s '
        'model.semi_test_cfg.predict_with)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config options, e.g. '
        'model.recognizer.cls_head.num_classes=3')
    return parser.parse_args(argv)


def check_inputs(args: argparse.Namespace) -> None:
    """Fail early, naming the file or option at fault.

    Args:
        args (argparse.Namespace): The tool's arguments.
    """
    for what, path in (('config', args.config),
                       ('checkpoint', args.checkpoint), ('video', args.video)):
        if not osp.isfile(path):
            raise InferenceError(f'{what} not found: {path}')
    if args.topk < 1:
        raise InferenceError(f'--topk must be >= 1, got {args.topk}')
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise InferenceError(f'--device {args.device}: CUDA is not '
                             'available on this machine')


def build_model(args: argparse.Namespace) -> Tuple[torch.nn.Module, Config]:
    """The config's model with the checkpoint's weights, in eval mode.

    Args:
        args (argparse.Namespace): The tool's arguments (``config``,
            ``checkpoint``, ``cfg_options``, ``predict_with``, ``device``).

    Returns:
        tuple[nn.Module, Config]: The model on ``args.device`` and the
        config.
    """
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    import_custom_modules(cfg)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if args.predict_with is not None:
        if cfg.model.get('type') != 'APLTRecognizer':
            raise InferenceError(
                f'--predict-with needs an APLTRecognizer config; '
                f'{args.config} builds a {cfg.model.get("type")}')
        cfg.model.setdefault('semi_test_cfg', {})
        cfg.model.semi_test_cfg.predict_with = args.predict_with
    # Building does not initialise weights, so no pretrained download.
    model = MODELS.build(cfg.model)
    try:
        checkpoint = load_checkpoint_file(args.checkpoint)
        check_checkpoint_fits(model, checkpoint, args.checkpoint,
                              args.config)
    except (CheckpointReadError, CheckpointMismatchError) as e:
        raise InferenceError(str(e)) from None
    load_state_dict(model, checkpoint_state_dict(checkpoint), strict=True,
                    logger='silent')
    return model.to(args.device).eval(), cfg


def load_video(cfg: Config, video: str) -> dict:
    """One test-pipeline sample of ``video``, as the test dataloader makes.

    Args:
        cfg (Config): The config (``test_dataloader.dataset.pipeline``).
        video (str): The video file.

    Returns:
        dict: The packed sample (``inputs``, ``data_samples``).
    """
    pipeline = Compose(
        [TRANSFORMS.build(t) for t in cfg.test_dataloader.dataset.pipeline])
    # Keep the file backend's deprecation warnings off the printed classes.
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return pipeline(
            dict(filename=video, label=-1, start_index=0, modality='RGB'))
    except Exception as e:  # decord raises its own error types
        raise InferenceError(f'cannot decode video {video}: '
                             f'{type(e).__name__}: {e}') from None
    finally:
        logger.setLevel(level)


def predict_scores(model: torch.nn.Module, sample: dict) -> torch.Tensor:
    """Class scores of one sample through the model's prediction path.

    Args:
        model (nn.Module): The model, in eval mode.
        sample (dict): A test-pipeline sample (:func:`load_video`).

    Returns:
        torch.Tensor: ``[C]`` scores on the CPU.
    """
    with torch.no_grad():
        result = model.test_step(pseudo_collate([sample]))[0]
    # mmaction 1.1 stores scores in pred_scores.item, 1.2 in pred_score.
    scores = result.pred_scores.item if hasattr(
        result, 'pred_scores') else result.pred_score
    return scores.float().cpu().reshape(-1)


def main(argv: Optional[List[str]] = None) -> None:
    """Run the tool; errors exit with one message naming the file.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    try:
        check_inputs(args)
        class_names = metrics.load_class_map(
            args.classes) if args.classes else None
        model, cfg = build_model(args)
        scores = predict_scores(model, load_video(cfg, args.video))
        if class_names is not None:
            metrics.check_class_names(class_names, len(scores),
                                      args.classes)
    except (InferenceError, FileNotFoundError, ValueError) as e:
        sys.exit(f'infer.py: error: {e}')
    topk = min(args.topk, len(scores))
    values, indices = scores.topk(topk)
    predict_with = getattr(model, 'semi_test_cfg',
                           {}).get('predict_with', 'cls_head')
    if predict_with == 'prototype_head' and not model.with_prototypes:
        predict_with = 'cls_head: the checkpoint has no prototypes yet'
    print(f'# {args.video}: top-{topk} of {len(scores)} classes '
          f'({type(model).__name__}, {predict_with})')
    for rank, (score, cls) in enumerate(
            zip(values.tolist(), indices.tolist()), start=1):
        name = class_names[cls] if class_names is not None else '-'
        print(f'{rank} {cls} {name} {score:.4f}')


if __name__ == '__main__':
    main()
