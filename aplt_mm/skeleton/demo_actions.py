# Copyright (c) APLT authors. All rights reserved.
"""Procedural upper-body "micro-action" skeleton sequences.

A seated or standing person faces the camera and performs one of
:data:`DEMO_CLASSES`. Sequences are in the :data:`KINECT_V1_20` layout and in
Kinect-like camera space: metres, x to the side, y up, z the distance from
the camera. Like Kinect's seated mode, the legs are not tracked by default
(their joints are exactly zero, i.e. missing).

Coordinates used while posing (body frame): origin at the hip centre, +x
towards body side "a", +y up, +z away from the camera (the person looks
towards -z).
"""
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from .layouts import KINECT_V1_20

_J = {name: i for i, name in enumerate(KINECT_V1_20.joint_names)}
_SIDES = ('a', 'b')
_SIGN = (1.0, -1.0)  # x direction of body side a / b in the body frame
_LEGS = [_J[f'{p}_{s}'] for p in ('knee', 'ankle', 'foot') for s in _SIDES]
# Nominal camera-space position of the hip centre (metres).
_BASE_POSITION = np.array([0.0, -0.2, 2.5])


@dataclass(frozen=True)
class DemoDifficulty:
    """Knobs of the per-clip variation of :func:`generate_sequence`.

    Larger values make the classes harder to tell apart. Change one with
    ``dataclasses.replace(DemoDifficulty(), noise_std=0.01)``.

    Args:
        noise_std (float): Std of the Gaussian jitter added independently to
            every joint in every frame, in metres (Kinect-like sensor noise).
        amplitude_range (tuple[float, float]): Range of the uniform factor
            that scales the class's movement (angles and offsets).
        speed_range (tuple[float, float]): Range of the uniform speed
            factor; a clip has ``round(base_frames / speed)`` frames, and the
            action always spans the clip, so faster clips are shorter.
        base_frames (int): Number of frames of a clip at speed 1.
        onset_jitter (float): The action starts up to this fraction of the
            clip late and ends up to this fraction early (idle before and
            after).
        idle_strength (float): Scale of the idle motion: slow trunk sway,
            head wobble and fidgeting of the hands that are not acting.
            0 gives a perfectly still body apart from the action.
        scale_range (tuple[float, float]): Range of the person's overall
            size factor (1 = about 1.75 m tall).
        proportion_jitter (float): Each body segment length is further
            multiplied by a uniform factor in ``1 +- proportion_jitter``.
        position_jitter (float): Half range of the uniform offset of the
            person's position along x and z, in metres (half of it along y).
        body_yaw_range (float): The person faces the camera turned by a
            uniform angle in ``+- body_yaw_range`` degrees, which also makes
            forward/backward movements visible in a frontal view.
        dominant_side_prob (float): Probability that a one-handed action is
            done with the side-"a" hand.
        seated_prob (float): Probability that the person is seated (hands
            resting on the thighs) rather than standing (arms hanging).
    """

    noise_std: float = 0.006
    amplitude_range: Tuple[float, float] = (0.7, 1.3)
    speed_range: Tuple[float, float] = (0.8, 1.33)
    base_frames: int = 32
    onset_jitter: float = 0.15
    idle_strength: float = 1.0
    scale_range: Tuple[float, float] = (0.9, 1.1)
    proportion_jitter: float = 0.08
    position_jitter: float = 0.15
    body_yaw_range: float = 30.0
    dominant_side_prob: float = 0.75
    seated_prob: float = 0.5


# Nominal segment lengths of a 1.75 m adult, in metres.
_NOMINAL_BODY = dict(
    torso=0.50,  # hip centre -> neck
    spine=0.20,  # hip centre -> spine joint
    head=0.20,  # neck -> head joint
    head_fwd=0.05,  # head joint in front of the neck axis
    shoulder_w=0.18,  # neck -> shoulder, sideways
    shoulder_drop=0.04,  # shoulders below the neck joint
    hip_w=0.10,
    hip_drop=0.04,
    upper_arm=0.28,
    forearm=0.25,
    hand=0.08,  # wrist -> hand joint
    thigh=0.42,
    shank=0.42,
    foot=0.12,
)


