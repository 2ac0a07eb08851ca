# Copyright (c) APLT authors. All rights reserved.
import pytest

from aplt_mm.datasets.video_list import (AnnotationError, VideoRecord,
                                         count_per_class, load_video_list,
                                         write_video_list)


def _write(tmp_path, text, name='train.txt'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_load_valid_list_keeps_lines_and_line_numbers(tmp_path):
    ann = _write(
        tmp_path, '# header comment\n'
        'a/x.mp4 3\n'
        '\n'
        '  b/y.mp4\t0 extra col  \n'
        '   # indented comment\n'
        'c.mp4 11 1 2\n')
    records = load_video_list(ann, num_classes=12)
    assert records == [
        VideoRecord('a/x.mp4', 3, 'a/x.mp4 3', 2),
        VideoRecord('b/y.mp4', 0, 'b/y.mp4\t0 extra col', 4),
        VideoRecord('c.mp4', 11, 'c.mp4 11 1 2', 6),
    ]


def test_load_strips_utf8_bom(tmp_path):
    path = tmp_path / 'bom.txt'
    path.write_bytes(b'\xef\xbb\xbfa.mp4 1\n')
    assert load_video_list(str(path))[0].filename == 'a.mp4'


def test_missing_file_names_it(tmp_path):
    missing = str(tmp_path / 'nope.txt')
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        load_video_list(missing)


@pytest.mark.parametrize('token', ['abc', '1.0', '+1', '1_0', '٣'])
def test_unparsable_label(tmp_path, token):
    ann = _write(tmp_path, f'a.mp4 0\nb.mp4 {token}\n')
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann)
    assert str(exc.value) == (
        f"{ann}:2: cannot parse label '{token}' in line 'b.mp4 {token}' "
        "(expected '<path> <label>')")


def test_negative_label(tmp_path):
    ann = _write(tmp_path, 'a.mp4 0\n\nb.mp4 -1\n')
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann, require_label=False)
    assert str(exc.value) == f"{ann}:3: negative label -1 in line 'b.mp4 -1'"


def test_label_out_of_range(tmp_path):
    ann = _write(tmp_path, 'a.mp4 0\nb.mp4 5 x\n')
    assert [r.label for r in load_video_list(ann, num_classes=6)] == [0, 5]
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann, num_classes=5)
    assert str(
        exc.value) == (f'{ann}:2: label 5 out of range [0, 5) (num_classes=5) '
                       "in line 'b.mp4 5 x'")


@pytest.mark.parametrize('num_classes', [0, -1, 2.0, True])
def test_invalid_num_classes(tmp_path, num_classes):
    ann = _write(tmp_path, 'a.mp4 0\n')
    with pytest.raises(ValueError, match='num_classes must be a positive'):
        load_video_list(ann, num_classes=num_classes)


def test_missing_label(tmp_path):
    ann = _write(tmp_path, 'a.mp4 0\n# c\nb.mp4\n')
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann)
    assert str(exc.value) == (
        f"{ann}:3: missing label in line 'b.mp4' (expected '<path> <label>')")
    records = load_video_list(ann, require_label=False)
    assert [(r.filename, r.label, r.lineno)
            for r in records] == [('a.mp4', 0, 1), ('b.mp4', -1, 3)]


@pytest.mark.parametrize('text', ['', '\n\n', '# only\n  # comments\n'])
def test_empty_list(tmp_path, text):
    ann = _write(tmp_path, text)
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann)
    assert str(
        exc.value) == (f'{ann}: no clips found (the file is empty or has only '
                       'blank/comment lines)')


def test_duplicate_filename_names_both_lines(tmp_path):
    ann = _write(tmp_path, 'a.mp4 0\nb.mp4 1\n\nx/a.mp4 1\na.mp4 2\n')
    with pytest.raises(AnnotationError) as exc:
        load_video_list(ann)
    assert str(exc.value) == (
        f"{ann}:5: duplicate filename 'a.mp4' (first at line 1, again at "
        "line 5) in line 'a.mp4 2'")


def test_error_is_a_value_error():
    assert issubclass(AnnotationError, ValueError)


def test_write_round_trip_creates_parent(tmp_path):
    ann = _write(tmp_path, '# c\na.mp4 1 keep me\n\nb.mp4\t0\n')
    records = load_video_list(ann)
    out = tmp_path / 'new' / 'dir' / 'out.txt'
    write_video_list(str(out), records[::-1])
    assert out.read_text() == 'b.mp4\t0\na.mp4 1 keep me\n'
    assert [(r.filename, r.label)
            for r in load_video_list(str(out))] == [('b.mp4', 0), ('a.mp4', 1)]


def test_with_label_keeps_format():
    rec = VideoRecord('a.mp4', 3, 'a.mp4\t3  x y', 7)
    new = rec.with_label(12)
    assert new == VideoRecord('a.mp4', 12, 'a.mp4\t12  x y', 7)
    assert rec.label == 3  # frozen original unchanged
    with pytest.raises(ValueError, match='no label column'):
        VideoRecord('a.mp4', -1, 'a.mp4', 1).with_label(0)
    with pytest.raises(ValueError, match='non-negative'):
        rec.with_label(-1)


def test_count_per_class():
    recs = [
        VideoRecord(f'{i}.mp4', c, f'{i}.mp4 {c}', i + 1)
        for i, c in enumerate([2, 0, 2, 5, 2])
    ]
    assert count_per_class(recs) == {0: 1, 2: 3, 5: 1}
    assert list(count_per_class(recs)) == [0, 2, 5]


def test_duplicate_is_found_through_path_spellings(tmp_path):
    ann = _write(tmp_path, 'videos/a.mp4 0\n./videos/a.mp4 0\n')
    with pytest.raises(AnnotationError) as err:
        load_video_list(ann)
    assert "duplicate filename './videos/a.mp4' (first at line 1 as " \
        "'videos/a.mp4', again at line 2)" in str(err.value)


def test_path_with_space_says_fields_are_space_separated(tmp_path):
    ann = _write(tmp_path, 'my space/a.mp4 3\n')
    with pytest.raises(AnnotationError) as err:
        load_video_list(ann)
    assert "cannot parse label 'space/a.mp4'" in str(err.value)
    assert 'a path cannot contain one: this line splits into 3 fields' \
        in str(err.value)
