"""NumPy 2 support for MMAction2 1.1.0's PoseC3D transforms.

``PoseCompact`` (mmaction/datasets/transforms/pose_transforms.py, also
inside ``MMCompact``) reads ``np.Inf``, an alias NumPy 2.0 removed, so
every heatmap pipeline fails with an AttributeError. MMAction2 1.1.0 is
the last release; restoring that one alias (to the same value) is the
smallest fix that leaves the upstream transform in use.
"""
import numpy as np

if not hasattr(np, 'Inf'):
    np.Inf = np.inf