class _Pose:
    """Per-frame controls of one clip, filled in by the action functions.

    Angles are in radians (pitch: forward bend, yaw: turn, roll: sideways
    tilt towards +x); offsets in metres in the body frame.
    """

    def __init__(self, num_frames: int) -> None:
        self.torso_angles = np.zeros((num_frames, 3))
        self.head_angles = np.zeros((num_frames, 3))
        self.head_shift = np.zeros((num_frames, 3))
        self.shoulder_lift = np.zeros((num_frames, 2))
        # For each hand: the trunk joint it reaches for (or None), the goal
        # offset from that joint, and how far along rest -> goal it is.
        self.reach_anchor: List[Optional[str]] = [None, None]
        self.reach_offset = np.zeros((2, num_frames, 3))
        self.reach_weight = np.zeros((2, num_frames))
        self.hand_shift = np.zeros((2, num_frames, 3))


@dataclass
class _Clip:
    """What an action function needs to know about the clip."""

    u: np.ndarray  # [T] action progress in [0, 1]
    rng: np.random.Generator
    amp: float  # amplitude factor
    scale: float  # body size factor, for offsets given in metres
    side: int  # acting hand of one-handed actions (0: a, 1: b)
    pose: _Pose


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0, 1)
    return x * x * (3 - 2 * x)


def _hold(u: np.ndarray, ramp: float) -> np.ndarray:
    """Envelope that rises over ``ramp``, holds at 1, then falls back."""
    return _smoothstep(u / ramp) * _smoothstep((1 - u) / ramp)


