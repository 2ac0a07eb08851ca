from .config_keys import check_keys
from .distributed import gather_by_index
from .labels import gt_labels_of, is_labeled_mask

__all__ = ['check_keys', 'gather_by_index', 'gt_labels_of', 'is_labeled_mask']
