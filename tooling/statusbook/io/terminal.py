"""Progress for long work, shown only to a person watching a terminal.

Importing thousands of records or building a long history takes a while; a bar on the
terminal says it is moving. In CI (``CI`` set, as GitHub Actions and most runners do), in
a log or a pipe, or on a dumb terminal nothing is drawn, so logs stay clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

T = TypeVar("T")


def shows_progress() -> bool:
    """Whether stderr is a person's terminal rather than CI, a log or a pipe."""
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM", "") != "dumb"


def progress(items: Iterable[T], label: str, length: int | None = None) -> Iterator[T]:
    """``items`` as they are, with a bar on the terminal while they are worked through."""
    if not shows_progress():
        yield from items
        return
    with click.progressbar(items, length=length, label=label, file=sys.stderr) as bar:
        yield from bar


class Counter:
    """A bar advanced one step at a time by a caller that is called back (MkDocs' hooks)."""

    def __init__(self, length: int, label: str) -> None:
        self._bar = None
        if shows_progress() and length:
            self._bar = click.progressbar(length=length, label=label, file=sys.stderr)
            self._bar.__enter__()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
