# Copyright (c) APLT authors. All rights reserved.
"""Readers that turn skeleton datasets on disk into :class:`SkeletonSequence`.

Every reader converts its file format to one convention, the one
:class:`~aplt_mm.skeleton.SkeletonRenderer` expects for 3-D input:

* ``joints`` is ``float32`` of shape ``[T, J, 3]`` in metres, camera-centred,
  x to the right in the sensor's image (as its pixel column grows), y up,
  z the distance from the camera (larger = farther);
* a missing joint is NaN in all coordinates, a frame without any tracked
  joint is all NaN (its time step is kept, so frame rate and timing are
  those of the recording).

2-D data (pose estimators) may instead be ``[T, J, 2]`` image coordinates
in pixels, x to the right and y down, which the renderer also accepts.

A reader lists the sequences of a dataset
(:meth:`SkeletonReader.list_sequences` gives light :class:`SequenceEntry`
records, so that worker processes can read the files themselves) and reads
one file (:meth:`SkeletonReader.load_joints`). Readers are registered by
format name in :data:`SKELETON_READERS`; :func:`build_reader` makes one.
Registered formats:

* ``msr_action3d``: MSR Action3D ``MSRAction3DSkeletonReal3D`` files.
* ``msr_action3d_screen``: the screen-coordinate variant
  ``MSRAction3DSkeleton(20joints)``, back-projected to metres.
* ``msr_action3d_pixels``: the same files as 2-D pixels of the 320 x 240
  image (what a 2-D pose estimator would give).
* ``numpy``: ``.npy`` arrays named, with labels, by a list file.

Adding a dataset means subclassing :class:`SkeletonReader`, implementing the
two methods and decorating the class with ``@register_reader('name')``.
Two examples of how that would look:

* NTU RGB+D ``.skeleton`` text files (not implemented: they need a 25-joint
  Kinect-v2 layout in :mod:`~aplt_mm.skeleton.layouts` and a rule for
  clips with two people). Line 1 holds the frame count; each frame holds a
  body count, then per body one line of 10 numbers (body id, flags, lean,
  tracking state), the joint count (25) and 25 lines of 12 numbers whose
  first three are x, y, z in metres (y up, z away from the camera; check
  the sign of x against the 4th value, the depth-image column, as was
  done for MSR Action3D). ``load_joints`` would walk these counts,
  keep the most active body (largest summed joint variance over time),
  give frames without bodies NaN, and ``list_sequences`` would parse
  ``SsssCcccPpppRrrrAaaa.skeleton`` into label ``aaa - 1`` and subject
  ``ppp`` (the NTU cross-subject protocol lists its training subjects, so
  pass them as ``train_subjects`` to the converter).
* UTD-MHAD ``aN_sM_tK_skeleton.mat`` files (not implemented: no copy of
  the data was at hand to check it). ``scipy.io.loadmat(path)['d_skel']`` is a
  ``20 x 3 x T`` array of Kinect-v1 joints in the SDK's order (head,
  shoulder centre, spine, hip centre, left arm, right arm, left leg, right
  leg). ``load_joints`` would be
  ``d_skel.transpose(2, 0, 1)[:, UTD_TO_KINECT_V1_20]`` with
  ``UTD_TO_KINECT_V1_20 = [4, 8, 1, 2, 12, 16, 3, 5, 9, 6, 10, 7, 11, 13,
  17, 14, 18, 15, 19, 0]`` (the MSR order of
  :data:`~aplt_mm.skeleton.KINECT_V1_20`, left side as side ``a``), after
  checking the axes on the data as was done for MSR Action3D;
  ``list_sequences`` would parse label ``N - 1`` and subject ``M`` from
  the name.
"""
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple, Type, Union

import numpy as np

from .layouts import KINECT_V1_20, SkeletonLayout

PathLike = Union[str, os.PathLike]


class SkeletonFileError(ValueError):
    """A skeleton file or list cannot be parsed; the message names it."""


