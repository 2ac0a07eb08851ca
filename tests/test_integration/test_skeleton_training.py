"""APLT with ST-GCN through the user-facing tools, on a tiny pose pickle."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from conftest import REPO_ROOT, run_dist_train, run_tool
from skeleton_data import make_pose_pickle, pose_cfg_options

APLT = osp.join(REPO_ROOT, 'configs/skeleton/aplt_stgcn_msr3d.py')
SUPERVISED = osp.join(REPO_ROOT, 'configs/skeleton/supervised_stgcn_msr3d.py')
FIXMATCH = osp.join(REPO_ROOT, 'configs/skeleton/fixmatch_stgcn_msr3d.py')


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


def test_unlabeled_term_off_trains_the_labeled_only_weights(pose_pkl, tmp_path):
    """The semi-supervised path (sampler, per-view forward, loss) with the
    unlabeled term off is labeled-only training, step for step: with
    deterministic views both take the same two steps and end with the same
    weights. Only the BatchNorm running statistics may differ (they also
    see the unlabeled weak views).
    """
    base = Config.fromfile(SUPERVISED)
    view = [
        dict(type='UniformSampleFrames', clip_len=base.clip_len,
             test_mode=True),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=1)
    ]
    decode = [op.to_dict() for op in base.decode]
    # FixMatch's own train pipeline, its two views made deterministic.
    semi_pipeline = [
        dict(op.to_dict(), weak=view, strong=view)
        if op.type == 'MultiView' else op.to_dict()
        for op in Config.fromfile(FIXMATCH).train_pipeline
    ]
    runs = dict(
        supervised=(SUPERVISED,
                    decode + view + [dict(type='PackActionInputs')], [
                        'model.cls_head.num_classes=3',
                        'train_dataloader.batch_size=2'
                    ]),
        fixmatch=(FIXMATCH, semi_pipeline, [
            'model.recognizer.cls_head.num_classes=3',
            'train_dataloader.batch_size=6', 'model.view_forward=per_view',
            'model.running_stats=weak', 'model.algorithm.warmup=1.0'
        ]))
    weights = {}
    for name, (config, pipeline, extra) in runs.items():
        # A user config on top of the real one, with deterministic views
        # (float32 sums in another order: equal to 1e-5).
        user_config = tmp_path / f'{name}.py'
        user_config.write_text(
            f'_base_ = [{config!r}]\n'
            f'train_dataloader = dict(dataset=dict(pipeline={pipeline!r}))\n')
        work_dir = tmp_path / name
        opts = pose_cfg_options(pose_pkl, work_dir) + [
            'train_dataloader.sampler.labeled_batch_size=2',
            'train_dataloader.sampler.unlabeled_ratio=2',
            'train_cfg.val_interval=10'
        ] + extra
        proc = run_tool(['tools/train.py', str(user_config), '--seed', '0',
                         '--cfg-options', *opts])
        # 6 unlabeled clips in batches of 4: 2 steps for both.
        assert 'Epoch(train) [1][2/2]' in proc.stdout + proc.stderr
        state = torch.load(work_dir / 'epoch_1.pth',
                           weights_only=True)['state_dict']
        weights[name] = {
            key.removeprefix('recognizer.'): value
            for key, value in state.items()
            if 'running_' not in key and 'num_batches' not in key
        }
    assert weights['supervised'].keys() == weights['fixmatch'].keys()
    for key, value in weights['supervised'].items():
        torch.testing.assert_close(
            weights['fixmatch'][key], value, rtol=1e-5, atol=1e-5, msg=key)


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
