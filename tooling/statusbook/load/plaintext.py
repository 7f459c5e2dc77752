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

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import markdown

    from statusbook.htmlscan import Elements

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


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # The page's inline Markdown; building an instance costs more than converting a title.
    # Imported here: most titles hold none of the characters Markdown needs, and
    # `statusbook validate` should answer without loading a renderer.
    import markdown

    return markdown.Markdown()


def _parsed(text: str) -> Elements:
    from statusbook.htmlscan import Elements  # only a text with a '<' gets here

    parser = Elements()
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
        from html.entities import html5  # the list of names: only a text with '&…;' needs it

        name = match.group(1)
        if name.startswith("#") or f"{name};" in html5:
            found.append(f"the character reference {match.group()}")
    if any(char in text for char in "[]*_`"):
        import html  # with the Markdown renderer: only a text with its characters needs them

        escaped = html.escape(text, quote=False)
        converter = _converter()
        converter.reset()
        rendered = _parsed(converter.convert(escaped))
        found += [_MARKDOWN_ELEMENTS[tag] for tag in rendered.tags if tag in _MARKDOWN_ELEMENTS]
    return list(dict.fromkeys(found))
