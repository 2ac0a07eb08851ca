"""Every kind of bad input fails early with a message naming the culprit."""
import os.path as osp

import pytest
from mmaction.registry import MODELS

import aplt_mm  # noqa: F401
from aplt_mm.datasets import (AnnotationError, SemiVideoDataset,
                              VideoListDataset, VideoReadError)
from conftest import REPO_ROOT, run_tool, tiny_cfg_options

DECODE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, num_clips=2),
    dict(type='DecordDecode'),
]


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return str(path)


def test_missing_videos_are_listed_up_front(tiny_data, tmp_path):
    lines = [f'missing_{i}.mp4 0' for i in range(7)]
    ann = write(tmp_path / 'list.txt', '\n'.join(lines) + '\n')
    with pytest.raises(FileNotFoundError) as err:
        VideoListDataset(ann, pipeline=[],
                         data_prefix=dict(video=tiny_data['videos']))
    msg = str(err.value)
    assert '7 of 7 videos listed in ' + ann in msg
    assert osp.join(tiny_data['videos'], 'missing_0.mp4') + ' (line 1)' in msg
    assert 'missing_4.mp4 (line 5)' in msg and 'missing_5' not in msg
    assert 'and 2 more' in msg


def test_missing_unlabeled_video_names_the_unlabeled_list(tiny_data, tmp_path):
    ann = write(tmp_path / 'unlabeled.txt', 'nowhere.mp4\n')
    with pytest.raises(FileNotFoundError, match='unlabeled.txt'):
        SemiVideoDataset(tiny_data['labeled'], ann, pipeline=[],
                         data_prefix=dict(video=tiny_data['videos']))


def test_corrupt_video_error_names_the_file(tiny_data, tmp_path):
    bad = tmp_path / 'videos' / 'corrupt.mp4'
    bad.parent.mkdir()
    bad.write_bytes(b'this is not an mp4 file' * 10)
    ann = write(tmp_path / 'list.txt', 'corrupt.mp4 1\n')
    dataset = VideoListDataset(
        ann, pipeline=DECODE, data_prefix=dict(video=str(bad.parent)))
    with pytest.raises(VideoReadError, match=str(bad)):
        dataset[0]


def test_unparsable_line_names_file_and_line(tiny_data, tmp_path):
    ann = write(tmp_path / 'list.txt',
                'labeled_0_0.mp4 0\nlabeled_0_1.mp4 x\n')
    with pytest.raises(AnnotationError, match=r'list\.txt:2:'):
        VideoListDataset(ann, pipeline=[],
                         data_prefix=dict(video=tiny_data['videos']))


def test_label_out_of_range_names_file_line_and_classes(tiny_data, tmp_path):
    ann = write(tmp_path / 'list.txt',
                'labeled_0_0.mp4 0\nlabeled_0_1.mp4 3\n')
    with pytest.raises(AnnotationError) as err:
        VideoListDataset(ann, pipeline=[], num_classes=3,
                         data_prefix=dict(video=tiny_data['videos']))
    assert 'list.txt:2' in str(err.value) and '3' in str(err.value)


def test_class_without_labeled_clip_is_reported(tiny_data, tmp_path):
    ann = write(tmp_path / 'labeled.txt',
                'labeled_0_0.mp4 0\nlabeled_2_0.mp4 2\n')
    with pytest.raises(ValueError, match=r'no labeled clip of classes \[1\]'):
        SemiVideoDataset(ann, tiny_data['unlabeled'], pipeline=[],
                         num_classes=3,
                         data_prefix=dict(video=tiny_data['videos']))


def test_clip_in_both_lists_is_rejected(tiny_data):
    with pytest.raises(ValueError, match='both in'):
        SemiVideoDataset(tiny_data['labeled'], tiny_data['labeled'],
                         pipeline=[],
                         data_prefix=dict(video=tiny_data['videos']))


def test_unknown_semi_option_is_rejected_with_a_suggestion():
    cfg = dict(
        type='APLTRecognizer',
        recognizer=dict(
            type='Recognizer2D',
            backbone=dict(type='ResNet', depth=18, pretrained=None),
            cls_head=dict(type='TSNHead', num_classes=3, in_channels=512)),
        semi_train_cfg=dict(margin_wieght=0.5))
    with pytest.raises(KeyError) as err:
        MODELS.build(cfg)
    assert "Unknown option 'margin_wieght' in model.semi_train_cfg" \
        in str(err.value)
    assert "Did you mean 'margin_weight'?" in str(err.value)


def test_unknown_semi_option_through_train_tool(tiny_data, tmp_path):
    opts = tiny_cfg_options(tiny_data, tmp_path / 'work')
    proc = run_tool([
        'tools/train.py', osp.join(REPO_ROOT, 'configs/aplt_r18_demo.py'),
        '--cfg-options', *opts, 'model.semi_train_cfg.margin_wieght=2'
    ],
                    check=False)
    assert proc.returncode != 0
    assert "Unknown option 'margin_wieght' in model.semi_train_cfg" \
        in proc.stderr


def test_clip_in_both_lists_under_another_spelling_is_rejected(
        tiny_data, tmp_path):
    with open(tiny_data['labeled']) as f:
        first = f.readline().split()[0]
    ann = write(tmp_path / 'unlabeled.txt', f'./{first}\n')
    with pytest.raises(ValueError) as err:
        SemiVideoDataset(tiny_data['labeled'], ann, pipeline=[],
                         data_prefix=dict(video=tiny_data['videos']))
    assert f'1 clips are both in {tiny_data["labeled"]} and {ann}, e.g. ' \
        f'{first} (line 1) and ./{first} (line 1)' in str(err.value)