@dataclass(frozen=True)
class SkeletonSequence:
    """One recorded skeleton sequence in the convention of this module.

    Args:
        joints (np.ndarray): ``float32`` array ``[T, J, 3]`` (metres, x
            right, y up, z = distance from the camera) or ``[T, J, 2]``
            (image pixels, y down), ``T >= 1``; NaN marks missing joints.
        label (int): 0-based class label.
        subject (int, optional): Performer id, used by cross-subject splits;
            ``None`` when the dataset does not record it.
        name (str): Unique file-name-safe id of the sequence, e.g.
            ``'a01_s01_e01'``.
    """

    joints: np.ndarray
    label: int
    subject: Optional[int]
    name: str

    def __post_init__(self) -> None:
        joints = self.joints
        if (not isinstance(joints, np.ndarray) or joints.dtype != np.float32
                or joints.ndim != 3 or joints.shape[2] not in (2, 3)
                or joints.shape[0] == 0):
            raise ValueError(
                f'{self.name}: joints must be a float32 array of shape '
                f'[T>=1, J, 2 or 3], got '
                f'{getattr(joints, "dtype", type(joints))} '
                f'{getattr(joints, "shape", "")}')

    @property
    def present_joints(self) -> np.ndarray:
        """np.ndarray: ``bool [T, J]``, joints with finite coordinates."""
        return np.isfinite(self.joints).all(-1)

    @property
    def valid_frames(self) -> np.ndarray:
        """np.ndarray: ``bool [T]``, frames with at least one valid joint."""
        return self.present_joints.any(-1)


@dataclass(frozen=True)
class SequenceEntry:
    """A sequence of a dataset before its joints are read.

    Args:
        path (str): File holding the joints.
        name (str): Unique file-name-safe id, see :class:`SkeletonSequence`.
        label (int): 0-based class label.
        subject (int, optional): Performer id, or ``None``.
    """

    path: str
    name: str
    label: int
    subject: Optional[int]


class SkeletonReader:
    """Base class of dataset readers; see the module docstring.

    Subclasses implement :meth:`list_sequences` and :meth:`load_joints`.
    Readers are passed to worker processes, so they must stay picklable
    (plain attributes only).

    Attributes:
        image_shape (tuple[int, int], optional): ``(h, w)`` of the images
            that 2-D joints are pixels of, where the format fixes it.

    Args:
        layout (SkeletonLayout): Joint layout of the data.
            Defaults to :data:`KINECT_V1_20`.
    """

    image_shape: Optional[Tuple[int, int]] = None

    def __init__(self, layout: SkeletonLayout = KINECT_V1_20) -> None:
        self.layout = layout

    def list_sequences(self, src: PathLike) -> List[SequenceEntry]:
        """List the dataset's sequences, sorted by name.

        Args:
            src (str | os.PathLike): Dataset root directory.

        Returns:
            list[SequenceEntry]: One entry per sequence file.
        """
        raise NotImplementedError

    def load_joints(self, path: PathLike) -> np.ndarray:
        """Read one file into the module's coordinate convention.

        Args:
            path (str | os.PathLike): A file listed by
                :meth:`list_sequences`.

        Returns:
            np.ndarray: ``float32 [T, J, 3]`` (or ``[T, J, 2]``), NaN for
            missing joints.

        Raises:
            SkeletonFileError: If the file is malformed.
        """
        raise NotImplementedError

    def read(self, entry: SequenceEntry) -> SkeletonSequence:
        """Read the sequence described by ``entry``.

        Args:
            entry (SequenceEntry): An entry from :meth:`list_sequences`.

        Returns:
            SkeletonSequence: Its joints, label, subject and name.
        """
        return SkeletonSequence(
            self.load_joints(entry.path), entry.label, entry.subject,
            entry.name)

    def class_names(self, src: PathLike) -> List[str]:
        """Read ``src/classes.txt``: line ``i`` names label ``i``.

        Args:
            src (str | os.PathLike): Dataset root directory.

        Returns:
            list[str]: The class names.

        Raises:
            SkeletonFileError: If the file is missing or empty.
        """
        path = osp.join(os.fspath(src), 'classes.txt')
        if not osp.isfile(path):
            raise SkeletonFileError(f'{path}: class-name file not found')
        with open(path) as f:
            names = [line.strip() for line in f if line.strip()]
        if not names:
            raise SkeletonFileError(f'{path}: no class names')
        return names


#: Reader classes by format name; filled by :func:`register_reader`.
SKELETON_READERS: Dict[str, Type[SkeletonReader]] = {}


