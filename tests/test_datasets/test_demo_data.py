# Copyright (c) APLT authors. All rights reserved.
import dataclasses
import os.path as osp
import pickle
import subprocess
import sys

import decord
import numpy as np
import pytest

from aplt_mm.skeleton import (DEMO_CLASSES, KINECT_V1_20, DemoDifficulty,
                              class_slug, generate_sequence, make_demo_dataset)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
J = {name: i for i, name in enumerate(KINECT_V1_20.joint_names)}
LEGS = [J[f'{p}_{s}'] for p in ('knee', 'ankle', 'foot') for s in 'ab']
UPPER = [i for i in range(20) if i not in LEGS]
# No noise, idle motion or timing/amplitude spread: only the action moves.
CALM = DemoDifficulty(
    noise_std=0.0,
    idle_strength=0.0,
    amplitude_range=(1.0, 1.0),
    onset_jitter=0.0)
TINY = dict(size=32, train_per_class=1, val_per_class=1, test_per_class=1)


def make_demo_data(*args):
    """Run tools/make_demo_data.py with ``args`` as a user would."""
    return subprocess.run(
        [sys.executable, 'tools/make_demo_data.py', *map(str, args)],
        cwd=REPO, capture_output=True, text=True)


def _label(name: str) -> int:
    return DEMO_CLASSES.index(name)


def _calm(name: str, seed: int = 0) -> np.ndarray:
    return generate_sequence(_label(name), np.random.default_rng(seed), CALM)


