"""RSS 2.0 and Atom feeds (feedgen), site-wide or per component, in two cuts.

* **The incident feed** (``history.rss``/``history.atom``, Statuspage's names): one entry per
  record, its content the whole timeline newest first. Its id is the incident page's URL
  (made from the record id, so it never changes); its title leads with the status at the
  build's instant and its ``updated`` moves with every post — readers that watch entries
  for changes see the record move.
* **The updates feed** (``updates.rss``/``updates.atom``): one entry per post — every
  written update and every transition the clock made — with an id of its own
  (``<incident page>#u3``, ``#started``, ``#completed``), its own time and a title that
  leads with what it announces ("Resolved — Elevated error rates on the API"). Chat apps
  and mail-by-RSS services announce new entries, so this is the feed that tells
  subscribers about every update, the resolution included.

Entries read the snapshot at the build's instant: an update stamped later is not in a feed
yet. Nothing else depends on the build time: two builds of the same records are
byte-identical, and a feed does not look changed just because the site was rebuilt.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.i18n import Translator
from statusbook.markup import sanitize
from statusbook.model import Catalog, Component, ComponentStatus
from statusbook.render import wording
from statusbook.render.text import render_markdown
from statusbook.render.urls import absolute, component_url, incident_link

#: Entries per feed: the most recently changed records, or the most recent posts.
FEED_LIMIT = 50
#: Category schemes, so readers can tell a kind from an impact with the same word.
KIND_SCHEME = "urn:statusbook:kind"
IMPACT_SCHEME = "urn:statusbook:impact"
STATUS_SCHEME = "urn:statusbook:status"


@dataclass(frozen=True)
class FeedScope:
    """Which records a feed covers (the whole site, or one component) and how it is named."""

    catalog: Catalog
    base: str
    component: Component | None = None

    @property
    def page(self) -> str:
        if self.component is None:
            return self.base
        return absolute(self.base, component_url(self.component.id))

    def covers(self, state: RecordState) -> bool:
        return self.component is None or self.component.id in state.record.affected_components

    def title(self, t: Translator, kind: str) -> str:
        site = self.catalog.site.name
        if self.component is None:
            return t(f"feeds.{kind}_title", site=site)
        return t(f"feeds.component_{kind}_title", site=site, component=self.component.name)


class _Words:
    """The translator and component names of one catalog, and the HTML both feeds share."""

    def __init__(self, catalog: Catalog, cache: dict[str, str] | None) -> None:
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.names = {component.id: component.name for component in catalog.components}
        self.cache = {} if cache is None else cache

    def time(self, moment: datetime) -> str:
        return html.escape(self.t.datetime(moment))

    def facts(self, label: str, value: str) -> str:
        return f"<p><strong>{html.escape(label)}:</strong> {value}</p>"

    def post_html(self, post: Post) -> str:
        return (
            f"<p><small>{self.time(post.at)}</small><br>"
            f"<strong>{html.escape(wording.post_status(self.t, post))}</strong></p>\n"
            + render_markdown(wording.post_message(self.t, post))
        )


def feed_records(
    states: Iterable[RecordState], component_id: str | None = None
) -> list[RecordState]:
    """The records a feed lists: most recently changed first, at most :data:`FEED_LIMIT`."""
    chosen = [
        state
        for state in states
        if component_id is None or component_id in state.record.affected_components
    ]
    chosen.sort(key=lambda state: (state.last_changed, state.id), reverse=True)
    return chosen[:FEED_LIMIT]


def feed_posts(states: Iterable[RecordState], scope: FeedScope) -> list[tuple[RecordState, Post]]:
    """The posts an updates feed lists: newest first, at most :data:`FEED_LIMIT`."""
    chosen = [(state, post) for state in states if scope.covers(state) for post in state.posts]
    chosen.sort(key=lambda item: (item[1].at, item[0].id, item[1].key), reverse=True)
    return chosen[:FEED_LIMIT]


def entry_html(state: RecordState, words: _Words) -> str:
    """The timeline as sanitised HTML: affected components, the window, then each post."""
    record = state.record
    parts: list[str] = []
    affected = [words.names.get(c, c) for c in record.affected_components]
    if affected:
        parts.append(words.facts(words.t("incident.affected"), html.escape(", ".join(affected))))
    window = record.maintenance
    if window is not None:
        span = f"{words.time(window.scheduled_start)} – {words.time(window.scheduled_end)}"
        parts.append(words.facts(words.t("incident.window"), span))
    parts += [words.post_html(post) for post in reversed(state.posts)]
    # Everything above is escaped or already sanitised; cleaning the whole is a second lock.
    return sanitize("\n".join(parts))


def post_entry_html(state: RecordState, post: Post, words: _Words) -> str:
    """One post as sanitised HTML: what it says, then each component's status after it."""
    t = words.t
    parts = [words.post_html(post)]
    statuses = _statuses_after(state, post)
    if statuses:
        listed = ", ".join(
            f"{html.escape(words.names.get(c, c))}: {html.escape(t(f'status.{s.value}'))}"
            for c, s in statuses.items()
        )
        parts.append(words.facts(t("incident.affected"), listed))
    return sanitize("\n".join(parts))


def _statuses_after(state: RecordState, post: Post) -> dict[str, ComponentStatus]:
    """Each component the record has changed, with its status once ``post`` is out."""
    statuses: dict[str, ComponentStatus] = {}
    for earlier in state.posts[: state.posts.index(post) + 1]:
        statuses.update({component: new for component, (_old, new) in earlier.changes.items()})
    return statuses


