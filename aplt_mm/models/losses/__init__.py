from .fixmatch_loss import fixmatch_loss

__all__ = ['fixmatch_loss']
