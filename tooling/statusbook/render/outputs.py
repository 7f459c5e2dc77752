"""Every machine-readable file the site publishes, and where it lives.

The one place that knows the layout (paths below are relative to the site root):

=============================================  ============================================
``history.rss``, ``history.atom``              one entry per incident or window (Statuspage's names)
``updates.rss``, ``updates.atom``              one entry per update, the resolution included
``maintenance.ics``                            scheduled maintenance calendar (only if any)
``api/v2/…``                                   Statuspage v2 compatible JSON (:mod:`.api`)
``badge.svg``, ``badge.json``                  overall status badge, shields.io endpoint
``components/<id>/history.rss`` etc.           the same per component, next to its page
=============================================  ============================================

Feeds and calendars need absolute links and ids built from ``site.url``; without it they
are skipped (and :func:`notes` says so) rather than published with links that resolve
nowhere. The API and badges do not need it and are always written.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from statusbook.derive.lifecycle import RecordState
from statusbook.derive.snapshot import Snapshot
from statusbook.i18n import Translator
from statusbook.model import Catalog
from statusbook.render.badges import badge_endpoint, badge_svg, status_badges
from statusbook.render.feeds import feed_pair, updates_pair
from statusbook.render.ical import calendar
from statusbook.render.statuspage import api_documents
from statusbook.render.urls import API_ROOT, feed_path, site_base

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
ICS = "text/calendar"
JSON = "application/json"
SVG = "image/svg+xml"
#: Feeds, the updates feed first: it is the one that announces every update.
FEED_KINDS = ("updates-rss", "updates-atom", "rss", "atom")


@dataclass(frozen=True)
class FeedLink:
    """One subscribable file, for ``<link rel="alternate">`` tags and the Subscribe list."""

    #: Descriptive, for feed readers' autodiscovery: "Lumen Cloud Status – API: … (RSS)".
    title: str
    #: Short, for a list under a heading: "RSS feed".
    label: str
    media_type: str
    #: Relative to the site root.
    href: str
    #: The component it is about; ``None`` for the whole site.
    component: str | None = None
    #: ``updates-rss``, ``updates-atom``, ``rss``, ``atom``, ``calendar``, ``api``,
    #: ``badge`` or ``badge-endpoint``.
    kind: str = ""

    @property
    def is_feed(self) -> bool:
        """Whether feed readers should discover it."""
        return self.kind in FEED_KINDS


def feed_links(catalog: Catalog, calendars: Collection[str | None] | None = None) -> list[FeedLink]:
    """Every subscribable file: the site's first, then each component's in catalog order.

    ``calendars`` names the scopes that have a maintenance calendar
    (:func:`calendar_scopes`); the others' is not written, so it is not offered either.
    """
    t = Translator(catalog.site.language, catalog.site.time_zone)
    site = catalog.site.name
    links = _links(catalog, t, None, site)
    for component in catalog.components:
        links += _links(catalog, t, component.id, f"{site} – {component.name}", component.name)
    if calendars is None:
        return links
    return [link for link in links if link.kind != "calendar" or link.component in calendars]


def calendar_scopes(snapshot: Snapshot) -> set[str | None]:
    """The scopes (``None``: the whole site) whose maintenance calendar has an event."""
    scopes: set[str | None] = set()
    for state in snapshot.records:
        if _in_calendar(state, snapshot.now):
            scopes.add(None)
            scopes.update(state.record.affected_components)
    return scopes


def _links(
    catalog: Catalog, t: Translator, scope: str | None, name: str, component: str | None = None
) -> list[FeedLink]:
    """One scope's files: the feeds and the calendar (when ``site.url`` is set), the API
    (site-wide), the badges."""
    prefix = "" if scope is None else "component_"
    site = catalog.site.name
    named = {"site": site} if component is None else {"site": site, "component": component}
    links: list[FeedLink] = []
    if site_base(catalog) is not None:
        updates = t(f"feeds.{prefix}updates_title", **named)
        history = t(f"feeds.{prefix}history_title", **named)
        calendar = t(f"feeds.{prefix}calendar_title", **named)
        links += [
            FeedLink(f"{updates} (RSS)", t("subscribe.updates_rss"), RSS, feed_path(scope, "updates-rss"), scope, "updates-rss"),
            FeedLink(f"{updates} (Atom)", t("subscribe.updates_atom"), ATOM, feed_path(scope, "updates-atom"), scope, "updates-atom"),
            FeedLink(f"{history} (RSS)", t("subscribe.rss"), RSS, feed_path(scope, "rss"), scope, "rss"),
            FeedLink(f"{history} (Atom)", t("subscribe.atom"), ATOM, feed_path(scope, "atom"), scope, "atom"),
            FeedLink(calendar, t("subscribe.calendar"), ICS, feed_path(scope, "calendar"), scope, "calendar"),
        ]  # fmt: skip
    if scope is None:
        api = t("subscribe.api")
        links.append(FeedLink(f"{site} – {api}", api, JSON, API_ROOT + "summary.json", None, "api"))
    links += [
        FeedLink(f"{name}: {t('subscribe.badge')}", t("subscribe.badge"), SVG, feed_path(scope, "badge"), scope, "badge"),
        FeedLink(f"{name}: {t('subscribe.badge_endpoint')}", t("subscribe.badge_endpoint"), JSON, feed_path(scope, "badge-endpoint"), scope, "badge-endpoint"),
    ]  # fmt: skip
    return links


def notes(catalog: Catalog) -> list[str]:
    """What :func:`static_files` leaves out for this catalog, and why (for the build log)."""
    if site_base(catalog) is None:
        return [
            "site.url is not set in the catalog: RSS/Atom feeds and the maintenance calendar "
            "are not written, because their links and ids must be absolute URLs"
        ]
    return []


#: How far back the maintenance calendar reaches. Calendar apps download the whole file on
#: every refresh; a year of past windows is context enough, and it keeps a long history cheap.
CALENDAR_HISTORY = timedelta(days=365)


def _in_calendar(state: RecordState, now: datetime) -> bool:
    window = state.record.maintenance
    if window is None:
        return False
    return (state.ended or window.scheduled_end) >= now - CALENDAR_HISTORY


def static_files(snapshot: Snapshot) -> dict[str, bytes]:
    """Every file, by site-relative path (sorted): the same records and ``now`` give the
    same bytes."""
    catalog, now = snapshot.catalog, snapshot.now
    files: dict[str, bytes] = {}
    base = site_base(catalog)
    # Each component's records, found once rather than once per feed.
    scopes: dict[str | None, list[RecordState]] = {None: list(snapshot.records)}
    scopes |= {component_id: [] for component_id in catalog.component_ids}
    for state in snapshot.records:
        for component_id in state.record.affected_components:
            if component_id in scopes:
                scopes[component_id].append(state)
    if base is not None:
        entry_bodies: dict[str, str] = {}
        for scope, records in scopes.items():
            for render, rss_kind, atom_kind in (
                (feed_pair, "rss", "atom"),
                (updates_pair, "updates-rss", "updates-atom"),
            ):
                rss, atom = render(
                    catalog,
                    records,
                    base=base,
                    rss_href=feed_path(scope, rss_kind),
                    atom_href=feed_path(scope, atom_kind),
                    component_id=scope,
                    html_cache=entry_bodies,
                )
                files[feed_path(scope, rss_kind)] = rss
                files[feed_path(scope, atom_kind)] = atom
            ics = calendar(
                catalog,
                [record for record in records if _in_calendar(record, now)],
                base=base,
                component_id=scope,
            )
            if ics is not None:
                files[feed_path(scope, "calendar")] = ics
    for path, content in api_documents(snapshot).items():
        files[API_ROOT + path] = content
    site_badge, component_badges = status_badges(snapshot)
    for scope, badge in [(None, site_badge), *component_badges.items()]:
        files[feed_path(scope, "badge")] = badge_svg(badge)
        files[feed_path(scope, "badge-endpoint")] = badge_endpoint(badge)
    return dict(sorted(files.items()))