def _bumps(u: np.ndarray, cycles: int) -> np.ndarray:
    """``cycles`` smooth 0 -> 1 -> 0 excursions over ``u`` in [0, 1]."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * cycles * u)


def _oscillation(clip: _Clip, cycles: Tuple[int, int]) -> np.ndarray:
    """Zero-mean oscillation with a random cycle count and start phase,
    faded in and out so that the clip starts and ends at rest."""
    n = clip.rng.integers(cycles[0], cycles[1] + 1)
    phase = clip.rng.choice([0.0, np.pi])
    return np.sin(2 * np.pi * n * clip.u + phase) * _hold(clip.u, 0.15)


def _reach(clip: _Clip,
           side: int,
           anchor: str,
           offset: Tuple[float, float, float],
           ramp: float = 0.3) -> None:
    """Move a hand to ``anchor + offset`` (offset x mirrored for side b),
    hold it there and bring it back."""
    offset = np.array(offset) * clip.scale
    offset[0] *= _SIGN[side]
    pose = clip.pose
    pose.reach_anchor[side] = anchor
    pose.reach_offset[side] = offset
    pose.reach_weight[side] = _hold(clip.u, ramp * clip.rng.uniform(0.8, 1.2))


def _head_nod(clip: _Clip) -> None:
    n = clip.rng.integers(2, 4)
    pitch = np.deg2rad(18) * clip.amp * _bumps(clip.u, n)
    clip.pose.head_angles[:, 0] += pitch * _hold(clip.u, 0.1)


def _head_shake(clip: _Clip) -> None:
    osc = _oscillation(clip, (2, 3)) * clip.amp
    clip.pose.head_angles[:, 1] += np.deg2rad(30) * osc
    # People also sway the head sideways a little when shaking it.
    clip.pose.head_shift[:, 0] += 0.015 * clip.scale * osc


def _head_tilt(clip: _Clip) -> None:
    direction = clip.rng.choice([-1.0, 1.0])
    roll = np.deg2rad(20) * clip.amp * _hold(clip.u, 0.35)
    clip.pose.head_angles[:, 2] += direction * roll


def _shrug(clip: _Clip) -> None:
    n = clip.rng.integers(1, 3)
    lift = 0.06 * clip.scale * clip.amp * _bumps(clip.u, n)
    asym = 1 + clip.rng.uniform(-0.2, 0.2, size=2)
    clip.pose.shoulder_lift += lift[:, None] * asym


def _touch_chin(clip: _Clip) -> None:
    _reach(clip, clip.side, 'head', (-0.02, -0.11, -0.07))


def _touch_nose(clip: _Clip) -> None:
    _reach(clip, clip.side, 'head', (-0.02, -0.03, -0.10))


def _scratch_head(clip: _Clip) -> None:
    _reach(clip, clip.side, 'head', (0.08, 0.07, 0.0))
    osc = _oscillation(clip, (4, 6)) * 0.02 * clip.scale * clip.amp
    clip.pose.hand_shift[clip.side, :, 1] += osc
    clip.pose.hand_shift[clip.side, :, 2] += 0.5 * osc


def _cross_arms(clip: _Clip) -> None:
    # Each hand goes to the other arm's elbow region; one forearm lies in
    # front of the other.
    top = clip.side
    for side in (0, 1):
        depth = -0.20 if side == top else -0.15
        _reach(clip, side, 'neck', (-0.15, -0.24, depth))


def _small_wave(clip: _Clip) -> None:
    _reach(clip, clip.side, f'shoulder_{_SIDES[clip.side]}',
           (0.12, 0.10, -0.12))
    osc = _oscillation(clip, (2, 4)) * 0.05 * clip.scale * clip.amp
    clip.pose.hand_shift[clip.side, :, 0] += osc


def _hand_to_chest(clip: _Clip) -> None:
    _reach(clip, clip.side, 'neck', (-0.04, -0.14, -0.10))


def _rub_hands(clip: _Clip) -> None:
    for side in (0, 1):
        _reach(clip, side, 'spine', (0.035, 0.04, -0.27))
    osc = _oscillation(clip, (3, 5)) * 0.025 * clip.scale * clip.amp
    clip.pose.hand_shift[0, :, 1] += osc
    clip.pose.hand_shift[1, :, 1] -= osc


def _lean_forward(clip: _Clip) -> None:
    pitch = np.deg2rad(15) * clip.amp * _hold(clip.u, 0.3)
    clip.pose.torso_angles[:, 0] += pitch


_ACTIONS: Dict[str, Callable[[_Clip], None]] = {
    'head nod': _head_nod,
    'head shake': _head_shake,
    'head tilt': _head_tilt,
    'shrug': _shrug,
    'touch chin': _touch_chin,
    'touch nose': _touch_nose,
    'scratch head': _scratch_head,
    'cross arms': _cross_arms,
    'small wave': _small_wave,
    'hand to chest': _hand_to_chest,
    'rub hands': _rub_hands,
    'lean forward': _lean_forward,
}
#: Names of the demo classes; label ``i`` is ``DEMO_CLASSES[i]``.
DEMO_CLASSES: Tuple[str, ...] = tuple(_ACTIONS)


def _smooth_noise(rng: np.random.Generator, num_frames: int,
                  shape: Tuple[int, ...]) -> np.ndarray:
    """Slow random signal of about unit amplitude, ``[T, *shape]``.

    A sum of three sinusoids with random periods of 10 to 96 frames, so it
    drifts rather than jitters.
    """
    t = np.arange(num_frames)[:, None]
    out = np.zeros((num_frames, int(np.prod(shape))))
    for _ in range(3):
        freq = rng.uniform(1 / 96, 1 / 10, size=out.shape[1])
        phase = rng.uniform(0, 2 * np.pi, size=out.shape[1])
        # Each term has std 1/sqrt(3), so the sum has std 1.
        out += np.sin(2 * np.pi * freq * t + phase) * np.sqrt(2 / 3)
    return out.reshape((num_frames, ) + shape)


def _rotations(angles: np.ndarray) -> np.ndarray:
    """``[T, 3, 3]`` rotations from (pitch, yaw, roll) angles ``[T, 3]``.

    Pitch bends +y towards -z (forward), roll tilts +y towards +x, yaw turns
    about +y; applied as yaw @ pitch @ roll.
    """
    cp, sp = np.cos(angles[:, 0]), np.sin(angles[:, 0])
    cy, sy = np.cos(angles[:, 1]), np.sin(angles[:, 1])
    cr, sr = np.cos(angles[:, 2]), np.sin(angles[:, 2])
    one, zero = np.ones_like(cp), np.zeros_like(cp)
    pitch = np.stack([
        np.stack([one, zero, zero], -1),
        np.stack([zero, cp, sp], -1),
        np.stack([zero, -sp, cp], -1)
    ], -2)
    yaw = np.stack([
        np.stack([cy, zero, sy], -1),
        np.stack([zero, one, zero], -1),
        np.stack([-sy, zero, cy], -1)
    ], -2)
    roll = np.stack([
        np.stack([cr, sr, zero], -1),
        np.stack([-sr, cr, zero], -1),
        np.stack([zero, zero, one], -1)
    ], -2)
    return yaw @ pitch @ roll


def _two_bone_ik(root: np.ndarray, goal: np.ndarray, len1: float, len2: float,
                 pole: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Place a two-segment chain from ``root`` towards ``goal`` ([T, 3]).

    The middle joint bends towards ``pole`` (a direction). Goals out of
    reach are pulled onto the reachable shell. Returns (middle, end).
    """
    delta = goal - root
    dist = np.linalg.norm(delta, axis=-1, keepdims=True)
    axis = delta / np.maximum(dist, 1e-9)
    dist = np.clip(dist, abs(len1 - len2) + 1e-3, len1 + len2 - 1e-3)
    along = (len1**2 - len2**2 + dist**2) / (2 * dist)
    height = np.sqrt(np.maximum(len1**2 - along**2, 0))
    bend = pole - (pole * axis).sum(-1, keepdims=True) * axis
    bend /= np.maximum(np.linalg.norm(bend, axis=-1, keepdims=True), 1e-9)
    middle = root + along * axis + height * bend
    return middle, root + dist * axis


