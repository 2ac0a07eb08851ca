"""APLT with ST-GCN through the user-facing tools, on a tiny pose pickle."""
import os.path as osp

import pytest
import torch

from conftest import REPO_ROOT, run_dist_train, run_tool
from skeleton_data import make_pose_pickle, pose_cfg_options

APLT = osp.join(REPO_ROOT, 'configs/skeleton/aplt_stgcn_msr3d.py')
SUPERVISED = osp.join(REPO_ROOT, 'configs/skeleton/supervised_stgcn_msr3d.py')


@pytest.fixture(scope='module')
def pose_pkl(tmp_path_factory):
    path = tmp_path_factory.mktemp('pose_train') / 'tiny.pkl'
    make_pose_pickle(path)
    return str(path)


def aplt_options(pkl, work_dir, max_epochs=3):
    # 6 labeled + 6 unlabeled clips, one batch of 2 + 4 per epoch.
    return pose_cfg_options(pkl, work_dir, max_epochs=max_epochs) + [
        'model.recognizer.cls_head.num_classes=3',
        'model.prototype_head.num_classes=3',
        'train_dataloader.sampler.labeled_batch_size=2',
        'train_dataloader.sampler.unlabeled_ratio=2',
        'train_dataloader.batch_size=6',
        'custom_hooks.0.warmup_epochs=1',
        'custom_hooks.0.interval=1',
        'custom_hooks.0.num_workers=0',
        'custom_hooks.0.batch_size=4',
    ]


def test_aplt_stgcn_warmup_phases_online_then_test(pose_pkl, tmp_path):
    work_dir = tmp_path / 'work'
    opts = aplt_options(pose_pkl, work_dir)
    proc = run_tool(['tools/train.py', APLT, '--cfg-options', *opts])
    log = proc.stdout + proc.stderr
    assert 'APLT offline phase after epoch 1' in log
    assert 'APLT offline phase after epoch 2' in log
    lines = log.splitlines()
    epoch1 = [line for line in lines if 'Epoch(train) [1]' in line]
    epoch3 = [line for line in lines if 'Epoch(train) [3]' in line]
    assert epoch1 and not any('loss_margin' in line for line in epoch1)
    assert epoch3 and all('loss_margin_sup' in line for line in epoch3)

    state = torch.load(work_dir / 'epoch_3.pth',
                       weights_only=True)['state_dict']
    prototypes = state['prototype_head.prototypes']
    assert prototypes.shape == (3, 64)  # ST-GCN's 64-wide pooled features
    assert torch.allclose(prototypes.norm(dim=1), torch.ones(3))
    assert bool(state['prototype_head.initialized'])
    assert state['offline_labels'].shape == (6, )

    proc = run_tool([
        'tools/test.py', APLT,
        str(work_dir / 'epoch_3.pth'), '--cfg-options', *opts
    ])
    assert 'acc/top1' in proc.stdout + proc.stderr


def test_labeled_only_takes_the_semi_runs_steps(pose_pkl, tmp_path):
    opts = pose_cfg_options(pose_pkl, tmp_path / 'work') + [
        'model.cls_head.num_classes=3',
        'train_dataloader.sampler.labeled_batch_size=2',
        'train_dataloader.sampler.unlabeled_ratio=2',
        'train_dataloader.batch_size=2',
    ]
    proc = run_tool(['tools/train.py', SUPERVISED, '--cfg-options', *opts])
    log = proc.stdout + proc.stderr
    # 6 unlabeled clips in batches of 4: 2 steps, as APLT / FixMatch take.
    assert 'Epoch(train) [1][2/2]' in log


def test_two_gloo_ranks_train_aplt_stgcn(pose_pkl, tmp_path):
    work_dir = tmp_path / 'work'
    opts = aplt_options(pose_pkl, work_dir, max_epochs=2) + [
        'train_dataloader.sampler.labeled_batch_size=1',
        'train_dataloader.batch_size=3',
    ]
    proc = run_dist_train(APLT, 2, opts)
    assert 'APLT offline phase after epoch 1' in proc.stdout + proc.stderr
    state = torch.load(work_dir / 'epoch_2.pth',
                       weights_only=True)['state_dict']
    assert bool(state['prototype_head.initialized'])


# The 2-D configs (pose-estimator keypoints: COCO's 17 joints in pixels
# with scores) as graphs and as PoseC3D heatmap volumes, PoseC3D shrunk to
# 4-64 channels.
TWO_D = {
    'aplt_stgcn_ma12': [],
    'aplt_posec3d_ma12': [
        'model.recognizer.backbone.base_channels=4',
        'model.recognizer.backbone.stage_blocks=(1,1,1)',
        'model.recognizer.cls_head.in_channels=64',
    ],
}


@pytest.mark.parametrize('name', sorted(TWO_D))
def test_aplt_on_2d_keypoints_trains_then_tests(name, tmp_path):
    pkl = tmp_path / 'coco.pkl'
    make_pose_pickle(pkl, image_shape=(480, 640), num_joints=17)
    config = osp.join(REPO_ROOT, 'configs/skeleton', name + '.py')
    work_dir = tmp_path / 'work'
    opts = aplt_options(str(pkl), work_dir, max_epochs=2) + TWO_D[name]
    log = run_tool(['tools/train.py', config, '--cfg-options', *opts])
    log = log.stdout + log.stderr
    assert 'APLT offline phase after epoch 1' in log
    assert any('loss_margin_sup' in line
               for line in log.splitlines() if 'Epoch(train) [2]' in line)
    state = torch.load(work_dir / 'epoch_2.pth',
                       weights_only=True)['state_dict']
    assert state['prototype_head.prototypes'].shape == (3, 64)
    proc = run_tool([
        'tools/test.py', config,
        str(work_dir / 'epoch_2.pth'), '--cfg-options', *opts
    ])
    assert 'acc/top1' in proc.stdout + proc.stderr
