"""SIGKILL mid-epoch and --resume reproduce the uninterrupted run exactly."""
import glob
import json
import os.path as osp
import shutil
import signal
import subprocess
import sys

import torch

from conftest import REPO_ROOT, run_dist_train, run_tool
from conftest import FIXMATCH, semi_options

# Timing fields differ between runs by nature.
TIMING = {'time', 'data_time', 'eta', 'memory'}


def scalars(work_dir, first_epoch):
    """Logged values from ``first_epoch`` on, by (kind, epoch, iter)."""
    out = {}
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                kind = 'train' if 'loss' in rec else 'val'
                key = (kind, rec.get('epoch', rec['step']), rec.get('iter'))
                if key[1] >= first_epoch or kind == 'val' and \
                        rec['step'] >= first_epoch:
                    out[key] = {
                        k: v
                        for k, v in rec.items() if k not in TIMING
                    }
    return out


def train_until_killed(opts, pattern, timeout=600):
    """Run tools/train.py and SIGKILL it once ``pattern`` is logged."""
    proc = subprocess.Popen(
        [sys.executable, 'tools/train.py', FIXMATCH, '--cfg-options', *opts],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True)
    log = []
    try:
        for line in proc.stdout:
            log.append(line)
            if pattern in line:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(timeout)
    assert proc.returncode == -signal.SIGKILL, ''.join(log[-50:])


def test_sigkill_and_resume_is_bit_identical(tiny_data, tmp_path):
    # Three epochs of three iterations; validation after each epoch draws
    # random numbers between epochs, which the resumed run does not redo.
    full_dir, cut_dir = str(tmp_path / 'full'), str(tmp_path / 'cut')
    run_tool(['tools/train.py', FIXMATCH, '--cfg-options',
              *semi_options(tiny_data, full_dir, max_epochs=3)])
    cut_opts = semi_options(tiny_data, cut_dir, max_epochs=3)
    train_until_killed(cut_opts, 'Epoch(train) [2][2/3]')
    assert osp.exists(osp.join(cut_dir, 'epoch_1.pth'))
    assert not osp.exists(osp.join(cut_dir, 'epoch_2.pth'))
    proc = run_tool(
        ['tools/train.py', FIXMATCH, '--resume', '--cfg-options', *cut_opts])
    assert 'resumed epoch: 1' in proc.stdout + proc.stderr

    for name in ('epoch_2.pth', 'epoch_3.pth'):
        full = torch.load(osp.join(full_dir, name), weights_only=True)
        cut = torch.load(osp.join(cut_dir, name), weights_only=True)
        assert full['state_dict'].keys() == cut['state_dict'].keys()
        for key, value in full['state_dict'].items():
            assert torch.equal(value, cut['state_dict'][key]), (name, key)
        momentum = [s['momentum_buffer']
                    for s in full['optimizer']['state'].values()]
        momentum_cut = [s['momentum_buffer']
                        for s in cut['optimizer']['state'].values()]
        assert all(map(torch.equal, momentum, momentum_cut)), name

    full_log, cut_log = scalars(full_dir, 2), scalars(cut_dir, 2)
    assert ('train', 2, 4) in full_log  # epoch 2 iteration 1 (global 4)
    assert full_log == cut_log


def test_two_ranks_resume_bit_identical(tiny_data, tmp_path):
    # Stopped after epoch 1's checkpoint (copied into a fresh work dir, as
    # a kill during epoch 2 leaves it), resumed on 2 gloo ranks.
    full, resumed = tmp_path / 'full', tmp_path / 'resumed'
    run_dist_train(FIXMATCH, 2, semi_options(tiny_data, full, 3))
    resumed.mkdir()
    shutil.copy(full / 'epoch_1.pth', resumed / 'epoch_1.pth')
    proc = run_dist_train(
        FIXMATCH, 2,
        semi_options(tiny_data, resumed, 3) +
        ['resume=True', f'load_from={resumed / "epoch_1.pth"}'])
    assert 'resumed epoch: 1' in proc.stdout + proc.stderr
    stored = torch.load(full / 'epoch_1.pth', weights_only=True)
    assert len(stored['random_states']) == 2  # one per rank
    for name in ('epoch_2.pth', 'epoch_3.pth'):
        a = torch.load(full / name, weights_only=True)['state_dict']
        b = torch.load(resumed / name, weights_only=True)['state_dict']
        for key, value in a.items():
            assert torch.equal(value, b[key]), (name, key)
