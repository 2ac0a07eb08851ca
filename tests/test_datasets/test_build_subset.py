# Copyright (c) APLT authors. All rights reserved.
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from aplt_mm.datasets.subsets import (SUBSET_PRESETS, check_classes,
                                      cutoff_ties, format_class_map,
                                      load_class_names, make_label_map,
                                      remap_records, select_top_k_classes)
from aplt_mm.datasets.video_list import AnnotationError, VideoRecord

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'build_subset.py'

# Train counts: class 1 is the most frequent, classes 2, 3, 4 tie at 6.
TRAIN_SIZES = {0: 4, 1: 9, 2: 6, 3: 6, 4: 6, 5: 2}


def _records(sizes, prefix='tr'):
    out = []
    for c, n in sizes.items():
        for i in range(n):
            line = f'{prefix}/c{c}_{i}.mp4 {c} meta{i}'
            out.append(
                VideoRecord(f'{prefix}/c{c}_{i}.mp4', c, line,
                            len(out) + 1))
    return out


def _write(path, sizes, prefix):
    lines = [r.line for r in _records(sizes, prefix)]
    path.write_text('\n'.join(lines) + '\n')
    return lines


@pytest.fixture
def lists(tmp_path):
    train = tmp_path / 'train.txt'
    val = tmp_path / 'val.txt'
    test = tmp_path / 'test.txt'
    _write(train, TRAIN_SIZES, 'tr')
    _write(val, {0: 1, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1}, 'va')
    _write(test, {0: 2, 1: 3, 2: 1, 4: 2, 5: 1}, 'te')  # no test clip of 3
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(f'action {i}' for i in range(6)) + '\n\n')
    return dict(train=train, val=val, test=test, names=names)