def _dist(seq: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(seq[:, J[a]] - seq[:, J[b]], axis=-1)


def _hand_head_dist(seq: np.ndarray) -> float:
    """Closest approach of either hand to the head (metres)."""
    return min(
        _dist(seq, 'hand_a', 'head').min(),
        _dist(seq, 'hand_b', 'head').min())


def test_classes():
    assert len(DEMO_CLASSES) == 12
    assert len(set(DEMO_CLASSES)) == 12
    assert class_slug('touch chin') == 'touch_chin'


@pytest.mark.parametrize('label', range(len(DEMO_CLASSES)))
def test_every_class_gives_a_valid_sequence(label):
    difficulty = DemoDifficulty()
    for seed in range(3):
        seq = generate_sequence(label, np.random.default_rng(seed))
        assert seq.dtype == np.float32
        assert seq.ndim == 3 and seq.shape[1:] == (20, 3)
        lo, hi = (
            round(difficulty.base_frames / s)
            for s in difficulty.speed_range[::-1])
        assert lo <= len(seq) <= hi
        assert np.isfinite(seq).all()
        # Upper body tracked (never exactly zero), legs missing.
        assert (seq[:, UPPER] != 0).any(-1).all()
        assert (seq[:, LEGS] == 0).all()
        # In front of the camera, at a plausible distance, y up.
        depth = seq[:, UPPER, 2]
        assert 1.5 < depth.min() and depth.max() < 3.5
        assert (seq[:, J['head'], 1] > seq[:, J['hip_centre'], 1]).all()
        # Something moves, but the person stays put.
        assert 0.01 < seq[:, UPPER].std(0).max() < 0.4
        assert seq[:, J['hip_centre']].std(0).max() < 0.02


def test_with_legs():
    seq = generate_sequence(0, np.random.default_rng(0), with_legs=True)
    assert (seq != 0).any(-1).all()
    assert (seq[:, J['foot_a'], 1] < seq[:, J['hip_a'], 1]).all()


def test_invalid_label():
    with pytest.raises(ValueError, match='label'):
        generate_sequence(12, np.random.default_rng(0))


def test_generator_is_deterministic():
    a = generate_sequence(3, np.random.default_rng(7))
    b = generate_sequence(3, np.random.default_rng(7))
    c = generate_sequence(3, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert a.shape != c.shape or not np.allclose(a, c)


def test_difficulty_knobs():
    fixed = dataclasses.replace(CALM, speed_range=(1.0, 1.0), base_frames=30)
    seq = generate_sequence(0, np.random.default_rng(0), fixed)
    assert len(seq) == 30
    # Calm head nod: the trunk is perfectly still, the head is not.
    for name in ('hip_centre', 'spine', 'shoulder_a', 'hand_b'):
        assert np.ptp(seq[:, J[name]], axis=0).max() < 1e-6
    assert np.ptp(seq[:, J['head']], axis=0).max() > 0.01
    noisy = dataclasses.replace(fixed, noise_std=0.01)
    diff = generate_sequence(0, np.random.default_rng(0), noisy) - seq
    assert 0.005 < diff[:, UPPER].std() < 0.015


def test_actions_do_what_they_say():
    # Reaching actions bring a hand to the face; others keep it away.
    for name in ('touch chin', 'touch nose', 'scratch head'):
        assert _hand_head_dist(_calm(name)) < 0.13, name
    for name in ('head nod', 'shrug', 'lean forward', 'rub hands'):
        assert _hand_head_dist(_calm(name)) > 0.3, name
    # Chin and nose differ only in how high the hand goes (same seed, same
    # body).
    chin, nose = _calm('touch chin'), _calm('touch nose')
    top = max(chin[:, J['hand_a'], 1].max(), chin[:, J['hand_b'], 1].max())
    assert top < max(nose[:, J['hand_a'], 1].max(), nose[:, J['hand_b'],
                                                         1].max()) - 0.03
    # Rubbing brings the hands together; crossing the arms brings each hand
    # well over to the other side of the body.
    assert _dist(_calm('rub hands'), 'hand_a', 'hand_b').min() < 0.1
    assert _dist(_calm('head nod'), 'hand_a', 'hand_b').min() > 0.2
    crossed = _calm('cross arms')
    side_axis = crossed[:, J['shoulder_a']] - crossed[:, J['shoulder_b']]
    side_axis /= np.linalg.norm(side_axis, axis=1, keepdims=True)
    for hand, sign in (('hand_a', 1), ('hand_b', -1)):
        across = ((crossed[:, J[hand]] - crossed[:, J['neck']]) *
                  side_axis).sum(1) * sign
        assert across[0] > 0.1 and across.min() < -0.08, hand
    # Shrug lifts the shoulders; the hips stay.
    shrug = _calm('shrug')
    lift = shrug[:, J['shoulder_a'], 1] - shrug[0, J['shoulder_a'], 1]
    assert lift.max() > 0.03
    # Leaning moves the neck forward (the body is only turned about y, so
    # horizontal distances are comparable).
    lean = _calm('lean forward')
    neck = lean[:, J['neck']] - lean[:, J['hip_centre']]
    assert np.linalg.norm(neck[:, [0, 2]], axis=1).max() > 0.08
    # Head actions: the head moves relative to the neck, the hands do not.
    for name, moved in (('head nod', 0.03), ('head tilt', 0.04), ('head shake',
                                                                  0.02)):
        seq = _calm(name)
        rel = seq[:, J['head']] - seq[:, J['neck']]
        assert np.ptp(rel, axis=0).max() > moved, name
        assert np.ptp(seq[:, J['hand_a']], axis=0).max() < 1e-6, name


def _read_dataset(root: str):
    lists = {}
    for name in ('train.txt', 'val.txt', 'test.txt', 'classes.txt'):
        with open(osp.join(root, name)) as f:
            lists[name] = f.read()
    frames = [
        decord.VideoReader(osp.join(root,
                                    line.split()[0]))[:].asnumpy()
        for split in ('train', 'val', 'test')
        for line in lists[f'{split}.txt'].splitlines()
    ]
    return lists, frames


def test_make_demo_dataset_layout(tmp_path):
    counts = make_demo_dataset(
        tmp_path,
        size=32,
        train_per_class=2,
        val_per_class=0,
        test_per_class=1)
    assert counts == dict(train=24, val=0, test=12)
    with open(tmp_path / 'classes.txt') as f:
        assert f.read().splitlines() == list(DEMO_CLASSES)
    with open(tmp_path / 'train.txt') as f:
        lines = f.read().splitlines()
    assert lines[:3] == [
        'videos/train/head_nod_0000.mp4 0', 'videos/train/head_nod_0001.mp4 0',
        'videos/train/head_shake_0000.mp4 1'
    ]
    assert lines[-1] == 'videos/train/lean_forward_0001.mp4 11'
    assert (tmp_path / 'val.txt').read_text() == ''
    for line in lines:
        reader = decord.VideoReader(str(tmp_path / line.split()[0]))
        assert 24 <= len(reader) <= 40
        assert reader[0].shape == (32, 32, 3)
    # Clips of the same class and index differ between splits.
    train0, test0 = (
        decord.VideoReader(
            str(tmp_path / f'videos/{split}/head_nod_0000.mp4'))[:].asnumpy()
        for split in ('train', 'test'))
    assert train0.shape != test0.shape or not np.array_equal(train0, test0)


def test_tool_cli_is_deterministic(tmp_path):
    cli_dir, lib_dir, other_dir = (
        str(tmp_path / d) for d in ('cli', 'lib', 'other'))
    result = make_demo_data('--out', cli_dir, '--seed', 3, '--size', 32,
                            '--train-per-class', 1, '--val-per-class', 1,
                            '--test-per-class', 1, '--workers', 2)
    assert result.returncode == 0, result.stderr
    assert '36 clips' in result.stdout
    assert 'train 12, val 12, test 12' in result.stdout
    # The same seed in this process with one worker gives the same files.
    make_demo_dataset(lib_dir, seed=3, workers=1, **TINY)
    cli_lists, cli_frames = _read_dataset(cli_dir)
    lib_lists, lib_frames = _read_dataset(lib_dir)
    assert cli_lists == lib_lists
    assert len(cli_frames) == 36
    for a, b in zip(cli_frames, lib_frames):
        np.testing.assert_array_equal(a, b)
    # Another seed: same lists, different clips.
    make_demo_dataset(other_dir, seed=4, **TINY)
    other_lists, other_frames = _read_dataset(other_dir)
    assert other_lists == lib_lists
    assert all(a.shape != b.shape or not np.array_equal(a, b)
               for a, b in zip(other_frames, lib_frames))


@pytest.mark.parametrize('args, message', [
    (['--train-per-class', '-3'], '--train-per-class -3: must be at least 1'),
    (['--val-per-class', '0'], '--val-per-class 0: must be at least 1'),
    (['--size', '4'], '--size 4: frames must be at least 16 px'),
])
def test_tool_refuses_bad_counts_and_sizes(tmp_path, args, message):
    out = tmp_path / 'demo'
    proc = make_demo_data('--out', out, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not out.exists()


def test_demo_poses_are_the_video_clips_joints_in_a_pose_pickle(tmp_path):
    from mmaction.registry import DATASETS

    from aplt_mm.skeleton.demo_dataset import _clip_rng
    proc = make_demo_data('--out', tmp_path, '--poses', '--seed', 3,
                          '--train-per-class', 2, '--val-per-class', 1,
                          '--test-per-class', 1)
    assert proc.returncode == 0, proc.stderr
    assert 'joints of 48 clips (train 24, val 12, test 12)' in proc.stdout
    assert (tmp_path / 'classes.txt').read_text().splitlines() == list(
        DEMO_CLASSES)
    with open(tmp_path / 'demo_pose.pkl', 'rb') as f:
        data = pickle.load(f)
    assert {k: len(v) for k, v in data['split'].items()} == dict(
        train=24, val=12, test=12)
    ann = {a['frame_dir']: a for a in data['annotations']}
    # Clip 3 of train (the video list's 4th line) is head_shake_0001.
    clip = ann['train_head_shake_0001']
    joints = generate_sequence(_label('head shake'), _clip_rng(3, 'train', 3))
    assert clip['label'] == _label('head shake')
    assert clip['keypoint'].shape == (1, len(joints), 20, 3)
    assert clip['total_frames'] == len(joints)
    np.testing.assert_array_equal(clip['keypoint'][0], joints)
    assert not clip['keypoint'][0][:, LEGS].any()  # untracked: 0
    # A semi-supervised skeleton dataset reads it.
    ds = DATASETS.build(
        dict(
            type='SemiPoseDataset',
            ann_file=str(tmp_path / 'demo_pose.pkl'),
            split='train',
            label_ratio=0.5,
            num_classes=len(DEMO_CLASSES),
            pipeline=[]))
    assert (ds.num_labeled, ds.num_unlabeled) == (12, 12)
