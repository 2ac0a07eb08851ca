"""What the command-line analysis tools share: the parser, the common
options, class names, and one-line error exits."""
import argparse
import contextlib
import sys
from typing import Iterator, List, Optional

from .metrics import check_class_names, load_class_map


def tool_parser(doc: str) -> argparse.ArgumentParser:
    """A parser whose help is the tool's docstring (summary, then the
    example as the epilog)."""
    summary, _, rest = doc.strip().partition('\n')
    return argparse.ArgumentParser(
        description=summary,
        epilog=rest.strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter)


def add_classes(parser: argparse.ArgumentParser) -> None:
    """``--classes``: the class file of :func:`class_names`."""
    parser.add_argument(
        '--classes',
        help='class names: one per line, or build_subset.py\'s "<id> '
        '<original id> <name>" lines (default: class ids)')


def add_out(parser: argparse.ArgumentParser) -> None:
    """``--out``: the PNG a tool writes (required)."""
    parser.add_argument('--out', required=True, help='output PNG')


def class_names(path: Optional[str], num_classes: int) -> List[str]:
    """Names of ``num_classes`` classes from ``path``, else their ids.

    Raises:
        ValueError: If the file names another number of classes.
    """
    if not path:
        return [str(c) for c in range(num_classes)]
    names = load_class_map(path)
    check_class_names(names, num_classes, path)
    return names


@contextlib.contextmanager
def exit_on_error(tool: str) -> Iterator[None]:
    """Turn a bad file or value into one ``<tool>: error: ...`` line and
    exit status 1, without a traceback."""
    try:
        yield
    except (FileNotFoundError, ValueError) as e:
        sys.exit(f'{tool}: error: {e}')
