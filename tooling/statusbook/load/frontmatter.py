"""The one place that cuts a record's text into front matter and body.

The reader (:mod:`statusbook.load.records`) and the editor (:mod:`statusbook.edit`) both
need the cut, and they must agree on it to the byte: the editor rewrites only the front
matter and joins the three pieces back, so everything outside it survives unchanged.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_OPENING_LINE = re.compile(r"---[ \t]*\r?\n")
_CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_BOM = "\ufeff"


class FrontMatterError(ValueError):
    """The text has no front matter between ``---`` lines; ``opened`` if it was never closed."""

    def __init__(self, message: str, *, opened: bool) -> None:
        super().__init__(message)
        self.opened = opened


class FrontMatter(NamedTuple):
    """A record's text in three pieces that join back to it exactly."""

    #: A byte-order mark, if any, and the opening ``---`` line.
    opening: str
    #: The YAML between the two lines.
    yaml: str
    #: The closing line (``---`` or ``...``) and everything after it.
    rest: str

    @property
    def text(self) -> str:
        return self.opening + self.yaml + self.rest

    @property
    def body(self) -> str:
        """The Markdown after the closing line."""
        _closing, _newline, body = self.rest.partition("\n")
        return body

    @property
    def body_line(self) -> int:
        """The 1-based line where the body begins."""
        return (self.opening + self.yaml).count("\n") + 2

    def replace_yaml(self, yaml: str) -> str:
        """The whole text with the front matter replaced and every other byte kept."""
        return self.opening + yaml + self.rest


def split_front_matter(text: str) -> FrontMatter:
    """Cut ``text``; raises :class:`FrontMatterError` when it has no closed front matter."""
    bom = _BOM if text.startswith(_BOM) else ""
    content = text[len(bom) :]
    opening = _OPENING_LINE.match(content)
    if opening is None:
        raise FrontMatterError("the record has no front matter", opened=False)
    closing = _CLOSING_LINE.search(content, opening.end())
    if closing is None:
        raise FrontMatterError("the front matter is never closed", opened=True)
    return FrontMatter(
        bom + content[: opening.end()],
        content[opening.end() : closing.start()],
        content[closing.start() :],
    )
