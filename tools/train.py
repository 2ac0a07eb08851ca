# Train a recognizer with an aplt_mm config; same arguments as MMAction2's
# tools/train.py.
import argparse
import importlib.util
import logging
import os
import os.path as osp
import sys
import urllib.error

from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

from aplt_mm.engine import (close_process_group, import_custom_modules,
                            setup_launcher)
from aplt_mm.engine.runtime import (check_fresh_work_dir,
                                    check_resume_checkpoint,
                                    unknown_key_warnings)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or from the latest one in '
        'the work dir when no path is given')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr with the total batch size (auto_scale_lr)')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='use a different seed on each rank')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='make cuDNN deterministic')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config options, e.g. '
        'model.algorithm.threshold=0.9')
    parser.add_argument(
        '--tensorboard',
        action='store_true',
        help='also log to TensorBoard (<work_dir>/<timestamp>/vis_data/; '
        'needs `pip install tensorboard`): losses, accuracies and the '
        'offline phases\' offline/* scalars')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge command-line arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError('--amp works with OptimWrapper only, got '
                             f'optim_wrapper.type={optim_wrapper}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True

    randomness = cfg.get('randomness', {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    cfg.randomness = randomness

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)

    if args.tensorboard:
        if importlib.util.find_spec('tensorboard') is None:
            raise SystemExit('--tensorboard needs the tensorboard package: '
                             'pip install tensorboard')
        backends = cfg.visualizer.setdefault('vis_backends', [])
        if not any(b.get('type') == 'TensorboardVisBackend'
                   for b in backends):
            backends.append(dict(type='TensorboardVisBackend'))
    return cfg


def pretrained_weights_hint(err):
    """Message for a failed download of pretrained weights, else None."""
    while err is not None:
        if isinstance(err, (urllib.error.URLError, ConnectionError,
                            TimeoutError)):
            return (
                f'Could not download pretrained weights ({err}). This '
                'machine cannot reach the model zoo: copy the weights into '
                'the torch hub cache ($TORCH_HOME/hub/checkpoints), or train '
                'from scratch with --cfg-options '
                'model.recognizer.backbone.pretrained=None (semi-supervised '
                'configs) or model.backbone.pretrained=None (labeled-only '
                'configs).')
        err = err.__cause__ or err.__context__
    return None


def check_config(cfg) -> None:
    """Warn about misspelt top-level keys; refuse a work dir or a
    checkpoint that would make the run wrong."""
    for message in unknown_key_warnings(cfg):
        print_log(message, logger='current', level=logging.WARNING)
    try:
        if cfg.get('resume', False):
            check_resume_checkpoint(cfg.work_dir, cfg.get('load_from'))
        else:
            check_fresh_work_dir(cfg.work_dir)
    except RuntimeError as err:
        sys.exit(f'train.py: error: {err}')


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    check_config(cfg)
    import_custom_modules(cfg)
    cfg = setup_launcher(cfg)
    runner = Runner.from_cfg(cfg)
    try:
        runner.train()
    except Exception as err:
        hint = pretrained_weights_hint(err)
        if hint is None:
            raise
        sys.exit(hint)
    close_process_group()


if __name__ == '__main__':
    main()