def _sample_body(rng: np.random.Generator,
                 difficulty: DemoDifficulty) -> Tuple[Dict[str, float], float]:
    scale = rng.uniform(*difficulty.scale_range)
    jitter = difficulty.proportion_jitter
    body = {
        k: v * scale * rng.uniform(1 - jitter, 1 + jitter)
        for k, v in _NOMINAL_BODY.items()
    }
    return body, scale


def _rest_hands(body: Dict[str, float], seated: bool) -> np.ndarray:
    """Resting hand positions ``[2, 3]`` in the body frame."""
    if seated:
        # On the thighs, in front of the hips.
        rest = [
            0.9 * body['shoulder_w'], 0.12 * body['thigh'],
            -0.6 * body['thigh']
        ]
    else:
        # Hanging beside the hips.
        arm = body['upper_arm'] + body['forearm'] + body['hand']
        rest = [
            body['shoulder_w'] + 0.04,
            body['torso'] - body['shoulder_drop'] - 0.95 * arm, -0.05
        ]
    return np.array([[s * rest[0], rest[1], rest[2]] for s in _SIGN])


def _legs(body: Dict[str, float], seated: bool) -> Dict[str, np.ndarray]:
    """Leg joint positions (static) in the body frame."""
    joints = {}
    for side, sign in zip(_SIDES, _SIGN):
        hip = np.array([sign * body['hip_w'], -body['hip_drop'], 0.0])
        if seated:  # thighs towards the camera, shanks down
            knee = hip + [sign * 0.02, -0.04, -body['thigh']]
            ankle = knee + [0.0, -body['shank'], 0.04]
        else:
            knee = hip + [sign * 0.01, -body['thigh'], -0.02]
            ankle = knee + [0.0, -body['shank'], 0.02]
        joints[f'knee_{side}'] = knee
        joints[f'ankle_{side}'] = ankle
        joints[f'foot_{side}'] = ankle + [0.0, -0.04, -body['foot']]
    return joints


def _pose_joints(pose: _Pose, body: Dict[str, float], seated: bool,
                 with_legs: bool) -> np.ndarray:
    """Forward kinematics: controls -> ``[T, 20, 3]`` in the body frame."""
    num_frames = len(pose.torso_angles)
    out = np.zeros((num_frames, KINECT_V1_20.num_joints, 3))

    def put(name: str, value: np.ndarray) -> None:
        out[:, _J[name]] = value

    # Trunk and head, rotated about the hip centre by the torso angles.
    torso_rot = _rotations(pose.torso_angles)
    head_rot = _rotations(pose.head_angles)
    neck = np.array([0.0, body['torso'], 0.0])
    head = neck + (
        head_rot @ [0.0, body['head'], -body['head_fwd']]) + pose.head_shift
    trunk = {
        'spine': np.broadcast_to([0.0, body['spine'], 0.0], head.shape),
        'neck': np.broadcast_to(neck, head.shape),
        'head': head,
    }
    for k, (side, sign) in enumerate(zip(_SIDES, _SIGN)):
        shoulder = np.zeros_like(head)
        shoulder[:] = [
            sign * body['shoulder_w'], body['torso'] - body['shoulder_drop'],
            0.0
        ]
        shoulder[:, 1] += pose.shoulder_lift[:, k]
        trunk[f'shoulder_{side}'] = shoulder
    for name, value in trunk.items():
        put(name, np.einsum('tij,tj->ti', torso_rot, value))
    for side, sign in zip(_SIDES, _SIGN):
        put(f'hip_{side}', [sign * body['hip_w'], -body['hip_drop'], 0.0])

    # Arms: inverse kinematics from the shoulder to the hand goal; the
    # forearm and hand form one straight segment.
    rest = _rest_hands(body, seated)
    for k, (side, sign) in enumerate(zip(_SIDES, _SIGN)):
        goal = np.broadcast_to(rest[k], (num_frames, 3))
        anchor = pose.reach_anchor[k]
        if anchor is not None:
            target = out[:, _J[anchor]] + pose.reach_offset[k]
            goal = goal + pose.reach_weight[k][:, None] * (target - goal)
        goal = goal + pose.hand_shift[k]
        shoulder = out[:, _J[f'shoulder_{side}']]
        lower = body['forearm'] + body['hand']
        # Elbows point outwards, down and back.
        pole = np.array([sign * 0.7, -1.0, 0.5])
        elbow, hand = _two_bone_ik(shoulder, goal, body['upper_arm'], lower,
                                   pole)
        put(f'elbow_{side}', elbow)
        put(f'wrist_{side}', elbow + (hand - elbow) * body['forearm'] / lower)
        put(f'hand_{side}', hand)

    if with_legs:
        for name, value in _legs(body, seated).items():
            put(name, value)
    return out


