"""What in a plain-text field would read as markup somewhere (SB602).

A record's title is text everywhere: the page escapes it, feeds and calendars carry it as
text, and the chat messages escape it for Slack's mrkdwn and for Markdown. So a title
written as ``[Status](https://…)``, ``<b>Outage</b>``, ``R&amp;D`` or ``**Down**`` shows its
brackets, tags and entities literally on the page — and, in a chat app or a program that
does not escape it, could become a link whose words hide its address. The validator warns
before that happens; the renderers never depend on the warning.

Markdown is recognised by rendering the text with the same Markdown library the page
uses (after escaping ``<`` and ``&``, so raw HTML is judged on its own) and looking at the
elements that come out; HTML by Python's HTML parser; character references against the
HTML5 list of names.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.entities import html5
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import markdown

#: Inline Markdown a chat app would render from a title, by the element it makes.
_MARKDOWN_ELEMENTS = {
    "a": "a Markdown link [text](url)",
    "img": "a Markdown image ![text](url)",
    "strong": "Markdown emphasis (**…** or __…__)",
    "em": "Markdown emphasis (*…* or _…_)",
    "code": "a Markdown code span (`…`)",
}
#: ``&name;``, ``&#60;`` or ``&#x3c;`` (names are checked against the HTML5 list).
_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


class _Elements(HTMLParser):
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


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # The page's inline Markdown; building an instance costs more than converting a title.
    # Imported here: most titles hold none of the characters Markdown needs, and
    # `statusbook validate` should answer without loading a renderer.
    import markdown

    return markdown.Markdown()


def _parsed(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser


def markup_in_plain_text(text: str) -> list[str]:
    """What in ``text`` is HTML, a character reference or inline Markdown, described for a
    warning; empty for plain text (``A & B``, ``latency < 200 ms`` and ``rate_limit`` are)."""
    found: list[str] = []
    if "<" in text:
        parsed = _parsed(text)
        for tag in parsed.tags:
            found.append("an autolink <…>" if ":" in tag else f"the HTML tag <{tag}>")
        found += parsed.other
    for match in _REFERENCE.finditer(text):
        name = match.group(1)
        if name.startswith("#") or f"{name};" in html5:
            found.append(f"the character reference {match.group()}")
    if any(char in text for char in "[]*_`"):
        escaped = html.escape(text, quote=False)
        converter = _converter()
        converter.reset()
        rendered = _parsed(converter.convert(escaped))
        found += [_MARKDOWN_ELEMENTS[tag] for tag in rendered.tags if tag in _MARKDOWN_ELEMENTS]
    return list(dict.fromkeys(found))
