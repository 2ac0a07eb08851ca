# Copyright (c) APLT authors. All rights reserved.
import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from aplt_mm.datasets.splits import num_labeled, stratified_split
from aplt_mm.datasets.video_list import VideoRecord, load_video_list

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / 'tools' / 'make_split.py'


def _records(sizes, shuffle_seed=None):
    """Records with ``sizes[c]`` clips of class c, classes interleaved."""
    labels = [c for c, n in sizes.items() for _ in range(n)]
    if shuffle_seed is not None:
        labels = list(np.random.default_rng(shuffle_seed).permutation(labels))
    return [
        VideoRecord(f'v/{i:03d}.mp4', int(c), f'v/{i:03d}.mp4 {c} x{i}', i + 1)
        for i, c in enumerate(labels)
    ]


def _write_list(path, sizes, shuffle_seed=123):
    lines = [r.line for r in _records(sizes, shuffle_seed)]
    path.write_text('# comment\n' + '\n'.join(lines) + '\n')
    return lines


def _load_tool():
    spec = importlib.util.spec_from_file_location('make_split_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- package --


@pytest.mark.parametrize(
    'ratio,n,expected',
    [
        (0.25, 10, 3),  # 2.5 rounds half up
        (0.25, 7, 2),
        (0.25, 4, 1),
        (0.25, 2, 1),  # 0.5 rounds up
        (0.25, 1, 0),
        (0.1, 4, 0),
        (0.5, 3, 2),
        (0.7, 45, 32),  # float 0.7 * 45 + 0.5 = 31.99999..., exact gives 32
    ])
def test_num_labeled(ratio, n, expected):
    assert num_labeled(ratio, n) == expected


def test_split_counts_disjoint_covering_ordered():
    sizes = {0: 10, 1: 7, 2: 4, 3: 2, 7: 45}
    records = _records(sizes, shuffle_seed=0)
    labeled, unlabeled = stratified_split(records, 0.25, seed=0)

    assert dict(Counter(r.label for r in labeled)) == {
        0: 3,
        1: 2,
        2: 1,
        3: 1,
        7: 11
    }
    assert dict(Counter(r.label for r in unlabeled)) == {
        0: 7,
        1: 5,
        2: 3,
        3: 1,
        7: 34
    }
    lab_names = {r.filename for r in labeled}
    unl_names = {r.filename for r in unlabeled}
    assert not lab_names & unl_names
    assert lab_names | unl_names == {r.filename for r in records}
    assert len(labeled) + len(unlabeled) == len(records)
    # Each output is a subsequence of the input (line order kept).
    for part in (labeled, unlabeled):
        linenos = [r.lineno for r in part]
        assert linenos == sorted(linenos)
        assert all(records[r.lineno - 1] is r for r in part)


def test_split_matches_documented_algorithm():
    records = _records({4: 9, 0: 6, 2: 5}, shuffle_seed=3)
    labeled, _ = stratified_split(records, 0.4, seed=7)
    # Reference: one rng permutation per class in ascending class order.
    rng = np.random.default_rng(7)
    expected = set()
    for c, n_lab in ((0, 2), (2, 2), (4, 4)):
        idx = [i for i, r in enumerate(records) if r.label == c]
        perm = rng.permutation(len(idx))
        expected |= {idx[j] for j in perm[:n_lab]}
    assert [records.index(r) for r in labeled] == sorted(expected)


def test_split_deterministic_and_seed_dependent():
    records = _records({0: 40, 1: 40, 2: 40}, shuffle_seed=1)
    a = stratified_split(records, 0.5, seed=0)
    b = stratified_split(records, 0.5, seed=0)
    c = stratified_split(records, 0.5, seed=1)
    assert a == b
    assert [r.filename for r in a[0]] != [r.filename for r in c[0]]
    assert len(a[0]) == len(c[0]) == 60


def test_split_unlabeled_may_be_empty_for_tiny_classes():
    labeled, unlabeled = stratified_split(_records({0: 1, 1: 1}), 0.5, 0)
    assert len(labeled) == 2 and unlabeled == []


@pytest.mark.parametrize('ratio', [0, -0.1, 1.5, float('nan'), '0.5', True])
def test_split_rejects_bad_ratio(ratio):
    with pytest.raises(ValueError, match='ratio must be'):
        stratified_split(_records({0: 4}), ratio, 0)


def test_split_rejects_ratio_one():
    with pytest.raises(ValueError, match='fully supervised'):
        stratified_split(_records({0: 4}), 1.0, 0)


@pytest.mark.parametrize('seed', [-1, 0.5, None])
def test_split_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match='seed must be'):
        stratified_split(_records({0: 4}), 0.5, seed)


