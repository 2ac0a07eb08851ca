from .buffers import take_stored_shape
from .config_keys import check_keys
from .distributed import all_gather_rows, all_reduce_sum, gather_by_index
from .labels import gt_labels_of, is_labeled_mask

__all__ = [
    'all_gather_rows', 'all_reduce_sum', 'check_keys', 'gather_by_index',
    'gt_labels_of', 'is_labeled_mask', 'take_stored_shape'
]
