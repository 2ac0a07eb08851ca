from .fixmatch_loss import fixmatch_loss
from .margin_loss import margin_loss

__all__ = ['fixmatch_loss', 'margin_loss']