def test_split_rejects_empty_and_unlabeled():
    with pytest.raises(ValueError, match='empty'):
        stratified_split([], 0.5, 0)
    recs = _records({0: 3}) + [VideoRecord('u.mp4', -1, 'u.mp4', 9)]
    with pytest.raises(ValueError, match=r"'u.mp4' \(line 9\) has no label"):
        stratified_split(recs, 0.5, 0)


def test_split_no_labeled_clip_message():
    records = _records({0: 10, 1: 3, 2: 1, 3: 6})
    with pytest.raises(ValueError) as exc:
        stratified_split(records, 0.1, 0)
    assert str(exc.value) == (
        'ratio=0.1 leaves 2 class(es) without a labeled clip: class 1 '
        '(3 clips), class 2 (1 clip). A class of n clips gets '
        'floor(ratio * n + 0.5) labeled clips, so the smallest class '
        '(1 clip) needs ratio >= 0.5/1: use ratio >= 0.5, or a least '
        'number of labeled clips per class (min_per_class, make_split.py '
        '--min-per-class)')


def test_split_suggested_ratio_works():
    records = _records({0: 10, 1: 3})
    with pytest.raises(ValueError, match=r'use ratio >= 0\.1667, or'):
        stratified_split(records, 0.1, 0)
    labeled, _ = stratified_split(records, 0.1667, 0)
    assert Counter(r.label for r in labeled) == {0: 2, 1: 1}


# -------------------------------------------------------------------- CLI --