def register_reader(
        name: str) -> Callable[[Type[SkeletonReader]], Type[SkeletonReader]]:
    """Class decorator adding a reader to :data:`SKELETON_READERS`.

    Args:
        name (str): Format name, as given to ``--format`` of
            ``tools/data/skeleton_to_videos.py``.

    Returns:
        Callable: The decorator; it returns the class unchanged.
    """

    def add(cls: Type[SkeletonReader]) -> Type[SkeletonReader]:
        if name in SKELETON_READERS:
            raise KeyError(f'skeleton format {name!r} is already registered')
        SKELETON_READERS[name] = cls
        return cls

    return add


def build_reader(name: str, **kwargs) -> SkeletonReader:
    """Instantiate the reader registered as ``name``.

    Args:
        name (str): Format name, a key of :data:`SKELETON_READERS`.
        **kwargs: Passed to the reader's constructor.

    Returns:
        SkeletonReader: The reader.

    Raises:
        KeyError: If no reader has that name.
    """
    if name not in SKELETON_READERS:
        raise KeyError(f'unknown skeleton format {name!r}; registered: '
                       f'{", ".join(sorted(SKELETON_READERS))}')
    return SKELETON_READERS[name](**kwargs)


def load_frame_table(path: PathLike, num_joints: int,
                     num_columns: int) -> np.ndarray:
    """Read a text file of ``num_columns`` numbers per joint line.

    Blank lines are skipped.

    Args:
        path (str | os.PathLike): The file.
        num_joints (int): Joint lines per frame.
        num_columns (int): Numbers per line.

    Returns:
        np.ndarray: ``float64 [T, num_joints, num_columns]``.

    Raises:
        SkeletonFileError: Naming the file (and the 1-based line), if it is
            not text, is empty, holds a non-numeric value, a line with
            another number of values, or a line count that is not a
            multiple of ``num_joints``.
    """
    path = os.fspath(path)
    rows = []
    try:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) != num_columns:
                    raise SkeletonFileError(
                        f'{path}:{lineno}: expected {num_columns} values '
                        f'per line, got {len(fields)}: {line.strip()!r}')
                try:
                    rows.append([float(x) for x in fields])
                except ValueError:
                    raise SkeletonFileError(
                        f'{path}:{lineno}: non-numeric value in '
                        f'{line.strip()!r}') from None
    except UnicodeDecodeError as err:
        raise SkeletonFileError(f'{path}: not a text file ({err})') from None
    if not rows:
        raise SkeletonFileError(f'{path}: no joint lines')
    if len(rows) % num_joints:
        raise SkeletonFileError(
            f'{path}: {len(rows)} joint lines is not a multiple of '
            f'{num_joints} joints per frame')
    return np.array(rows).reshape(-1, num_joints, num_columns)


# aXX_sYY_eZZ: action XX (1-based), subject YY, repetition ZZ.
_MSR_NAME_RE = re.compile(r'a(\d+)_s(\d+)_e(\d+)')


def _parse_msr_name(path: str) -> Tuple[str, int, int]:
    """Return ``(name, label, subject)`` of an MSR Action3D file path."""
    match = _MSR_NAME_RE.match(osp.basename(path))
    if match is None:
        raise SkeletonFileError(
            f'{path}: file name does not start with aXX_sYY_eZZ')
    return match.group(0), int(match.group(1)) - 1, int(match.group(2))


class _MSRAction3DBase(SkeletonReader):
    """Lists ``src/<folder>/aXX_sYY_eZZ<suffix>`` files of MSR Action3D."""

    folder = ''
    suffix = ''

    def list_sequences(self, src: PathLike) -> List[SequenceEntry]:
        """List the dataset's sequences, sorted by name.

        Args:
            src (str | os.PathLike): MSR Action3D root, the directory holding
                ``classes.txt`` and the skeleton folders.

        Returns:
            list[SequenceEntry]: label ``XX - 1`` and subject ``YY`` of
            every ``aXX_sYY_eZZ`` file.

        Raises:
            SkeletonFileError: If the folder is missing or empty, or a
                file name does not follow the pattern.
        """
        folder = osp.join(os.fspath(src), self.folder)
        if not osp.isdir(folder):
            raise SkeletonFileError(f'{folder}: directory not found')
        entries = []
        for file in sorted(os.listdir(folder)):
            if file.endswith(self.suffix):
                path = osp.join(folder, file)
                name, label, subject = _parse_msr_name(path)
                entries.append(SequenceEntry(path, name, label, subject))
        if not entries:
            raise SkeletonFileError(f'{folder}: no *{self.suffix} files')
        return entries


