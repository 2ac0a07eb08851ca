# Copyright (c) APLT authors. All rights reserved.
"""Skeleton dataset -> mp4 benchmark conversion and its command-line tool."""
import importlib.util
import logging
import os.path as osp

import decord
import numpy as np
import pytest
from conftest import REPO_ROOT, run_tool
from test_skeleton_readers import make_msr_dataset

from aplt_mm.datasets.video_list import load_video_list
from aplt_mm.skeleton.convert import ConversionResult, convert_dataset

TOOL = osp.join(REPO_ROOT, 'tools', 'data', 'skeleton_to_videos.py')
TRAIN_LINES = [
    'videos/train/a01_s01_e01.mp4 0\n', 'videos/train/a01_s01_e02.mp4 0\n',
    'videos/train/a02_s01_e01.mp4 1\n'
]
TEST_LINES = ['videos/test/a01_s02_e01.mp4 0\n']


def _load_tool(path):
    spec = importlib.util.spec_from_file_location(
        osp.splitext(osp.basename(path))[0] + '_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _frames(path) -> np.ndarray:
    vr = decord.VideoReader(str(path))
    return vr.get_batch(list(range(len(vr)))).asnumpy()


@pytest.fixture
def msr_root(tmp_path):
    root = tmp_path / 'msr'
    root.mkdir()
    make_msr_dataset(root)
    return root


def test_convert_cross_subject(msr_root, tmp_path, caplog):
    out = tmp_path / 'out'
    with caplog.at_level(logging.WARNING):
        result = convert_dataset('msr_action3d', msr_root, out, size=32)
    assert result == ConversionResult(
        counts=dict(train=3, test=1), dropped=['a02_s02_e01'], empty_frames=1)
    assert any('a02_s02_e01' in r.getMessage() and r.levelname == 'WARNING'
               for r in caplog.records)

    assert (out / 'train.txt').read_text() == ''.join(TRAIN_LINES)
    assert (out / 'test.txt').read_text() == ''.join(TEST_LINES)
    assert (out / 'classes.txt').read_text() == 'high arm wave\nhammer\n'
    assert not (out / 'videos' / 'test' / 'a02_s02_e01.mp4').exists()
    # The project's strict list reader (used by make_split.py) accepts them.
    records = load_video_list(out / 'train.txt', num_classes=2)
    assert [r.label for r in records] == [0, 0, 1]

    # decord reads every clip back; the empty middle frame was left out.
    lengths = {}
    for line in TRAIN_LINES + TEST_LINES:
        frames = _frames(out / line.split()[0])
        assert frames.shape[1:] == (32, 32, 3)
        assert frames.max() > 100, 'the figure must be drawn'
        lengths[line.split()[0]] = len(frames)
    assert lengths == {
        'videos/train/a01_s01_e01.mp4': 5,
        'videos/train/a01_s01_e02.mp4': 4,
        'videos/train/a02_s01_e01.mp4': 6,
        'videos/test/a01_s02_e01.mp4': 4
    }


def test_convert_options(msr_root, tmp_path):
    out = tmp_path / 'out'
    result = convert_dataset(
        'msr_action3d',
        msr_root,
        out,
        size=32,
        train_subjects=[2],
        keep_empty_frames=True)
    assert result.counts == dict(train=1, test=3) and result.empty_frames == 0
    assert (out / 'train.txt').read_text() == (
        'videos/train/a01_s02_e01.mp4 0\n')
    frames = _frames(out / 'videos' / 'train' / 'a01_s02_e01.mp4')
    assert frames.shape == (5, 32, 32, 3)
    # The kept empty frame is (nearly, after compression) background.
    assert frames[2].max() < 40 < frames[1].max()


def test_output_does_not_depend_on_workers(msr_root, tmp_path):
    convert_dataset('msr_action3d', msr_root, tmp_path / 'w1', size=32)
    convert_dataset(
        'msr_action3d', msr_root, tmp_path / 'w2', size=32, workers=2)
    files = sorted(p.relative_to(tmp_path / 'w1')
                   for p in (tmp_path / 'w1').rglob('*') if p.is_file())
    assert len(files) == 7  # 4 videos and 3 text files
    for rel in files:
        assert (tmp_path / 'w1' / rel).read_bytes() == (tmp_path / 'w2' /
                                                        rel).read_bytes(), rel


def test_convert_errors(tmp_path):
    (tmp_path / 'classes.txt').write_text('only\n')
    np.save(tmp_path / 'a.npy', np.ones((2, 20, 3)))
    (tmp_path / 'list.txt').write_text('a.npy 0\n')
    with pytest.raises(ValueError, match='a.npy: no subject id'):
        convert_dataset('numpy', tmp_path, tmp_path / 'out')
    (tmp_path / 'list.txt').write_text('a.npy 1 1\n')
    with pytest.raises(ValueError, match='label 1 is outside the 1 classes'):
        convert_dataset('numpy', tmp_path, tmp_path / 'out')


def test_cli_then_make_split(msr_root, tmp_path):
    out = tmp_path / 'msr3d'
    proc = run_tool([
        TOOL, '--format', 'msr_action3d', '--src',
        str(msr_root), '--out',
        str(out), '--size', '32', '--workers', '1', '--train-subjects', '1'
    ])
    assert 'Wrote 4 clips (train 3, test 1) of 32x32 px' in proc.stdout
    assert 'Dropped 1 sequence(s) without any valid joint: a02_s02_e01' in (
        proc.stdout)
    assert 'WARNING: Dropped a02_s02_e01' in proc.stderr
    assert (out / 'train.txt').read_text() == ''.join(TRAIN_LINES)
    assert len(_frames(out / 'videos' / 'test' / 'a01_s02_e01.mp4')) == 4

    make_split = _load_tool(osp.join(REPO_ROOT, 'tools', 'make_split.py'))
    make_split.main([
        '--ann',
        str(out / 'train.txt'), '--ratio', '0.5', '--seed', '0', '--out-dir',
        str(out / 'splits' / '50p')
    ])
    labeled = (out / 'splits' / '50p' / 'labeled.txt').read_text()
    unlabeled = (out / 'splits' / '50p' / 'unlabeled.txt').read_text()
    assert sorted((labeled + unlabeled).splitlines(True)) == TRAIN_LINES


def test_cli_arguments(capsys):
    args = _load_tool(TOOL).parse_args(
        ['--format', 'numpy', '--src', 's', '--out', 'o'])
    assert (args.size, args.fps, args.workers, args.train_subjects,
            args.yaw) == (64, 15, 2, (1, 3, 5, 7, 9), 0)
    with pytest.raises(SystemExit):
        _load_tool(TOOL).parse_args(
            ['--format', 'nope', '--src', 's', '--out', 'o'])
    assert "'msr_action3d'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _load_tool(TOOL).parse_args([
            '--format', 'numpy', '--src', 's', '--out', 'o',
            '--train-subjects', '1,x'
        ])
    assert 'comma-separated integers' in capsys.readouterr().err