def _load_tool():
    spec = importlib.util.spec_from_file_location('build_subset_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_main(argv, capsys):
    tool = _load_tool()
    try:
        tool.main([str(a) for a in argv])
        code = 0
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr()


# ---------------------------------------------------------------- package --


def test_presets():
    assert {
        k: (p.name, p.num_classes)
        for k, p in SUBSET_PRESETS.items()
    } == {
        'ma52': ('ma12', 12),
        'smg': ('smg5', 5),
        'imigue': ('imigue11', 11)
    }


def test_top_k_with_tie_break():
    train = _records(TRAIN_SIZES)
    assert select_top_k_classes(train, 1) == [1]
    assert select_top_k_classes(train, 3) == [1, 2, 3]  # 4 loses the tie
    assert select_top_k_classes(train, 5) == [0, 1, 2, 3, 4]
    assert cutoff_ties(train, 3) == ([2, 3], [4])
    assert cutoff_ties(train, 4) == ([], [])  # 2, 3, 4 all kept
    assert cutoff_ties(train, 6) == ([], [])


@pytest.mark.parametrize('k,msg', [
    (7, r'K=7 is larger than the number of classes in the train list \(6\)'),
    (0, 'K must be >= 1'),
])
def test_top_k_errors(k, msg):
    with pytest.raises(ValueError, match=msg):
        select_top_k_classes(_records(TRAIN_SIZES), k)


def test_label_map_and_remap_keep_format():
    label_map = make_label_map([5, 1, 3])
    assert label_map == {1: 0, 3: 1, 5: 2}
    recs = [
        VideoRecord('a.mp4', 3, 'a.mp4\t3 x y', 1),
        VideoRecord('b.mp4', 2, 'b.mp4 2', 2),
        VideoRecord('c.mp4', 5, 'c.mp4 5', 3),
        VideoRecord('d.mp4', 1, 'd.mp4 1 z', 4),
    ]
    assert remap_records(recs, label_map) == [
        VideoRecord('a.mp4', 1, 'a.mp4\t1 x y', 1),
        VideoRecord('c.mp4', 2, 'c.mp4 2', 3),
        VideoRecord('d.mp4', 0, 'd.mp4 0 z', 4),
    ]


def test_format_class_map():
    label_map = {1: 0, 3: 1, 5: 2}
    assert format_class_map(label_map) == [
        '0 1 class_1', '1 3 class_3', '2 5 class_5'
    ]
    names = ['a', 'b b', 'c', 'd', 'e']  # no name for id 5
    assert format_class_map(label_map,
                            names) == ['0 1 b b', '1 3 d', '2 5 class_5']


def test_check_classes():
    train = _records(TRAIN_SIZES)
    assert check_classes([5, 0, 2], train, num_names=6) == [0, 2, 5]
    with pytest.raises(ValueError, match=r'duplicate class ids: \[2\]'):
        check_classes([2, 1, 2], train)
    with pytest.raises(
            ValueError,
            match=r'unknown class ids \[-1, 6\]: the '
            r'class-name file has 6 classes'):
        check_classes([6, 1, -1], train, num_names=6)
    with pytest.raises(ValueError, match=r'unknown class ids \[9\]: no clip'):
        check_classes([1, 9], train)
    with pytest.raises(ValueError, match='no classes given'):
        check_classes([], train)


def test_load_class_names(tmp_path):
    path = tmp_path / 'names.txt'
    path.write_text(' raise hand \nshake head\n\n\n')
    assert load_class_names(str(path)) == ['raise hand', 'shake head']
    path.write_text('a\n\nc\n')
    with pytest.raises(AnnotationError, match=f'{path}:2: blank class name'):
        load_class_names(str(path))
    path.write_text('\n\n')
    with pytest.raises(AnnotationError, match='no class names'):
        load_class_names(str(path))
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        load_class_names(str(tmp_path / 'nope.txt'))


# -------------------------------------------------------------------- CLI --


def test_cli_preset_subprocess(lists, tmp_path):
    out = tmp_path / 'out'
    proc = subprocess.run([
        sys.executable,
        str(TOOL), '--dataset', 'smg', '--train',
        str(lists['train']), '--val',
        str(lists['val']), '--test',
        str(lists['test']), '--class-names',
        str(lists['names']), '--out-dir',
        str(out)
    ],
                          cwd=REPO,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    # K=5 from the preset: drops class 5 (2 clips), the least frequent.
    assert (out / 'smg5_classes.txt').read_text() == (
        '0 0 action 0\n1 1 action 1\n2 2 action 2\n3 3 action 3\n'
        '4 4 action 4\n')
    assert ('  new  orig  train  val  test  name\n'
            '    0     0      4    1     2  action 0\n'
            '    1     1      9    2     3  action 1\n'
            '    2     2      6    1     1  action 2\n'
            '    3     3      6    1     0  action 3\n'
            '    4     4      6    1     2  action 4\n'
            'total           31    6     8\n') in proc.stdout
    assert 'the paper does not list its chosen classes' in proc.stdout
    assert 'ties broken by the smaller original label id' in proc.stdout
    assert ('warning: kept classes [3] (original ids) have no test clip'
            in proc.stderr)
    assert len((out / 'smg5_train.txt').read_text().splitlines()) == 31
    assert len((out / 'smg5_val.txt').read_text().splitlines()) == 6
    assert len((out / 'smg5_test.txt').read_text().splitlines()) == 8


def test_cli_top_k_remaps_and_reports_tie(lists, tmp_path, capsys):
    out = tmp_path / 'o'
    code, cap = _run_main([
        '--dataset', 'ma52', '--top-k', '3', '--train', lists['train'],
        '--test', lists['test'], '--out-dir', out
    ], capsys)
    assert code == 0, cap.err
    assert ('note: classes [2, 3, 4] all have 6 train clips; kept [2, 3], '
            'dropped [4] (smaller id wins)') in cap.out
    assert (out / 'ma12_classes.txt').read_text() == (
        '0 1 class_1\n1 2 class_2\n2 3 class_3\n')
    assert not (out / 'ma12_val.txt').exists()
    train = (out / 'ma12_train.txt').read_text().splitlines()
    assert train == ([f'tr/c1_{i}.mp4 0 meta{i}' for i in range(9)] +
                     [f'tr/c2_{i}.mp4 1 meta{i}' for i in range(6)] +
                     [f'tr/c3_{i}.mp4 2 meta{i}' for i in range(6)])
    test = (out / 'ma12_test.txt').read_text().splitlines()
    assert test == ([f'te/c1_{i}.mp4 0 meta{i}'
                     for i in range(3)] + ['te/c2_0.mp4 1 meta0'])
    assert 'warning: kept classes [3] (original ids) have no test clip' in (
        cap.err)


def test_cli_classes_override(lists, tmp_path, capsys):
    out = tmp_path / 'o'
    code, cap = _run_main([
        '--dataset', 'imigue', '--classes', '5, 0', '--train', lists['train'],
        '--test', lists['test'], '--class-names', lists['names'], '--out-dir',
        out
    ], capsys)
    assert code == 0, cap.err
    assert (out / 'imigue11_classes.txt').read_text() == (
        '0 0 action 0\n1 5 action 5\n')
    assert (out / 'imigue11_train.txt').read_text().splitlines() == (
        [f'tr/c0_{i}.mp4 0 meta{i}'
         for i in range(4)] + [f'tr/c5_{i}.mp4 1 meta{i}' for i in range(2)])
    assert 'kept 2 classes, given by --classes' in cap.out
    assert ('warning: 2 classes given, the iMiGUE-11 benchmark has 11'
            in cap.err)


def test_cli_custom_name_without_preset(lists, tmp_path, capsys):
    code, cap = _run_main([
        '--name', 'tiny', '--top-k', '2', '--train', lists['train'], '--test',
        lists['test'], '--out-dir', tmp_path / 'o'
    ], capsys)
    assert code == 0, cap.err
    assert (tmp_path / 'o' /
            'tiny_classes.txt').read_text() == ('0 1 class_1\n1 2 class_2\n')


@pytest.mark.parametrize('extra,msg', [
    (['--dataset', 'smg', '--top-k', '7'
      ], 'K=7 is larger than the number of classes in the train list (6)'),
    (['--dataset', 'smg', '--classes', '1,9'
      ], 'unknown class ids [9]: no clip in the train list has these labels'),
    (['--dataset', 'smg', '--classes', '1,x'
      ], "--classes: 'x' is not an integer class id (expected e.g. 3,7,12)"),
    (['--dataset', 'smg', '--classes', '1,2', '--top-k', '3'
      ], '--top-k 3 contradicts --classes (2 ids)'),
    (['--top-k', '3'], 'give --dataset or --name for the output files'),
    (['--name', 'x'], 'give --dataset, --top-k or --classes'),
])
def test_cli_errors(lists, tmp_path, capsys, extra, msg):
    out = tmp_path / 'o'
    code, cap = _run_main(
        extra +
        ['--train', lists['train'], '--test', lists['test'], '--out-dir', out],
        capsys)
    assert code == 1
    assert cap.err == f'build_subset.py: error: {msg}\n'
    assert not out.exists()


def test_cli_unknown_id_beyond_class_names(lists, tmp_path, capsys):
    code, cap = _run_main([
        '--dataset', 'smg', '--classes', '1,6', '--class-names',
        lists['names'], '--train', lists['train'], '--test', lists['test'],
        '--out-dir', tmp_path / 'o'
    ], capsys)
    assert code == 1
    assert ('unknown class ids [6]: the class-name file has 6 classes '
            '(ids 0..5)') in cap.err


def test_cli_label_beyond_class_names_names_file_and_line(
        lists, tmp_path, capsys):
    lists['names'].write_text('a\nb\nc\n')
    code, cap = _run_main([
        '--dataset', 'smg', '--class-names', lists['names'], '--train',
        lists['train'], '--test', lists['test'], '--out-dir', tmp_path / 'o'
    ], capsys)
    assert code == 1
    # Line 20 is the first clip of class 3 (4 + 9 + 6 earlier lines).
    assert cap.err == (
        f'build_subset.py: error: {lists["train"]}:20: label 3 out of range '
        "[0, 3) (num_classes=3) in line 'tr/c3_0.mp4 3 meta0'\n")


def test_cli_warns_on_clip_in_two_splits(lists, tmp_path, capsys):
    with open(lists['test'], 'a') as f:
        f.write('tr/c1_0.mp4 1\n')
    code, cap = _run_main([
        '--dataset', 'smg', '--train', lists['train'], '--test', lists['test'],
        '--out-dir', tmp_path / 'o'
    ], capsys)
    assert code == 0
    assert ("warning: 'tr/c1_0.mp4' is in both the train and the test list"
            in cap.err)
