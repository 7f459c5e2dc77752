"""Facts every published artefact (feeds, calendar, API, badges) agrees on.

Feeds, the iCalendar file and the JSON API are read by programs, not browsers, and are
often shown out of context (a chat bot, a calendar popup). They share here: absolute URLs
from ``site.url``, when a record was first posted and last changed, and record text as
plain text — made from the *sanitised* HTML, so whatever the page drops (script, event
handlers, ``javascript:`` links) never reaches them either.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from html.parser import HTMLParser

from .markup import plain_paragraphs, render_markdown
from .model import Catalog, Incident
from .views import incident_url


def site_base(catalog: Catalog) -> str | None:
    """``site.url`` with exactly one trailing slash; ``None`` when the catalog has none."""
    url = (catalog.site.url or "").strip()
    return url.rstrip("/") + "/" if url else None


def absolute(base: str, path: str) -> str:
    """A site-relative path (``incidents/x/``) made absolute against ``base``."""
    return base + path.lstrip("/")


def incident_link(base: str, incident_id: str) -> str:
    return absolute(base, incident_url(incident_id))


def first_posted(incident: Incident) -> datetime:
    """When the record was first published: its first update (or its start)."""
    return incident.updates[0].at if incident.updates else incident.started


def last_changed(incident: Incident) -> datetime:
    """The latest instant the record itself states: an update, the resolution, the actual
    start or end of a window, the postmortem or a correction. No clock involved, so a feed
    entry's ``updated`` moves only when someone changes the record."""
    moments = [update.at for update in incident.updates]
    moments += [correction.at for correction in incident.corrections]
    if incident.resolved is not None:
        moments.append(incident.resolved)
    if incident.postmortem is not None and incident.postmortem.published is not None:
        moments.append(incident.postmortem.published)
    if incident.maintenance is not None:
        # The planned start may lie in the future: only actual times are changes.
        moments += [m for m in (incident.maintenance.started, incident.maintenance.completed) if m]
    else:
        moments.append(incident.started)
    return max(moments, default=incident.started).astimezone(UTC)


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
    text = "".join(parser.parts)
    lines = [line.strip() if line.strip() else "" for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