def _categories(state: RecordState, words: _Words, status: tuple[str, str]) -> list[dict[str, str]]:
    record, t = state.record, words.t
    return [
        {"term": status[0], "scheme": STATUS_SCHEME, "label": status[1]},
        {"term": record.kind.value, "scheme": KIND_SCHEME, "label": t(f"kind.{record.kind.value}")},
        {
            "term": record.impact.value,
            "scheme": IMPACT_SCHEME,
            "label": t(f"impact.{record.impact.value}"),
        },
    ]


def _generator(
    scope: FeedScope, words: _Words, kind: str, newest: datetime | None
) -> FeedGenerator:
    """A feed's head; its links are added per format (they differ between RSS and Atom)."""
    site = scope.catalog.site
    feed = FeedGenerator()
    feed.id(scope.page if kind == "history" else f"{scope.page}#updates")
    feed.title(scope.title(words.t, kind))
    feed.description(words.t(f"feeds.{kind}_description", site=site.name))
    feed.language(site.language)
    feed.author({"name": site.name})
    feed.generator("statusbook")
    # Set explicitly: feedgen would otherwise stamp the clock into lastBuildDate/updated.
    # With no entries yet, the feed dates from when monitoring began.
    components = [scope.component] if scope.component else list(scope.catalog.components)
    feed.updated(newest or min(c.monitored_since for c in components))
    return feed


def _incident_entries(
    feed: FeedGenerator, scope: FeedScope, words: _Words, states: Sequence[RecordState]
) -> None:
    for state in states:
        link = incident_link(scope.base, state.id)
        status = wording.record_status(words.t, state)
        entry = _entry(feed, link, wording.headline(status, state.record.title), link)
        entry.published(state.first_posted)
        entry.updated(state.last_changed)
        if state.id not in words.cache:
            words.cache[state.id] = entry_html(state, words)
        entry.content(words.cache[state.id], type="html")
        entry.category(_categories(state, words, (state.status.value, status)))


def _post_entries(
    feed: FeedGenerator, scope: FeedScope, words: _Words, posts: Sequence[tuple[RecordState, Post]]
) -> None:
    for state, post in posts:
        page = incident_link(scope.base, state.id)
        status = wording.post_status(words.t, post)
        anchor = f"{page}#{post.key}"
        entry = _entry(feed, anchor, wording.headline(status, state.record.title), anchor)
        entry.published(post.at)
        entry.updated(post.at)
        key = f"{state.id}#{post.key}"
        if key not in words.cache:
            words.cache[key] = post_entry_html(state, post, words)
        entry.content(words.cache[key], type="html")
        entry.category(_categories(state, words, (post.status.value, status)))


def _entry(feed: FeedGenerator, entry_id: str, title: str, link: str) -> FeedEntry:
    entry = feed.add_entry(order="append")
    entry.id(entry_id)
    entry.guid(entry_id, permalink=True)
    entry.title(title)
    entry.link(href=link, rel="alternate")
    return entry


def _formats(
    feed: FeedGenerator, scope: FeedScope, rss_href: str, atom_href: str
) -> tuple[bytes, bytes]:
    """RSS 2.0 and Atom 1.0 of the same entries, each linking to itself."""
    out: list[bytes] = []
    for href, render in ((rss_href, feed.rss_str), (atom_href, feed.atom_str)):
        # feedgen uses the last link as RSS's channel <link>: the page, not the feed itself.
        feed.link(
            [
                {"href": absolute(scope.base, href), "rel": "self"},
                {"href": scope.page, "rel": "alternate"},
            ],
            replace=True,
        )
        out.append(render(pretty=True))
    return out[0], out[1]


def feed_pair(
    catalog: Catalog,
    states: Sequence[RecordState],
    *,
    base: str,
    rss_href: str,
    atom_href: str,
    component_id: str | None = None,
    html_cache: dict[str, str] | None = None,
) -> tuple[bytes, bytes]:
    """The incident feed as RSS and Atom (``html_cache`` shares entry bodies between the
    site feed and the component feeds of one build)."""
    scope = _scope(catalog, base, component_id)
    words = _Words(catalog, html_cache)
    records = feed_records(states, component_id)
    newest = max((state.last_changed for state in records), default=None)
    feed = _generator(scope, words, "history", newest)
    _incident_entries(feed, scope, words, records)
    return _formats(feed, scope, rss_href, atom_href)


def updates_pair(
    catalog: Catalog,
    states: Sequence[RecordState],
    *,
    base: str,
    rss_href: str,
    atom_href: str,
    component_id: str | None = None,
    html_cache: dict[str, str] | None = None,
) -> tuple[bytes, bytes]:
    """The updates feed as RSS and Atom: one entry per post, newest first."""
    scope = _scope(catalog, base, component_id)
    words = _Words(catalog, html_cache)
    posts = feed_posts(states, scope)
    newest = max((post.at for _state, post in posts), default=None)
    feed = _generator(scope, words, "updates", newest)
    _post_entries(feed, scope, words, posts)
    return _formats(feed, scope, rss_href, atom_href)


def _scope(catalog: Catalog, base: str, component_id: str | None) -> FeedScope:
    component = catalog.component(component_id) if component_id else None
    if component_id is not None and component is None:
        raise ValueError(f"unknown component {component_id!r}")
    return FeedScope(catalog, base, component)
