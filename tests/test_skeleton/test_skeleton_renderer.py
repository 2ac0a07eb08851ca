# Copyright (c) APLT authors. All rights reserved.
import decord
import numpy as np
import pytest

from aplt_mm.skeleton import (DEFAULT_PART_COLORS, KINECT_V1_20,
                              SkeletonLayout, SkeletonRenderer, write_video)

HEAD = KINECT_V1_20.index('head')
NECK = KINECT_V1_20.index('neck')
HAND_A = KINECT_V1_20.index('hand_a')
HEAD_BGR = DEFAULT_PART_COLORS[0]
ARM_A_BGR = DEFAULT_PART_COLORS[2]


def _random_joints(num_frames: int, dims: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(1, 2, size=(num_frames, 20, dims))


def _only(num_frames: int, dims: int, **positions) -> np.ndarray:
    """Joints that are all missing except the named ones ([T, dims])."""
    joints = np.zeros((num_frames, 20, dims))
    for name, value in positions.items():
        joints[:, KINECT_V1_20.index(name)] = value
    return joints


def _mask(frame: np.ndarray, bgr) -> np.ndarray:
    return (frame == np.array(bgr, np.uint8)).all(-1)


def _centroid_x(frame: np.ndarray, bgr) -> float:
    cols = np.nonzero(_mask(frame, bgr))[1]
    assert cols.size > 0, f'no pixel of colour {bgr}'
    return float(cols.mean())


def test_kinect_layout():
    layout = KINECT_V1_20
    assert layout.num_joints == 20
    assert (HEAD, NECK, layout.index('hip_centre')) == (19, 2, 6)
    assert layout.index('hand_a') == 11 and layout.index('foot_b') == 18
    # A tree over all joints: 19 bones reaching every joint from the hips.
    assert len(layout.bones) == 19
    reached = {layout.index('hip_centre')}
    for i, j in layout.bones:
        assert i in reached, 'bones must go from the centre outwards'
        reached.add(j)
    assert reached == set(range(20))
    assert layout.part_names[layout.joint_parts[HEAD]] == 'head'
    assert layout.joint_parts[HAND_A] != layout.joint_parts[layout.index(
        'hand_b')]


def test_layout_validation():
    with pytest.raises(ValueError, match='part indices'):
        SkeletonLayout('bad', ('a', 'b'), ((0, 1), ), (0, ), ('p', ))
    with pytest.raises(ValueError, match='invalid bone'):
        SkeletonLayout('bad', ('a', 'b'), ((0, 2), ), (0, 0), ('p', ))


@pytest.mark.parametrize('dims', [2, 3])
def test_render_shape_and_content(dims):
    frames = SkeletonRenderer(size=32).render(_random_joints(5, dims))
    assert frames.shape == (5, 32, 32, 3)
    assert frames.dtype == np.uint8
    # Every frame shows a figure: many lit pixels, several colours.
    lit = frames.max(-1) > 0
    assert lit.reshape(5, -1).sum(1).min() > 30
    assert len(np.unique(frames[0].reshape(-1, 3), axis=0)) > 5


def test_default_sizes_scale_with_size():
    small, large = SkeletonRenderer(size=32), SkeletonRenderer(size=128)
    assert (small.thickness, small.joint_radius) == (1, 1)
    assert (large.thickness, large.joint_radius) == (4, 4)


@pytest.mark.parametrize('shape', [(4, 19, 3), (4, 21, 2), (4, 20, 4),
                                   (20, 3)])
def test_wrong_shape_raises(shape):
    with pytest.raises(ValueError, match=r'\[T, 20, 2\]'):
        SkeletonRenderer(size=32).render(np.ones(shape))


def test_invalid_options_raise():
    with pytest.raises(ValueError, match='normalize'):
        SkeletonRenderer(normalize='frame')
    with pytest.raises(ValueError, match='part colours'):
        SkeletonRenderer(part_colors=[(0, 0, 255)])


def test_missing_joints_are_skipped():
    background = (10, 20, 30)
    joints = _random_joints(3, 3)
    joints[0, :] = 0.0  # frame 0: all missing (zeros)
    joints[1, :] = np.nan  # frame 1: all missing (NaN)
    # Frame 2: only the head and neck are valid.
    keep = [HEAD, NECK]
    drop = np.setdiff1d(np.arange(20), keep)
    joints[2, drop[::2]] = 0.0
    joints[2, drop[1::2]] = np.nan
    frames = SkeletonRenderer(
        size=32, background=background, antialias=False,
        depth_cue=0).render(joints)
    assert (frames[0] == background).all()
    assert (frames[1] == background).all()
    # Only the head (disc and neck-head bone) and the neck joint are drawn.
    drawn = ~_mask(frames[2], background)
    head = _mask(frames[2], HEAD_BGR)
    torso = _mask(frames[2], DEFAULT_PART_COLORS[1])
    assert head.sum() > 5 and torso.sum() > 0
    np.testing.assert_array_equal(drawn, head | torso)


def test_sequence_box_is_fixed_over_time():
    joints = _only(2, 2, head=(1.0, 1.0), hand_a=(5.0, 5.0))
    joints[1, HEAD] = (3.0, 1.0)  # the head moves right by half the box
    frames = SkeletonRenderer(
        size=32, margin=0.1, antialias=False).render(joints)
    x0 = _centroid_x(frames[0], HEAD_BGR)
    x1 = _centroid_x(frames[1], HEAD_BGR)
    # Box 4 units wide mapped to 32 * 0.8 = 25.6 px: 2 units = 12.8 px.
    assert x1 - x0 == pytest.approx(12.8, abs=1.0)
    assert x0 == pytest.approx(15.5 - 12.8, abs=1.0)
    # The static hand stays exactly where it was.
    np.testing.assert_array_equal(
        _mask(frames[0], ARM_A_BGR), _mask(frames[1], ARM_A_BGR))
    assert _mask(frames[0], ARM_A_BGR).any()


def test_normalize_none_uses_pixels():
    joints = _only(1, 2, head=(20.0, 10.0))
    frames = SkeletonRenderer(
        size=32, normalize='none', antialias=False,
        head_radius_scale=1).render(joints)
    rows, cols = np.nonzero(_mask(frames[0], HEAD_BGR))
    assert rows.mean() == pytest.approx(10, abs=0.5)
    assert cols.mean() == pytest.approx(20, abs=0.5)
    # y up flips rows.
    frames = SkeletonRenderer(
        size=32,
        normalize='none',
        antialias=False,
        head_radius_scale=1,
        y_up=True).render(joints)
    rows, _ = np.nonzero(_mask(frames[0], HEAD_BGR))
    assert rows.mean() == pytest.approx(31 - 10, abs=0.5)


def test_3d_is_drawn_y_up():
    joints = _only(1, 3, head=(0.0, 2.0, 3.0), hand_a=(0.0, 1.0, 3.0))
    frame = SkeletonRenderer(size=32, antialias=False).render(joints)[0]
    head_rows = np.nonzero(_mask(frame, HEAD_BGR))[0]
    hand_rows = np.nonzero(_mask(frame, ARM_A_BGR))[0]
    assert head_rows.mean() < hand_rows.mean()


def test_depth_cue_nearer_is_brighter():
    joints = _only(2, 3, head=(0.5, 1.0, 1.0))
    joints[1, HEAD, 2] = 3.0  # same place, farther away
    frames = SkeletonRenderer(
        size=32, depth_cue=0.5, antialias=False).render(joints)
    near = frames[0].reshape(-1, 3).max(0)
    far = frames[1].reshape(-1, 3).max(0)
    np.testing.assert_array_equal(near, HEAD_BGR)
    np.testing.assert_array_equal(far, np.round(np.multiply(HEAD_BGR, 0.5)))
    frames = SkeletonRenderer(
        size=32, depth_cue=0, antialias=False).render(joints)
    np.testing.assert_array_equal(frames[0], frames[1])


def test_depth_order_near_drawn_last():
    # Hand a (red) in front of the head: where they overlap, red wins.
    joints = _only(1, 3, head=(1.0, 1.0, 3.0), hand_a=(1.0, 1.0, 2.0))
    renderer = SkeletonRenderer(size=32, depth_cue=0, antialias=False)
    frame = renderer.render(joints)[0]
    assert _mask(frame, ARM_A_BGR).sum() > 0
    # Behind the head, the (smaller) hand disc is hidden completely.
    joints[0, HAND_A, 2] = 4.0
    frame = renderer.render(joints)[0]
    assert _mask(frame, ARM_A_BGR).sum() == 0
    assert _mask(frame, HEAD_BGR).sum() > 0


def test_yaw_turns_depth_into_x():
    joints = _only(2, 3, neck=(1.0, 1.0, 1.0), head=(1.0, 2.0, 1.0))
    joints[1, HEAD, 2] = 2.0  # the head moves away from the camera
    front = SkeletonRenderer(size=32, depth_cue=0, antialias=False)
    frames = front.render(joints)
    assert _centroid_x(frames[0], HEAD_BGR) == _centroid_x(frames[1], HEAD_BGR)
    side = SkeletonRenderer(size=32, depth_cue=0, antialias=False, yaw=90)
    frames = side.render(joints)
    assert _centroid_x(frames[1],
                       HEAD_BGR) > _centroid_x(frames[0], HEAD_BGR) + 5


def test_write_reads_back_with_decord(tmp_path):
    renderer = SkeletonRenderer(size=32)
    path = tmp_path / 'nested' / 'dir' / 'clip.mp4'
    frames = renderer.write(_random_joints(7, 3), path, fps=15)
    reader = decord.VideoReader(str(path))
    assert len(reader) == 7
    decoded = reader.get_batch(list(range(7))).asnumpy()  # RGB
    assert decoded.shape == (7, 32, 32, 3)
    # mp4v is lossy (and halves colour resolution), but every decoded frame
    # must be closest to the frame rendered at the same time step.
    rendered = frames[..., ::-1].astype(int)
    errors = np.abs(decoded[:, None].astype(int) - rendered[None]).mean(
        (2, 3, 4))
    np.testing.assert_array_equal(errors.argmin(1), np.arange(7))
    others = errors[~np.eye(7, dtype=bool)]
    assert errors.diagonal().max() < 0.5 * others.min()
    assert reader.get_avg_fps() == pytest.approx(15, rel=0.01)


def test_write_video_errors(tmp_path):
    frames = np.zeros((2, 32, 32, 3), np.uint8)
    blocked = tmp_path / 'is_a_dir.mp4'
    blocked.mkdir()
    with pytest.raises(OSError, match='is_a_dir.mp4'):
        write_video(frames, blocked)
    with pytest.raises(ValueError, match='uint8'):
        write_video(frames.astype(np.float32), tmp_path / 'a.mp4')
    with pytest.raises(ValueError, match='shape'):
        write_video(frames[:0], tmp_path / 'b.mp4')
