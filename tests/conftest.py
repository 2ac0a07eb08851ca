"""Shared fixtures: tiny real mp4 datasets written with OpenCV."""
import os
import os.path as osp
import socket
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

# pytest-xdist runs one worker per core: one thread each, and the tools
# they start inherit it, so workers do not fight over the cores.
if os.environ.get('PYTEST_XDIST_WORKER'):
    os.environ['OMP_NUM_THREADS'] = '1'
    torch.set_num_threads(1)

# Components built outside a Runner resolve names in mmaction's registries,
# as they do inside one (configs set default_scope = 'mmaction').
init_default_scope('mmaction')

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
NUM_CLASSES = 3


def write_clip(path, label, seed, size=32, num_frames=4):
    """Write a clip whose moving square's colour depends on the label."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 10,
                             (size, size))
    assert writer.isOpened(), path
    colour = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)][label % 4]
    for t in range(num_frames):
        frame = rng.integers(0, 40, (size, size, 3), dtype=np.uint8)
        x = (4 + 3 * t + label * 5) % (size - 8)
        frame[8:16, x:x + 8] = colour
        writer.write(frame)
    writer.release()


def make_video_list(root,
                    name,
                    clips_per_class,
                    offset=0,
                    num_classes=NUM_CLASSES):
    """Write clips under ``root/videos`` and a list ``root/name``."""
    lines = []
    for label in range(num_classes):
        for i in range(clips_per_class):
            rel = f'{name}_{label}_{i}.mp4'
            write_clip(osp.join(root, 'videos', rel), label,
                       seed=offset + 100 * label + i)
            lines.append(f'{rel} {label}')
    with open(osp.join(root, name + '.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return osp.join(root, name + '.txt')


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory):
    """3 classes: 2 labeled, 4 unlabeled (labels kept), 2 test clips each."""
    root = str(tmp_path_factory.mktemp('tiny_data'))
    return dict(
        root=root,
        videos=osp.join(root, 'videos'),
        labeled=make_video_list(root, 'labeled', 2, offset=0),
        unlabeled=make_video_list(root, 'unlabeled', 4, offset=1000),
        test=make_video_list(root, 'test', 2, offset=2000),
        num_classes=NUM_CLASSES)


def tiny_cfg_options(data, work_dir, max_epochs=1):
    """--cfg-options pointing a demo config at ``tiny_data``, shrunk."""
    opts = [
        f'work_dir={work_dir}',
        # The tests' train lists are given as they are (tiny_data's labeled
        # and unlabeled lists): no labeled part drawn by the configs' ratio.
        'train_dataloader.dataset.label_ratio=None',
        f'train_dataloader.dataset.data_prefix.video={data["videos"]}',
        f'train_dataloader.dataset.num_classes={data["num_classes"]}',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_cfg.max_epochs={max_epochs}',
        'train_cfg.val_interval=1',
        'default_hooks.logger.interval=1',
    ]
    for split, ann in (('val', data['test']), ('test', data['test'])):
        opts += [
            f'{split}_dataloader.dataset.ann_file={ann}',
            f'{split}_dataloader.dataset.data_prefix.video={data["videos"]}',
            f'{split}_dataloader.dataset.num_classes={data["num_classes"]}',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    return opts


FIXMATCH = osp.join(REPO_ROOT, 'configs/fixmatch_r18_demo.py')
SUPERVISED = osp.join(REPO_ROOT, 'configs/supervised_r18_demo.py')


def semi_options(data, work_dir, max_epochs):
    """``tiny_cfg_options`` plus the semi-supervised lists and batches."""
    return tiny_cfg_options(data, work_dir, max_epochs) + [
        f'train_dataloader.dataset.ann_file={data["labeled"]}',
        f'train_dataloader.dataset.unlabeled_ann_file={data["unlabeled"]}',
        f'model.recognizer.cls_head.num_classes={data["num_classes"]}',
        'train_dataloader.sampler.labeled_batch_size=2',
        'train_dataloader.sampler.unlabeled_ratio=2',
        'train_dataloader.batch_size=6',
    ]


def free_port():
    """A TCP port on localhost that is free now (for process groups)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_tool(args, timeout=600, env=None, check=True):
    """Run ``python <args>`` from the repo root; return the process."""
    return _run([sys.executable] + list(args), timeout, env, check)


def run_dist_train(config, nprocs, cfg_options, timeout=600, env=None,
                   check=True):
    """``bash tools/dist_train.sh`` on CPU (gloo) with a free port."""
    env = dict(env or os.environ, PORT=str(free_port()),
               CUDA_VISIBLE_DEVICES='')
    return _run([
        'bash', 'tools/dist_train.sh', config,
        str(nprocs), '--cfg-options', *cfg_options
    ], timeout, env, check)


def _run(args, timeout, env, check):
    proc = subprocess.run(args,
                          cwd=REPO_ROOT,
                          capture_output=True,
                          text=True,
                          timeout=timeout,
                          env=env)
    if check and proc.returncode != 0:
        raise AssertionError(
            f'{args} exited {proc.returncode}\nSTDOUT:\n{proc.stdout[-4000:]}'
            f'\nSTDERR:\n{proc.stderr[-6000:]}')
    return proc


# Tests that start trainings, slowest first: the two xdist workers take the
# long ones while the quick ones fill the gaps, so both end together.
SLOW_FIRST = ('test_integration/', 'test_tools/test_benchmark.py',
              'test_engine/', 'test_tools/test_train_tools.py',
              'test_tools/test_infer.py')


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(
        tuple('tests/' + s for s in SLOW_FIRST)))
