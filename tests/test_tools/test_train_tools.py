"""FixMatch and labeled-only training through the user-facing tools."""
import torch

from conftest import (FIXMATCH, SUPERVISED, run_dist_train, run_tool,
                      semi_options, tiny_cfg_options)


def test_fixmatch_train_test_and_resume(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    opts = semi_options(tiny_data, work_dir, max_epochs=1)
    proc = run_tool(['tools/train.py', FIXMATCH, '--cfg-options', *opts])
    log = proc.stdout + proc.stderr
    for key in ('loss_sup', 'loss_unsup', 'mask_ratio', 'acc/top1'):
        assert key in log, key
    ckpt = work_dir / 'epoch_1.pth'
    # Loads with torch's safe default: no unpickling of arbitrary objects.
    state = torch.load(ckpt, weights_only=True)
    assert state['meta']['epoch'] == 1

    proc = run_tool(['tools/test.py', FIXMATCH, str(ckpt), '--cfg-options',
                     *opts])
    assert 'Epoch(test)' in proc.stdout + proc.stderr
    assert 'acc/mean1' in proc.stdout + proc.stderr

    # Resume: continues at epoch 2 from the same work dir.
    opts = semi_options(tiny_data, work_dir, max_epochs=2)
    proc = run_tool(['tools/train.py', FIXMATCH, '--resume', '--cfg-options',
                     *opts])
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 1' in log
    assert 'Epoch(train) [2]' in log and 'Epoch(train) [1]' not in log
    assert (work_dir / 'epoch_2.pth').exists()


def test_labeled_only_baseline_trains(tiny_data, tmp_path):
    opts = tiny_cfg_options(tiny_data, tmp_path / 'work') + [
        f'train_dataloader.dataset.ann_file={tiny_data["labeled"]}',
        f'model.cls_head.num_classes={tiny_data["num_classes"]}',
        'train_dataloader.batch_size=3',
    ]
    proc = run_tool(['tools/train.py', SUPERVISED, '--cfg-options', *opts])
    assert 'Epoch(val) [1]' in proc.stdout + proc.stderr


def test_dist_train_runs_two_gloo_processes(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    opts = semi_options(tiny_data, work_dir, max_epochs=1)
    proc = run_dist_train(FIXMATCH, 2, opts)
    log = proc.stdout + proc.stderr
    assert 'Distributed launcher: pytorch' in log
    assert "dist_cfg: {'backend': 'gloo'}" in log
    assert 'Distributed training: True' in log
    # 12 unlabeled clips / (2 ranks x 4 per batch) -> 2 iterations per rank.
    assert 'Epoch(train) [1][2/2]' in log
    assert (work_dir / 'epoch_1.pth').exists()
