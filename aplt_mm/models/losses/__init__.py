from .fixmatch_loss import fixmatch_loss
from .margin_loss import margin_loss
from .masked_cross_entropy import masked_cross_entropy

__all__ = ['fixmatch_loss', 'margin_loss', 'masked_cross_entropy']
