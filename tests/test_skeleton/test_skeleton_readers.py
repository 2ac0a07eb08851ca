# Copyright (c) APLT authors. All rights reserved.
"""Skeleton dataset readers, on tiny synthetic files in the MSR formats."""
import numpy as np
import pytest

from aplt_mm.skeleton import (DEFAULT_PART_COLORS, KINECT_V1_20,
                              SkeletonRenderer)
from aplt_mm.skeleton.readers import (MSR_SCREEN_CENTRE,
                                      MSR_SCREEN_DEPTH_UNIT, MSR_SCREEN_FOCAL,
                                      SKELETON_READERS, MSRAction3DReader,
                                      SequenceEntry, SkeletonFileError,
                                      SkeletonSequence, build_reader,
                                      register_reader)

# A hand-made standing figure facing the camera, (x, y) in metres with y up,
# in KINECT_V1_20 joint order; side "a" is on the image's left (x < 0).
_POSE_XY = {
    'shoulder_a': (-0.18, 0.40), 'shoulder_b': (0.18, 0.40),
    'neck': (0.0, 0.43), 'spine': (0.0, 0.15), 'hip_a': (-0.12, -0.05),
    'hip_b': (0.12, -0.05), 'hip_centre': (0.0, 0.0),
    'elbow_a': (-0.22, 0.12), 'elbow_b': (0.22, 0.12),
    'wrist_a': (-0.24, -0.12), 'wrist_b': (0.24, -0.12),
    'hand_a': (-0.25, -0.20), 'hand_b': (0.25, -0.20),
    'knee_a': (-0.12, -0.50), 'knee_b': (0.12, -0.50),
    'ankle_a': (-0.12, -0.95), 'ankle_b': (0.12, -0.95),
    'foot_a': (-0.12, -1.00), 'foot_b': (0.12, -1.00), 'head': (0.0, 0.62)
}
HEAD = KINECT_V1_20.index('head')
HAND_B = KINECT_V1_20.index('hand_b')


def standing_pose(num_frames: int, seed: int = 0) -> np.ndarray:
    """``[T, 20, 3]`` Real3D-convention joints; arm b rises over time."""
    rng = np.random.default_rng(seed)
    pose = np.array([_POSE_XY[name] + (2.5, )
                     for name in KINECT_V1_20.joint_names])
    joints = np.repeat(pose[None], num_frames, 0)
    joints[:, HAND_B, 1] += np.linspace(0, 0.9, num_frames)
    joints += rng.normal(0, 0.005, joints.shape)
    return joints


