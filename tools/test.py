# Test a checkpoint with an aplt_mm config; same arguments as MMAction2's
# tools/test.py.
import argparse
import logging
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from aplt_mm.engine import (close_process_group, import_custom_modules,
                            setup_launcher)
from aplt_mm.engine.checkpoint_fit import (CheckpointMismatchError,
                                           CheckpointReadError,
                                           check_checkpoint_fits,
                                           checkpoint_state_dict,
                                           load_checkpoint_file,
                                           state_dict_mismatch)
from aplt_mm.engine.runtime import unknown_key_warnings


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a '
                                     'recognizer checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--dump',
        type=str,
        help='dump the predictions to a pickle file for offline evaluation')
    parser.add_argument(
        '--partial-load',
        action='store_true',
        help='load only the checkpoint weights whose names and shapes '
        'match the model, listing the others (default: refuse a checkpoint '
        'that does not fit the model)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config options, e.g. '
        'model.semi_test_cfg.predict_with=cls_head')
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
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must name a .pkl or .pickle file')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = list(cfg.test_evaluator) + [dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # Only the checkpoint's weights matter for testing; main() checks that
    # they fit the model before the runner loads them.
    cfg.load_from = args.checkpoint
    cfg.resume = False
    return cfg


def check_weights(runner, args) -> None:
    """Refuse a checkpoint that does not fit the model, unless
    ``--partial-load``, which lists the weights left out."""
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    try:
        checkpoint = load_checkpoint_file(args.checkpoint)
    except CheckpointReadError as err:
        raise SystemExit(f'test.py: error: {err}') from None
    if args.partial_load:
        lines = state_dict_mismatch(model, checkpoint_state_dict(checkpoint))
        if lines:
            runner.logger.warning(
                f'--partial-load: {args.checkpoint} fits the model only in '
                'part:\n  ' + '\n  '.join(lines))
    else:
        try:
            check_checkpoint_fits(
                model, checkpoint, args.checkpoint, args.config,
                hint='Or pass --partial-load to test the matching weights '
                'only.')
        except CheckpointMismatchError as err:
            raise SystemExit(f'test.py: error: {err}') from None


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    for message in unknown_key_warnings(cfg):
        print_log(message, logger='current', level=logging.WARNING)
    import_custom_modules(cfg)
    cfg = setup_launcher(cfg)
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'Checkpoint not found: {args.checkpoint}')
    runner = Runner.from_cfg(cfg)
    check_weights(runner, args)
    runner.test()
    close_process_group()


if __name__ == '__main__':
    main()
