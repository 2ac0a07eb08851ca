"""SemiVideoDataset / VideoListDataset drawing the labeled part at load time
(``label_ratio``): the same clips, in the same order, as make_split.py."""
import importlib.util
import os.path as osp

import pytest

from aplt_mm.datasets import SemiVideoDataset, VideoListDataset
from conftest import REPO_ROOT


def make_split_main():
    spec = importlib.util.spec_from_file_location(
        'make_split', osp.join(REPO_ROOT, 'tools', 'make_split.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def read_lines(path):
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


@pytest.fixture(scope='module')
def train_list(tiny_data, tmp_path_factory):
    """A training list of real clips, unevenly sized classes (7, 5, 8) in
    a mixed order, as a real list is."""
    rows = []
    for name in ('labeled', 'unlabeled', 'test'):
        rows += read_lines(tiny_data[name])
    drop = {'unlabeled_0_3.mp4', 'test_1_0.mp4', 'test_1_1.mp4',
            'unlabeled_1_2.mp4'}
    rows = [r for r in rows if r[0] not in drop]
    rows = rows[1::2] + rows[::2]
    path = tmp_path_factory.mktemp('ratio') / 'train.txt'
    path.write_text(''.join(f'{p} {label}\n' for p, label in rows))
    return str(path)


def build(tiny_data, cls=SemiVideoDataset, **kwargs):
    return cls(
        data_prefix=dict(video=tiny_data['videos']),
        num_classes=tiny_data['num_classes'],
        pipeline=[],
        **kwargs)


@pytest.mark.parametrize('ratio,seed,min_per_class', [(0.25, 0, 0),
                                                      (0.5, 3, 0),
                                                      (0.1, 1, 2)])
def test_parts_are_make_splits_lists(tiny_data, train_list, tmp_path, ratio,
                                     seed, min_per_class):
    make_split_main()([
        '--ann', train_list, '--ratio', str(ratio), '--seed', str(seed),
        '--min-per-class', str(min_per_class), '--out-dir', str(tmp_path)
    ])
    dataset = build(
        tiny_data, ann_file=train_list, label_ratio=ratio, split_seed=seed,
        min_per_class=min_per_class)
    labeled = read_lines(tmp_path / 'labeled.txt')
    unlabeled = read_lines(tmp_path / 'unlabeled.txt')
    assert (dataset.num_labeled, dataset.num_unlabeled) == (
        len(labeled), len(unlabeled))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    videos = tiny_data['videos']
    assert [(i['filename'], i['label']) for i in infos[:len(labeled)]] == \
        [(osp.join(videos, p), int(label)) for p, label in labeled]
    # Unlabeled clips: label hidden, the list's label only as true_label.
    assert [(i['filename'], i['true_label'], i['label'])
            for i in infos[len(labeled):]] == \
        [(osp.join(videos, p), int(label), -1) for p, label in unlabeled]
    assert [i['unlabeled_index'] for i in infos[len(labeled):]] == \
        list(range(len(unlabeled)))
    assert all(i['num_unlabeled'] == len(unlabeled) for i in infos)
    # The two-list mode on make_split's files gives the same dataset.
    from_files = build(tiny_data, ann_file=str(tmp_path / 'labeled.txt'),
                       unlabeled_ann_file=str(tmp_path / 'unlabeled.txt'))
    assert [from_files.get_data_info(i) for i in range(len(from_files))] \
        == infos
    assert from_files.unlabeled_ann_file == str(tmp_path / 'unlabeled.txt')
    assert dataset.unlabeled_ann_file is None
    # A labeled-only dataset with the same options keeps the labeled part.
    part = build(tiny_data, cls=VideoListDataset, ann_file=train_list,
                 label_ratio=ratio, split_seed=seed,
                 min_per_class=min_per_class)
    assert [part.get_data_info(i)['filename'] for i in range(len(part))] == \
        [i['filename'] for i in infos[:len(labeled)]]


def test_one_source_of_the_unlabeled_part(tiny_data, train_list):
    for kwargs in (dict(ann_file=train_list),
                   dict(ann_file=tiny_data['labeled'],
                        unlabeled_ann_file=tiny_data['unlabeled'],
                        label_ratio=0.5)):
        with pytest.raises(ValueError, match=r'either label_ratio .* or '
                           r'unlabeled_ann_file.*label_ratio=None'):
            build(tiny_data, **kwargs)


def test_ratio_errors_name_the_list_and_options(tiny_data, train_list):
    # 0.05 of 5 clips rounds to 0: class 1 would have no labeled clip.
    with pytest.raises(ValueError, match=rf'{train_list}: label_ratio=0.05, '
                       r'split_seed=0.*without a labeled clip'):
        build(tiny_data, ann_file=train_list, label_ratio=0.05)
    with pytest.raises(ValueError, match='ratio=1 means fully supervised'):
        build(tiny_data, ann_file=train_list, label_ratio=1.0)


def test_log_analysis_counts_the_drawn_unlabeled_part(tiny_data, train_list,
                                                      tmp_path):
    from aplt_mm.analysis.logs import num_unlabeled_clips
    out = tmp_path / 'split'
    make_split_main()(['--ann', train_list, '--ratio', '0.25', '--seed', '2',
                       '--out-dir', str(out)])
    for dataset_type, expected in (('SemiVideoDataset',
                                    len(read_lines(out / 'unlabeled.txt'))),
                                   ('VideoListDataset', None)):
        vis = tmp_path / dataset_type / '20250101_000000' / 'vis_data'
        vis.mkdir(parents=True)
        (vis / 'scalars.json').write_text('')
        (vis / 'config.py').write_text(
            f'train_dataloader = dict(dataset=dict(type={dataset_type!r}, '
            f'ann_file={train_list!r}, label_ratio=0.25, split_seed=2))\n')
        assert num_unlabeled_clips(str(tmp_path / dataset_type)) == expected