def write_msr_file(path, joints: np.ndarray, last_column: float = 1.0):
    """Write ``[T, 20, 3]`` joints as an MSR file: 4 numbers a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = np.concatenate(
        [joints.reshape(-1, 3),
         np.full((joints.size // 3, 1), last_column)], 1)
    np.savetxt(path, table, fmt='%.6f')
    return path


def make_msr_dataset(root, screen: bool = False):
    """Tiny MSR Action3D copy: 2 actions, 2 subjects, one all-zero file.

    a01_s01_e01, a01_s01_e02 and a02_s01_e01 belong to (odd) subject 1,
    a01_s02_e01 to subject 2 and has an empty middle frame, a02_s02_e01 is
    all zeros. Returns ``{name: joints}`` of the files written.
    """
    (root / 'classes.txt').write_text('high arm wave\nhammer\n')
    seqs = {
        'a01_s01_e01': standing_pose(5, 0),
        'a01_s01_e02': standing_pose(4, 1),
        'a02_s01_e01': standing_pose(6, 2)[::-1],
        'a01_s02_e01': standing_pose(5, 3),
        'a02_s02_e01': np.zeros((3, 20, 3)),
    }
    seqs['a01_s02_e01'][2] = 0
    for name, joints in seqs.items():
        if screen:
            write_msr_file(
                root / 'MSRAction3DSkeleton(20joints)' /
                f'{name}_skeleton.txt', to_screen(joints))
        else:
            write_msr_file(
                root / 'MSRAction3DSkeletonReal3D' / f'{name}_skeleton3D.txt',
                joints)
    return seqs


def to_screen(joints: np.ndarray) -> np.ndarray:
    """Project Real3D joints like the screen variant (integer u, v, depth)."""
    x, y, z = np.moveaxis(joints, -1, 0)
    with np.errstate(divide='ignore', invalid='ignore'):
        uvd = np.stack([
            MSR_SCREEN_CENTRE[0] + MSR_SCREEN_FOCAL * x / z,
            MSR_SCREEN_CENTRE[1] - MSR_SCREEN_FOCAL * y / z,
            z / MSR_SCREEN_DEPTH_UNIT
        ], -1)
    uvd[(joints == 0).all(-1)] = 0
    return np.round(uvd)


def test_registry():
    assert {'msr_action3d', 'msr_action3d_screen', 'msr_action3d_pixels',
            'numpy'} <= set(SKELETON_READERS)
    assert isinstance(build_reader('msr_action3d'), MSRAction3DReader)
    with pytest.raises(KeyError, match='msr_action3d_screen'):
        build_reader('no_such_format')
    with pytest.raises(KeyError, match='already registered'):
        register_reader('numpy')(MSRAction3DReader)


def test_msr_listing_and_names(tmp_path):
    make_msr_dataset(tmp_path)
    (tmp_path / 'MSRAction3DSkeletonReal3D' / 'notes.md').write_text('x')
    reader = build_reader('msr_action3d')
    entries = reader.list_sequences(tmp_path)
    assert [(e.name, e.label, e.subject) for e in entries] == [
        ('a01_s01_e01', 0, 1), ('a01_s01_e02', 0, 1), ('a01_s02_e01', 0, 2),
        ('a02_s01_e01', 1, 1), ('a02_s02_e01', 1, 2)
    ]
    assert entries[0].path.endswith('a01_s01_e01_skeleton3D.txt')
    assert reader.class_names(tmp_path) == ['high arm wave', 'hammer']


def test_msr_values_and_missing_joints(tmp_path):
    seqs = make_msr_dataset(tmp_path)
    reader = build_reader('msr_action3d')
    entries = {e.name: e for e in reader.list_sequences(tmp_path)}

    seq = reader.read(entries['a01_s02_e01'])
    assert isinstance(seq, SkeletonSequence)
    assert (seq.name, seq.label, seq.subject) == ('a01_s02_e01', 0, 2)
    assert seq.joints.dtype == np.float32 and seq.joints.shape == (5, 20, 3)
    # The Real3D convention is the renderer's: values pass unchanged.
    expected = seqs['a01_s02_e01'].copy()
    expected[2] = np.nan
    np.testing.assert_allclose(seq.joints, expected, atol=1e-6)
    assert seq.valid_frames.tolist() == [True, True, False, True, True]

    empty = reader.read(entries['a02_s02_e01'])
    assert np.isnan(empty.joints).all() and not empty.valid_frames.any()


def test_msr_figure_is_upright_and_unmirrored(tmp_path):
    make_msr_dataset(tmp_path)
    reader = build_reader('msr_action3d')
    seq = reader.read(reader.list_sequences(tmp_path)[0])
    frame = SkeletonRenderer(
        size=32, depth_cue=0, antialias=False).render(seq.joints)[0]

    def rows_cols(part):
        mask = (frame == np.array(DEFAULT_PART_COLORS[part], np.uint8)).all(-1)
        rows, cols = np.nonzero(mask)
        assert rows.size, f'part {part} not drawn'
        return rows, cols

    head_rows, _ = rows_cols(0)
    leg_rows, _ = rows_cols(4)
    assert head_rows.max() < leg_rows.min(), 'the head must be above the legs'
    # Side a has x < 0 in the file and must stay on the image's left.
    assert rows_cols(2)[1].mean() < rows_cols(3)[1].mean()


def test_screen_variant_matches_real3d(tmp_path):
    seqs = make_msr_dataset(tmp_path, screen=True)
    reader = build_reader('msr_action3d_screen')
    entries = {e.name: e for e in reader.list_sequences(tmp_path)}
    assert len(entries) == 5 and entries['a02_s01_e01'].label == 1
    joints = reader.read(entries['a01_s02_e01']).joints
    expected = seqs['a01_s02_e01'].copy()
    expected[2] = np.nan
    # Integer pixels and 4 mm depth steps: about 1 cm at 2.5 m.
    np.testing.assert_allclose(joints, expected, atol=0.012)
    assert np.isnan(joints[2]).all()


def test_pixel_variant_keeps_the_screen_pixels(tmp_path):
    seqs = make_msr_dataset(tmp_path, screen=True)
    reader = build_reader('msr_action3d_pixels')
    assert reader.image_shape == (240, 320)
    entry = {e.name: e
             for e in reader.list_sequences(tmp_path)}['a01_s02_e01']
    joints = reader.read(entry).joints
    assert joints.shape == (5, 20, 2) and joints.dtype == np.float32
    uvd = to_screen(seqs['a01_s02_e01'])
    np.testing.assert_array_equal(joints[[0, 1, 3, 4]],
                                  uvd[[0, 1, 3, 4], :, :2])
    assert np.isnan(joints[2]).all()  # the empty frame stays missing


def test_screen_overflowed_joint_is_missing(tmp_path):
    uvd = to_screen(standing_pose(2))
    uvd[1, HAND_B, 1] = 2147480000  # a hand above the image
    path = write_msr_file(tmp_path / 'a01_s01_e01_skeleton.txt', uvd)
    joints = build_reader('msr_action3d_screen').load_joints(path)
    assert np.isnan(joints[1, HAND_B]).all()
    assert np.isfinite(np.delete(joints[1], HAND_B, 0)).all()


@pytest.mark.parametrize(
    'content,match',
    [
        ('1 2 3 4\n' * 21, '21 joint lines is not a multiple of 20'),
        ('1 2 3 4\n' * 5 + '1 2 x 4\n' + '1 2 3 4\n' * 14,
         ":6: non-numeric value in '1 2 x 4'"),
        ('1 2 3 4\n' * 19 + '1 2 3\n', ':20: expected 4 values per line'),
        ('', 'no joint lines'),
        ('\n\n', 'no joint lines'),
    ])
def test_malformed_file_errors_name_the_file(tmp_path, content, match):
    path = tmp_path / 'a01_s01_e01_skeleton3D.txt'
    path.write_text(content)
    with pytest.raises(SkeletonFileError, match=match) as info:
        MSRAction3DReader().load_joints(path)
    assert str(path) in str(info.value)


def test_binary_file_error_names_the_file(tmp_path):
    path = tmp_path / 'a01_s01_e01_skeleton3D.txt'
    path.write_bytes(b'\x93NUMPY\xff\xfe' * 10)
    with pytest.raises(SkeletonFileError, match='not a text file') as info:
        MSRAction3DReader().load_joints(path)
    assert str(path) in str(info.value)


def test_listing_errors(tmp_path):
    reader = build_reader('msr_action3d')
    with pytest.raises(SkeletonFileError, match='MSRAction3DSkeletonReal3D'):
        reader.list_sequences(tmp_path)
    bad = write_msr_file(
        tmp_path / 'MSRAction3DSkeletonReal3D' / 'wave_skeleton3D.txt',
        standing_pose(1))
    with pytest.raises(SkeletonFileError, match='aXX_sYY_eZZ') as info:
        reader.list_sequences(tmp_path)
    assert str(bad) in str(info.value)
    with pytest.raises(SkeletonFileError, match='classes.txt'):
        reader.class_names(tmp_path)


def test_numpy_reader(tmp_path):
    (tmp_path / 'clips').mkdir()
    three_d = standing_pose(4).astype(np.float64)
    three_d[1, HEAD] = 0
    two_d = np.random.default_rng(0).uniform(10, 50, (3, 20, 2))
    np.save(tmp_path / 'clips' / 'b.npy', three_d)
    np.save(tmp_path / 'clips' / 'a.npy', two_d)
    (tmp_path / 'list.txt').write_text(
        '# path label [subject]\nclips/b.npy 1 4\n\nclips/a.npy 0 3\n')
    reader = build_reader('numpy')
    entries = reader.list_sequences(tmp_path)
    assert [(e.name, e.label, e.subject) for e in entries] == [('a', 0, 3),
                                                               ('b', 1, 4)]
    seq_a, seq_b = (reader.read(e) for e in entries)
    assert seq_a.joints.shape == (3, 20, 2)
    assert seq_a.joints.dtype == np.float32
    np.testing.assert_allclose(seq_a.joints, two_d, rtol=1e-6)
    assert np.isnan(seq_b.joints[1, HEAD]).all()
    assert np.isfinite(np.delete(seq_b.joints, HEAD, 1)).all()

    # Without the subject column the subject is unknown.
    (tmp_path / 'nosubj.txt').write_text('clips/a.npy 0\n')
    entry, = build_reader('numpy', list_file='nosubj.txt').list_sequences(
        tmp_path)
    assert entry.subject is None


@pytest.mark.parametrize('line,match', [
    ('clips/a.npy zero 3', 'must be integers'),
    ('clips/a.npy', 'path label'),
    ('clips/a.npy 0 1 2', 'path label'),
    ('clips/a.npy 0\nother/a.npy 1', 'not unique'),
])
def test_numpy_list_errors(tmp_path, line, match):
    (tmp_path / 'list.txt').write_text(line + '\n')
    with pytest.raises(SkeletonFileError, match=match) as info:
        build_reader('numpy').list_sequences(tmp_path)
    assert 'list.txt:' in str(info.value)


def test_numpy_array_errors(tmp_path):
    path = tmp_path / 'x.npy'
    np.save(path, np.zeros((4, 19, 3)))
    with pytest.raises(SkeletonFileError, match=r'\[T>=1, 20, 2 or 3\]') as e:
        build_reader('numpy').load_joints(path)
    assert str(path) in str(e.value)
    np.savez(tmp_path / 'y.npz', a=np.zeros((4, 20, 3)))
    with pytest.raises(SkeletonFileError, match='y.npz: not a single'):
        build_reader('numpy').load_joints(tmp_path / 'y.npz')
    with pytest.raises(SkeletonFileError, match='not_there.npy'):
        build_reader('numpy').load_joints(tmp_path / 'not_there.npy')


def test_sequence_validation():
    with pytest.raises(ValueError, match='s1: joints must be a float32'):
        SkeletonSequence(np.zeros((2, 20, 3)), 0, 1, 's1')
    with pytest.raises(ValueError, match='float32'):
        SkeletonSequence(np.zeros((0, 20, 3), np.float32), 0, 1, 's1')
    entry = SequenceEntry('p', 'n', 0, None)
    assert entry.subject is None
