"""RSS 2.0 and Atom feeds of incidents and maintenance (feedgen), site-wide or per component.

One entry per record, like Statuspage's ``history.rss``/``history.atom``: its content is
the whole timeline, newest update first, each with its time and status. The entry id is
the incident page's URL, which is made from the record id (the file name) and so never
changes when the record gains an update; ``updated`` is the record's latest stated change.

Entries read the snapshot at the build's instant: an update stamped later is not in the
feed yet, and a maintenance window the clock started or ended carries that transition.
Nothing else depends on the build time: two builds of the same records are byte-identical,
and a feed does not look changed to readers just because the site was rebuilt.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from statusbook.derive.lifecycle import RecordState
from statusbook.i18n import Translator
from statusbook.markup import sanitize
from statusbook.model import Catalog
from statusbook.render.text import render_markdown
from statusbook.render.urls import absolute, component_url, incident_link

#: Entries per feed: the most recently changed records (older ones are on the history pages).
FEED_LIMIT = 50
#: Category schemes, so readers can tell a kind from an impact with the same word.
KIND_SCHEME = "urn:statusbook:kind"
IMPACT_SCHEME = "urn:statusbook:impact"


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


def entry_html(state: RecordState, t: Translator, names: dict[str, str]) -> str:
    """The timeline as sanitised HTML: affected components, the window, then each post."""
    incident = state.record
    parts: list[str] = []
    affected = [names.get(c, c) for c in incident.affected_components]
    if affected:
        parts.append(
            f"<p><strong>{html.escape(t('incident.affected'))}:</strong> "
            f"{html.escape(', '.join(affected))}</p>"
        )
    window = incident.maintenance
    if window is not None:
        parts.append(
            f"<p><strong>{html.escape(t('incident.window'))}:</strong> "
            f"{_time(window.scheduled_start, t)} – {_time(window.scheduled_end, t)}</p>"
        )
    for post in reversed(state.posts):
        parts.append(
            f"<p><small>{_time(post.at, t)}</small><br>"
            f"<strong>{html.escape(t(f'update.{post.status.value}'))}</strong></p>"
        )
        parts.append(render_markdown(t(f"post.{post.key}") if post.derived else post.message))
    # Everything above is escaped or already sanitised; cleaning the whole is a second lock.
    return sanitize("\n".join(parts))


def _time(moment: datetime, t: Translator) -> str:
    return html.escape(t.datetime(moment))


def _generator(
    catalog: Catalog,
    states: Sequence[RecordState],
    *,
    base: str,
    component_id: str | None,
    html_cache: dict[str, str] | None = None,
) -> tuple[FeedGenerator, str]:
    """The feed without its links (they differ between the RSS and the Atom file)."""
    site = catalog.site
    t = Translator(site.language, site.time_zone)
    component = catalog.component(component_id) if component_id else None
    if component_id is not None and component is None:
        raise ValueError(f"unknown component {component_id!r}")
    page = base if component is None else absolute(base, component_url(component.id))
    if component is None:
        title = t("feeds.history_title", site=site.name)
    else:
        title = t("feeds.component_title", site=site.name, component=component.name)
    records = feed_records(states, component_id)

    names = {c.id: c.name for c in catalog.components}
    cache = {} if html_cache is None else html_cache
    feed = FeedGenerator()
    feed.id(page)
    feed.title(title)
    feed.description(t("feeds.description", site=site.name))
    feed.language(site.language)
    feed.author({"name": site.name})
    feed.generator("statusbook")
    # Set explicitly: feedgen would otherwise stamp the clock into lastBuildDate/updated.
    # With no entries yet, the feed dates from when monitoring began.
    monitored = [c.monitored_since for c in catalog.components if c is component or not component]
    feed.updated(max((state.last_changed for state in records), default=min(monitored)))
    for state in records:
        incident = state.record
        link = incident_link(base, incident.id)
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(incident.title)
        entry.link(href=link, rel="alternate")
        entry.published(state.first_posted)
        entry.updated(state.last_changed)
        if incident.id not in cache:
            cache[incident.id] = entry_html(state, t, names)
        entry.content(cache[incident.id], type="html")
        entry.category(
            [
                {
                    "term": incident.kind.value,
                    "scheme": KIND_SCHEME,
                    "label": t(f"kind.{incident.kind.value}"),
                },
                {
                    "term": incident.impact.value,
                    "scheme": IMPACT_SCHEME,
                    "label": t(f"impact.{incident.impact.value}"),
                },
            ]
        )
    return feed, page


def _link(feed: FeedGenerator, base: str, self_href: str, page: str) -> FeedGenerator:
    # feedgen uses the last link as RSS's channel <link>: the page, not the feed itself.
    feed.link(
        [{"href": absolute(base, self_href), "rel": "self"}, {"href": page, "rel": "alternate"}],
        replace=True,
    )
    return feed


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
    """RSS 2.0 and Atom 1.0 of the same entries, built once (``html_cache`` shares entry
    bodies between the site feed and the component feeds of one build)."""
    feed, page = _generator(
        catalog, states, base=base, component_id=component_id, html_cache=html_cache
    )
    rss = _link(feed, base, rss_href, page).rss_str(pretty=True)
    atom = _link(feed, base, atom_href, page).atom_str(pretty=True)
    return rss, atom
