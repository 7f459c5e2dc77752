"""An iCalendar feed of scheduled maintenance (icalendar), site-wide or per component.

People subscribe to it in their calendar app, so it lists the windows it is given (the
site's build passes every upcoming one and those of the past year), and keeps cancelled ones (``STATUS:CANCELLED``) so that subscribers see the cancellation
instead of a silently vanished event. Each event's UID is the record id at the site (:func:`site_key`)
and never changes; ``SEQUENCE`` grows with each update so clients take the newest version.
``DTSTAMP`` is the record's latest stated change, not the build time: the file changes
only when a record does. Text is plain text made from the sanitised HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from statusbook.derive.lifecycle import RecordState
from statusbook.i18n import Translator
from statusbook.model import Catalog, RecordStatus
from statusbook.render import wording
from statusbook.render.text import plain_text
from statusbook.render.urls import incident_link

PRODID = "-//statusbook//Scheduled maintenance//EN"
REFRESH = timedelta(hours=1)


def maintenance_window(state: RecordState) -> tuple[datetime, datetime]:
    """The window to show: actual times as known at ``now``, else the planned ones."""
    window = state.record.maintenance
    assert window is not None
    start = state.started or window.scheduled_start
    end = (
        state.ended
        if state.status is RecordStatus.COMPLETED and state.ended
        else window.scheduled_end
    )
    if end <= start:  # started late and not finished yet: keep the planned length
        end = start + (window.scheduled_end - window.scheduled_start)
    return start, end


def site_key(base: str) -> str:
    """The site's own name for ids: its host, and its path when it is not at the root.

    Two project sites under one host (``org.github.io/status/`` and ``org.github.io/ops/``)
    must not share event UIDs or a Statuspage page id; a site at a host's root keeps the
    host alone, so its ids are what they always were.
    """
    parts = urlsplit(base)
    path = parts.path.strip("/")
    host = (parts.hostname or "statusbook").lower()
    return f"{host}/{path}" if path else host


def event_uid(base: str, incident_id: str) -> str:
    return f"{incident_id}@{site_key(base)}"


def calendar(
    catalog: Catalog,
    states: Iterable[RecordState],
    *,
    base: str,
    component_id: str | None = None,
) -> bytes | None:
    """Every maintenance window (touching ``component_id``, when given) as an iCalendar file;
    ``None`` when there is none (RFC 5545 §3.6: a calendar holds at least one component,
    so no empty file is published, nor offered)."""
    site = catalog.site
    t = Translator(site.language, site.time_zone)
    names = {component.id: component.name for component in catalog.components}
    if component_id is None:
        title = t("feeds.calendar_title", site=site.name)
    else:
        if component_id not in names:
            raise ValueError(f"unknown component {component_id!r}")
        title = t("feeds.component_calendar_title", site=site.name, component=names[component_id])
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # No METHOD: iTIP's PUBLISH (RFC 5546) requires an ORGANIZER, an address a status page
    # has not got; a plain iCalendar file is what subscribing calendar apps read.
    cal.add("x-wr-calname", title)
    # How often subscribers should fetch it again (RFC 7986; X-PUBLISHED-TTL for Outlook).
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    cal.add("x-wr-timezone", "UTC")
    records = [
        state
        for state in states
        if state.is_maintenance
        and (component_id is None or component_id in state.record.affected_components)
    ]
    if not records:
        return None
    records.sort(key=lambda state: (maintenance_window(state)[0], state.id))
    for state in records:
        cal.add_component(_event(state, base, names, t))
    data: bytes = cal.to_ical()
    return data


def _event(state: RecordState, base: str, names: dict[str, str], t: Translator) -> Event:
    incident = state.record
    start, end = maintenance_window(state)
    link = incident_link(base, incident.id)
    cancelled = state.status is RecordStatus.CANCELLED
    lines = []
    affected = [names.get(c, c) for c in incident.affected_components]
    if affected:
        lines += [f"{t('incident.affected')}: {', '.join(affected)}", ""]
    for post in reversed(state.posts):
        lines.append(f"{t(f'update.{post.status.value}')} – {t.datetime(post.at)}")
        lines += [plain_text(wording.post_message(t, post)), ""]
    lines.append(link)
    event = Event()
    event.add("uid", event_uid(base, incident.id))
    event.add("dtstamp", state.last_changed)
    event.add("created", state.first_posted)
    event.add("last-modified", state.last_changed)
    event.add("sequence", max(len(state.posts) + len(incident.corrections) - 1, 0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{t('kind.maintenance')}: {incident.title}")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("categories", [t("kind.maintenance")])
    event.add("url", link)
    return event
