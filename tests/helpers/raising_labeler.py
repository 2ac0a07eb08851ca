"""Test helper: an offline labeler that fails (to test error propagation)."""
from mmaction.registry import TASK_UTILS


@TASK_UTILS.register_module()
class RaisingLabeler:
    """Raises ``ValueError`` when a phase asks it to label."""

    num_augmented_copies = 0
    builds_prototypes = False

    def __init__(self, **options):
        # Takes (and ignores) the base config's ClusteringLabeler options.
        self.options = options

    def __call__(self, feats, num_classes):
        raise ValueError('labeling failed on purpose')
