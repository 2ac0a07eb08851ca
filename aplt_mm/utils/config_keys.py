"""Reject misspelled option names instead of silently ignoring them."""
import difflib
from typing import Iterable, Mapping, Optional


def check_keys(cfg: Optional[Mapping], allowed: Iterable[str],
               where: str) -> dict:
    """Return ``cfg`` as a dict, or raise ``KeyError`` on an unknown key.

    Args:
        cfg: The user's options (may be None).
        allowed: Valid option names.
        where: Name of the option group for the message, e.g.
            ``'model.semi_train_cfg'``.
    """
    cfg = dict(cfg or {})
    allowed = sorted(allowed)
    for key in cfg:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ''
            raise KeyError(f"Unknown option '{key}' in {where}.{hint} "
                           f'Valid options: {", ".join(allowed)}.')
    return cfg
