from .multi_view import MultiView

__all__ = ['MultiView']
