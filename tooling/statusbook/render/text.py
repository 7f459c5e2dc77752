"""Record text → safe HTML (for pages and feeds) and plain text (for the API, calendars, chat).

Markdown is rendered, then cleaned by :func:`statusbook.markup.sanitize`; plain text is made
from that cleaned HTML, so whatever the page drops (script, event handlers,
``javascript:`` links) never reaches a program's reader either.

Plain text is text, not markup. Decoding the page's HTML turns ``&lt;script&gt;`` — which
the page shows as the visible words — back into ``<script>``, and programs put the API's
``body`` and webhook text into HTML as they find it (the JSON's ``\u003c`` is ``<`` again
once parsed). So markup that appears only after decoding is removed just as the page's
sanitiser removes markup written raw (:func:`without_markup`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

from statusbook.markup import sanitize

_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "admonition"]


class SafeHTML(str):
    """Sanitised HTML: templates that escape by default print it as it is (``__html__``)."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs more than converting a short message; reuse one.
    return markdown.Markdown(extensions=_EXTENSIONS, output_format="html")


#: Text made only of these characters, with no line starting with a digit, and no hard
#: line breaks, is plain prose to Markdown: it becomes paragraphs and nothing else.
_PLAIN = re.compile(r"[^\W\d_][\w ,.;:'\"()?%$@/\-]*(?:\n(?:[^\W\d_][\w ,.;:'\"()?%$@/\-]*)?)*")
_PARAGRAPHS = re.compile(r"\n(?:\n)+")


def plain_paragraphs(text: str) -> list[str] | None:
    """The paragraphs of ``text`` when it is plain prose to Markdown (most messages are)."""
    body = text.strip("\n")
    if not _PLAIN.fullmatch(body) or " \n" in body or "--" in body or body.endswith(" "):
        return None
    return _PARAGRAPHS.split(body)


def _plain_paragraphs(text: str) -> str | None:
    """Markdown's output for plain prose, without running Markdown."""
    paragraphs = plain_paragraphs(text)
    if paragraphs is None:
        return None
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> SafeHTML:
    """A record's Markdown as safe HTML (cached: feeds and pages render the same text)."""
    plain = _plain_paragraphs(text)
    if plain is not None:
        return SafeHTML(plain)
    converter = _converter()
    converter.reset()
    return SafeHTML(sanitize(converter.convert(text)))


_BLOCKS = {"p", "div", "pre", "blockquote", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"}
_LINES = {"li", "tr", "br"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag in _LINES:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "pre":
            self.pre += 1
        if tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.parts[start:]).strip()
            if href and href != shown and href != f"mailto:{shown}":
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        # Line breaks inside a paragraph are Markdown's soft wraps: spaces, except in code.
        self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


@lru_cache(maxsize=65536)
def plain_text(markdown_text: str) -> str:
    """Record Markdown as plain text, via the sanitised HTML (links kept as ``text (url)``);
    cached, as the API and the calendars carry the same messages."""
    paragraphs = plain_paragraphs(markdown_text)
    if paragraphs is not None:  # plain prose: no HTML round trip needed
        return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)
    return text_of_html(render_markdown(markdown_text))


def text_of_html(html_text: str) -> str:
    """Sanitised HTML as plain text: paragraphs, list items and ``text (url)`` links."""
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    text = without_markup("".join(parser.parts))
    lines = [line.strip() if line.strip() else "" for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


#: Removing one tag can join two halves into another (``<</b>b>``); a few passes undo any
#: nesting a record could carry, and the last resort leaves no ``<`` that could open a tag.
_MARKUP_PASSES = 8


def without_markup(text: str) -> str:
    """``text`` with whatever an HTML parser would read as markup taken out.

    Tags, comments and unfinished tags go; script and style lose their content, as the
    page's sanitiser does; every other character stays, ``<`` in ``a < b`` included. The
    parser is the sanitiser's own (ammonia's html5ever, a browser's tokenizer), asked to
    keep no tag at all; ``&`` is escaped first so that text like ``&lt;`` stays text.
    """
    for _ in range(_MARKUP_PASSES):
        if "<" not in text:
            return text
        cleaned = html.unescape(nh3.clean(text.replace("&", "&amp;"), tags=set()))
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "")