@register_reader('msr_action3d')
class MSRAction3DReader(_MSRAction3DBase):
    """MSR Action3D ``MSRAction3DSkeletonReal3D/aXX_sYY_eZZ_skeleton3D.txt``.

    Each line holds ``x y z confidence`` of one joint, 20 lines per frame,
    in :data:`KINECT_V1_20` order. The files already use this module's
    convention (checked on all 567 files: the head is at least 1.2 m above
    the ankles, z is 1.4-3.9 m, and x grows with the screen variant's
    column ``u``), so only missing joints change: a joint whose x, y and z are
    all exactly 0 (whole frames where tracking was lost, e.g. while bending)
    becomes NaN. The confidence column is dropped.
    """

    folder = 'MSRAction3DSkeletonReal3D'
    suffix = '_skeleton3D.txt'

    def load_joints(self, path: PathLike) -> np.ndarray:
        """See :meth:`SkeletonReader.load_joints`."""
        xyz = load_frame_table(path, self.layout.num_joints, 4)[..., :3]
        xyz[(xyz == 0).all(-1)] = np.nan
        return xyz.astype(np.float32)


#: Pinhole model of the screen variant (a 320 x 240 depth image): u = cx +
#: f x / z, v = cy - f y / z, depth = z / depth unit. Fitted by least
#: squares on all 447k joints present in both variants; the residual, 0.29
#: px RMS, is that of rounding u, v to integers (1 / sqrt(12)).
MSR_SCREEN_FOCAL = 285.63
MSR_SCREEN_CENTRE = (160.0, 120.0)
MSR_SCREEN_DEPTH_UNIT = 0.004  # metres per depth step (millimetres / 4)

# Joints above the image were stored as an overflowed integer (v =
# 2147480000 in 20 files); anything this large is treated as missing.
_MSR_SCREEN_OVERFLOW = 1e9


@register_reader('msr_action3d_screen')
class MSRAction3DScreenReader(_MSRAction3DBase):
    """MSR Action3D ``MSRAction3DSkeleton(20joints)/aXX_sYY_eZZ_skeleton.txt``.

    Each line holds ``u v depth tracked``: pixel column and row in a 320 x
    240 image, depth in 4 mm steps, and a tracking weight. The joints are
    back-projected with :data:`MSR_SCREEN_FOCAL` and
    :data:`MSR_SCREEN_CENTRE` into metres (y up, z away from the camera),
    matching :class:`MSRAction3DReader` up to the pixel rounding. Joints
    with ``u = v = depth = 0``, a non-positive depth or an overflowed
    coordinate (hands above the image) become NaN. A few files have more
    frames than their Real3D twin; all frames are kept.
    """

    folder = 'MSRAction3DSkeleton(20joints)'
    suffix = '_skeleton.txt'

    image_shape = (240, 320)

    def load_uvd(self, path: PathLike) -> Tuple[np.ndarray, np.ndarray]:
        """``u, v, depth`` ``[T, J, 3]`` of a file and its missing joints
        ``bool [T, J]``."""
        uvd = load_frame_table(path, self.layout.num_joints, 4)[..., :3]
        missing = ((uvd == 0).all(-1) | (uvd[..., 2] <= 0)
                   | (np.abs(uvd) >= _MSR_SCREEN_OVERFLOW).any(-1))
        return uvd, missing

    def load_joints(self, path: PathLike) -> np.ndarray:
        """See :meth:`SkeletonReader.load_joints`."""
        uvd, missing = self.load_uvd(path)
        z = uvd[..., 2] * MSR_SCREEN_DEPTH_UNIT
        cx, cy = MSR_SCREEN_CENTRE
        xyz = np.stack([(uvd[..., 0] - cx) * z / MSR_SCREEN_FOCAL,
                        (cy - uvd[..., 1]) * z / MSR_SCREEN_FOCAL, z], -1)
        xyz[missing] = np.nan
        return xyz.astype(np.float32)


