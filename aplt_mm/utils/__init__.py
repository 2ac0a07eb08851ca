from .config_keys import check_keys
from .labels import gt_labels_of, is_labeled_mask

__all__ = ['check_keys', 'gt_labels_of', 'is_labeled_mask']