def test_cli_writes_split_and_table(tmp_path):
    ann = tmp_path / 'train.txt'
    lines = _write_list(ann, {0: 10, 1: 7, 2: 4})
    out = tmp_path / 'out' / 'r25'
    proc = subprocess.run([
        sys.executable,
        str(TOOL), '--ann',
        str(ann), '--ratio', '0.25', '--seed', '3', '--out-dir',
        str(out), '--num-classes', '3'
    ],
                          cwd=REPO,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert ('class  labeled  unlabeled  total\n'
            '    0        3          7     10\n'
            '    1        2          5      7\n'
            '    2        1          3      4\n'
            'total        6         15     21\n') in proc.stdout

    labeled = (out / 'labeled.txt').read_text().splitlines()
    unlabeled = (out / 'unlabeled.txt').read_text().splitlines()
    assert len(labeled) == 6 and len(unlabeled) == 15
    assert sorted(labeled + unlabeled) == sorted(lines)
    # Same lines (extra columns kept), input order kept.
    assert labeled == [ln for ln in lines if ln in set(labeled)]
    assert unlabeled == [ln for ln in lines if ln in set(unlabeled)]
    # Same result as the package function.
    records = load_video_list(str(ann))
    expected, _ = stratified_split(records, 0.25, 3)
    assert labeled == [r.line for r in expected]


def test_cli_no_labeled_clip_fails_cleanly(tmp_path):
    ann = tmp_path / 'train.txt'
    _write_list(ann, {0: 10, 1: 1})
    out = tmp_path / 'out'
    proc = subprocess.run([
        sys.executable,
        str(TOOL), '--ann',
        str(ann), '--ratio', '0.25', '--out-dir',
        str(out)
    ],
                          cwd=REPO,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert 'Traceback' not in proc.stderr
    assert ('make_split.py: error: ratio=0.25 leaves 1 class(es) without a '
            'labeled clip: class 1 (1 clip).') in proc.stderr
    assert 'use ratio >= 0.5' in proc.stderr
    assert proc.stdout == ''
    assert not out.exists()


def _run_main(argv, capsys):
    tool = _load_tool()
    with pytest.raises(SystemExit) as exc:
        tool.main(argv)
    return exc.value.code, capsys.readouterr()


def test_cli_bad_label_names_file_and_line(tmp_path, capsys):
    ann = tmp_path / 'train.txt'
    ann.write_text('a.mp4 0\nb.mp4 abc\n')
    code, cap = _run_main(
        ['--ann',
         str(ann), '--ratio', '0.5', '--out-dir',
         str(tmp_path)], capsys)
    assert code == 1
    assert cap.err == (
        f"make_split.py: error: {ann}:2: cannot parse label 'abc' in line "
        "'b.mp4 abc' (expected '<path> <label>')\n")


def test_cli_num_classes_checked(tmp_path, capsys):
    ann = tmp_path / 'train.txt'
    ann.write_text('a.mp4 0\nb.mp4 3\n')
    code, cap = _run_main([
        '--ann',
        str(ann), '--ratio', '0.5', '--num-classes', '3', '--out-dir',
        str(tmp_path)
    ], capsys)
    assert code == 1
    assert f'{ann}:2: label 3 out of range [0, 3) (num_classes=3)' in cap.err


def test_cli_missing_file_and_ratio_one(tmp_path, capsys):
    missing = tmp_path / 'missing.txt'
    code, cap = _run_main(
        ['--ann',
         str(missing), '--ratio', '0.5', '--out-dir',
         str(tmp_path)], capsys)
    assert code == 1
    assert cap.err == ('make_split.py: error: annotation file not found: '
                       f'{missing}\n')

    ann = tmp_path / 'train.txt'
    ann.write_text('a.mp4 0\nb.mp4 0\n')
    code, cap = _run_main(
        ['--ann',
         str(ann), '--ratio', '1', '--out-dir',
         str(tmp_path)], capsys)
    assert code == 1
    assert 'fully supervised' in cap.err


# ------------------------------------------------ long tail, val, safety --


def test_min_per_class_on_a_long_tailed_list(tmp_path, capsys):
    # Class 0 has 60 clips, class 1 12, class 2 6 (MA-52's rarest), 3 two.
    sizes = {0: 60, 1: 12, 2: 6, 3: 2}
    ann = tmp_path / 'train.txt'
    _write_list(ann, sizes)
    with pytest.raises(ValueError, match='min-per-class'):
        stratified_split(_records(sizes), 0.1, seed=0)
    labeled, unlabeled = stratified_split(
        _records(sizes), 0.1, seed=0, min_per_class=3)
    counts = Counter(r.label for r in labeled)
    # 0.1: 6, 1 (rounded 1.2), 1 (0.6 -> 1), 0 (0.2); the minimum 3
    # raises classes 1 and 2 to 3 and labels all of class 3.
    assert counts == {0: 6, 1: 3, 2: 3, 3: 2}
    assert len(labeled) + len(unlabeled) == sum(sizes.values())

    tool = _load_tool()
    tool.main(['--ann', str(ann), '--ratio', '0.1', '--seed', '0',
               '--min-per-class', '3', '--out-dir', str(tmp_path / 's')])
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.strip() and line.split()[0] in '0123'}
    assert rows['0'][1] == '6'  # the ratio's count, no mark
    assert rows['1'][1] == '3*' and rows['2'][1] == '3*'
    assert rows['3'][1:] == ['2*', '0', '2']
    assert '--min-per-class 3 overrode the ratio' in out


def test_val_ratio_carves_the_same_val_for_every_ratio(tmp_path):
    sizes = {0: 20, 1: 10, 2: 4}
    ann = tmp_path / 'train.txt'
    lines = _write_list(ann, sizes)
    tool = _load_tool()
    vals = []
    for ratio in ('0.25', '0.5'):
        out = tmp_path / ratio
        tool.main(['--ann', str(ann), '--ratio', ratio, '--seed', '1',
                   '--val-ratio', '0.2', '--out-dir', str(out)])
        val = (out / 'val.txt').read_text().splitlines()
        rest = (out / 'labeled.txt').read_text().splitlines() + \
            (out / 'unlabeled.txt').read_text().splitlines()
        assert not set(val) & set(rest)
        assert sorted(val + rest) == sorted(lines)
        vals.append(val)
        counts = Counter(line.split()[1] for line in val)
        assert counts == {'0': 4, '1': 2, '2': 1}
    assert vals[0] == vals[1]


def test_refuses_to_overwrite_its_input(tmp_path):
    out = tmp_path / 'split'
    out.mkdir()
    ann = out / 'labeled.txt'
    _write_list(ann, {0: 4, 1: 4})
    before = ann.read_text()
    proc = subprocess.run([sys.executable, str(TOOL), '--ann', str(ann),
                           '--ratio', '0.5', '--out-dir', str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'refusing to overwrite' in proc.stderr
    assert ann.read_text() == before


def test_val_ratio_refuses_to_overwrite_its_input(tmp_path):
    # train.txt is only written with --val-ratio: the input train.txt of
    # the output dir survives a plain split and is refused with one.
    ann = tmp_path / 'train.txt'
    _write_list(ann, {0: 6, 1: 6})
    before = ann.read_text()
    proc = subprocess.run([sys.executable, str(TOOL), '--ann', str(ann),
                           '--ratio', '0.5', '--val-ratio', '0.2',
                           '--out-dir', str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and 'refusing to overwrite' in proc.stderr
    assert ann.read_text() == before