@register_reader('msr_action3d_pixels')
class MSRAction3DPixelReader(MSRAction3DScreenReader):
    """The files of :class:`MSRAction3DScreenReader` as 2-D joints: ``u,
    v`` pixels of the 320 x 240 image (y down), depth dropped, the same
    joints missing. A 2-D benchmark from real recordings, in the form a
    pose estimator gives (MA-52, iMiGUE)."""

    def load_joints(self, path: PathLike) -> np.ndarray:
        """See :meth:`SkeletonReader.load_joints`."""
        uvd, missing = self.load_uvd(path)
        uv = uvd[..., :2].astype(np.float32)
        uv[missing] = np.nan
        return uv


@register_reader('numpy')
class NumpyReader(SkeletonReader):
    """``.npy`` arrays listed, with labels, in ``src/<list_file>``.

    Each line of the list is ``relative/path.npy label [subject]`` (paths
    relative to ``src``, 0-based labels, optional integer subject ids;
    blank lines and ``#`` comments are skipped). Each array is ``[T, J, 3]``
    in this module's 3-D convention or ``[T, J, 2]`` image pixels (y down),
    with ``J = layout.num_joints``; NaN or all-zero joints count as
    missing. The sequence name is the file name without ``.npy`` and must
    be unique.

    Args:
        list_file (str): List file name, relative to ``src``.
            Defaults to ``'list.txt'``.
        layout (SkeletonLayout): Joint layout of the arrays.
            Defaults to :data:`KINECT_V1_20`.
    """

    def __init__(self,
                 list_file: str = 'list.txt',
                 layout: SkeletonLayout = KINECT_V1_20) -> None:
        super().__init__(layout)
        self.list_file = list_file

    def list_sequences(self, src: PathLike) -> List[SequenceEntry]:
        """List the sequences of ``src/<list_file>``, sorted by name.

        Args:
            src (str | os.PathLike): Directory holding the list file,
                ``classes.txt`` and the arrays.

        Returns:
            list[SequenceEntry]: One entry per list line.

        Raises:
            SkeletonFileError: Naming the list file and line, for a missing
                list, a line without a label, a non-integer label or
                subject, too many columns, or a repeated name.
        """
        src = os.fspath(src)
        list_path = osp.join(src, self.list_file)
        if not osp.isfile(list_path):
            raise SkeletonFileError(f'{list_path}: list file not found')
        entries: Dict[str, SequenceEntry] = {}
        with open(list_path) as f:
            for lineno, line in enumerate(f, 1):
                fields = line.split()
                if not fields or fields[0].startswith('#'):
                    continue
                where = f'{list_path}:{lineno}: {line.strip()!r}'
                if not 2 <= len(fields) <= 3:
                    raise SkeletonFileError(
                        f'{where}: expected "path label [subject]"')
                try:
                    numbers = [int(x) for x in fields[1:]]
                except ValueError:
                    raise SkeletonFileError(
                        f'{where}: label and subject must be integers'
                    ) from None
                name = osp.splitext(osp.basename(fields[0]))[0]
                if name in entries:
                    raise SkeletonFileError(
                        f'{where}: sequence name {name!r} is not unique')
                subject = numbers[1] if len(numbers) == 2 else None
                entries[name] = SequenceEntry(
                    osp.join(src, fields[0]), name, numbers[0], subject)
        if not entries:
            raise SkeletonFileError(f'{list_path}: no sequences')
        return [entries[name] for name in sorted(entries)]

    def load_joints(self, path: PathLike) -> np.ndarray:
        """See :meth:`SkeletonReader.load_joints`."""
        path = os.fspath(path)
        try:
            joints = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as err:
            raise SkeletonFileError(f'{path}: {err}') from None
        num_joints = self.layout.num_joints
        if not isinstance(joints, np.ndarray):  # e.g. an .npz archive
            raise SkeletonFileError(f'{path}: not a single .npy array')
        if (joints.ndim != 3 or joints.shape[0] == 0
                or joints.shape[1] != num_joints
                or joints.shape[2] not in (2, 3)
                or not np.issubdtype(joints.dtype, np.number)):
            raise SkeletonFileError(
                f'{path}: expected a numeric array of shape [T>=1, '
                f'{num_joints}, 2 or 3], got {joints.dtype} {joints.shape}')
        joints = joints.astype(np.float32)
        joints[(joints == 0).all(-1)] = np.nan
        return joints