def generate_sequence(label: int,
                      rng: np.random.Generator,
                      difficulty: DemoDifficulty = DemoDifficulty(),
                      with_legs: bool = False) -> np.ndarray:
    """Generate one skeleton clip of a demo micro-action.

    Args:
        label (int): Class index into :data:`DEMO_CLASSES`.
        rng (np.random.Generator): Source of all randomness of the clip;
            the same generator state gives the same clip.
        difficulty (DemoDifficulty): Amount of per-clip variation.
            Defaults to ``DemoDifficulty()``.
        with_legs (bool): Also pose the legs (seated or standing). By
            default leg joints are zero, i.e. missing, as in Kinect's seated
            mode, so that a renderer's bounding box frames the upper body.

    Returns:
        np.ndarray: ``float32`` array ``[T, 20, 3]`` in the
        :data:`KINECT_V1_20` layout, Kinect-like camera space (metres, y up,
        z = distance from the camera), with ``T = round(base_frames /
        speed)``.
    """
    if not 0 <= label < len(DEMO_CLASSES):
        raise ValueError(f'label must be in [0, {len(DEMO_CLASSES)}), '
                         f'got {label}')
    d = difficulty
    num_frames = max(2,
                     int(round(d.base_frames / rng.uniform(*d.speed_range))))
    body, scale = _sample_body(rng, d)
    seated = bool(rng.random() < d.seated_prob)

    # Action progress: idle before a random onset and after a random end.
    start = rng.uniform(0, d.onset_jitter)
    end = 1 - rng.uniform(0, d.onset_jitter)
    time = np.linspace(0, 1, num_frames)
    u = np.clip((time - start) / (end - start), 0, 1)

    pose = _Pose(num_frames)
    idle = d.idle_strength
    pose.torso_angles += np.deg2rad([1.5, 2.0, 1.5]) * idle * _smooth_noise(
        rng, num_frames, (3, ))
    pose.head_angles += np.deg2rad(3.0) * idle * _smooth_noise(
        rng, num_frames, (3, ))
    pose.shoulder_lift += 0.005 * idle * _smooth_noise(rng, num_frames, (2, ))
    pose.hand_shift += 0.015 * idle * np.moveaxis(
        _smooth_noise(rng, num_frames, (2, 3)), 0, 1)

    side = 0 if rng.random() < d.dominant_side_prob else 1
    clip = _Clip(
        u=u,
        rng=rng,
        amp=rng.uniform(*d.amplitude_range),
        scale=scale,
        side=side,
        pose=pose)
    _ACTIONS[DEMO_CLASSES[label]](clip)

    joints = _pose_joints(pose, body, seated, with_legs)
    tracked = np.ones(KINECT_V1_20.num_joints, bool)
    if not with_legs:
        tracked[_LEGS] = False

    # Place the person in camera space: turn, then shift.
    yaw = np.deg2rad(rng.uniform(-d.body_yaw_range, d.body_yaw_range))
    turn = _rotations(np.array([[0.0, yaw, 0.0]]))[0]
    jitter = d.position_jitter * np.array([1.0, 0.5, 1.0])
    position = _BASE_POSITION + rng.uniform(-jitter, jitter)
    joints[:, tracked] = joints[:, tracked] @ turn.T + position
    joints[:, tracked] += rng.normal(
        0, d.noise_std, size=joints[:, tracked].shape)
    return joints.astype(np.float32)
