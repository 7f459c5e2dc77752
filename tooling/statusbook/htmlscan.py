"""The HTML parsers behind the markup checks, in a module of their own.

:func:`statusbook.markup.unsafe_markup` and :func:`statusbook.load.plaintext.markup_in_plain_text`
run on every text of every record, but almost no text holds a ``<``: both look for one
first and import this module only then. :mod:`html.parser` compiles a dozen regular
expressions at import, which ``list``, ``show`` and ``validate`` would otherwise pay on
every start. The policies (which tags are dangerous, which URL schemes allowed) stay with
the checks; the parsers only collect what they are told to look for.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html.parser import HTMLParser

#: Attributes whose value is an address a browser follows.
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class UnsafeFinder(HTMLParser):
    """Elements and attributes that could run script or reach a third party, described."""

    def __init__(self, dangerous_tags: Collection[str], url_schemes: Collection[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.dangerous_tags = dangerous_tags
        self.url_schemes = url_schemes
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.dangerous_tags:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"'{name}' event-handler attribute on <{tag}>")
            elif name in _URL_ATTRIBUTES and value:
                scheme = re.match(r"\s*([a-z][a-z0-9+.-]*)\s*:", value, re.IGNORECASE)
                if scheme and scheme.group(1).lower() not in self.url_schemes:
                    self.found.append(f"{scheme.group(1).lower()}: URL in '{name}' on <{tag}>")


class Elements(HTMLParser):
    """Every tag, opening or closing, and the other HTML constructs (comments, declarations,
    processing instructions), described."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.other.append("an HTML comment <!-- … -->")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"an HTML declaration <!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"an HTML declaration <![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"an HTML processing instruction <?{data}>")
