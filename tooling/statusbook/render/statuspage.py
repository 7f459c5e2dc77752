"""Atlassian Statuspage v2 compatible JSON documents, written as static files.

Status aggregators, Prometheus exporters, Home Assistant and Grafana already read
Statuspage's public ``/api/v2/`` documents; serving the same shapes lets them read a
statusbook site unchanged. Field names, nesting and enum values follow Statuspage (see
``shared/reference/statuspage-v2.md``); figures come from :mod:`statusbook.status`.

Deliberate deviations, each because a static site built from Git records differs:

* **Ids** are readable and stable rather than 12 random characters: an incident's id is
  its record id (the file name, e.g. ``2026-11-21-api-elevated-error-rates``), a
  component's is its catalog id, a group component's is ``group.<group id>`` (the dot keeps
  it apart from component ids, which cannot contain one), an update's is
  ``<record id>-u<n>`` (n counts from the first update; records are append-only), and the
  page id is 12 hex digits hashed from the site's host (or its name when no URL is set).
* **body** of an update is plain text made from the sanitised HTML the page shows (so
  nothing the page removes — script, event handlers, ``javascript:`` links — is there);
  Markdown formatting is flattened and links become ``text (url)``. As on Statuspage,
  show it as text. The files escape ``<``, ``>`` and ``&`` as ``\\u003c`` etc. (valid JSON,
  identical once parsed) so no markup appears in the raw bytes either.
* **affected_components** of an update are the statuses that update sets *within its own
  record*: the record's initial statuses are reported on its first update, and the
  resolving (or completing) update returns every still-impaired component to
  ``operational``. ``old_status`` is the record's own previous status for that component,
  not the page-wide status, which overlapping records may make worse.
* **status** of an update posted as a plain progress note (``update``) is the lifecycle
  status in force at that point, since Statuspage has no such status.
* **Cancelled maintenance** is left out of every document, as Statuspage deletes a
  cancelled window (the iCalendar feed still shows the cancellation).
* **incidents.json** lists incidents only; maintenance is in ``scheduled-maintenances.json``
  (and, like incidents, has its own ``incidents/<id>.json``).
* ``incidents/<id>.json`` exists for every record some list shows (the 50 newest
  incidents and maintenance windows, and everything unresolved, upcoming or active), not
  for the whole history: older records live on their pages and in the feeds.
* Maintenance records carry ``impact: "maintenance"``; an incident whose postmortem is
  published has status ``postmortem``, with ``postmortem_body`` (plain text) and
  ``postmortem_published_at`` as on Statuspage.
* Without ``site.url`` in the catalog, ``page.url`` and ``shortlink`` are ``null``.
* Notification and social fields are constant: ``deliver_notifications: true``,
  ``custom_tweet``/``tweet_id``: ``null``; ``showcase: true`` and
  ``only_show_if_degraded: false`` for every component.
* Timestamps are UTC (``Z``) with milliseconds; ``time_zone`` is the catalog's display zone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from statusbook.derive.lifecycle import first_posted, last_changed, update_transitions
from statusbook.derive.status import component_statuses, overall_status
from statusbook.model import (
    Catalog,
    Component,
    Incident,
    MaintenanceState,
    UpdateStatus,
    worst_status,
)
from statusbook.render.text import plain_text
from statusbook.render.urls import incident_link, site_base

#: Statuspage's page size for ``incidents.json`` and ``scheduled-maintenances.json``.
LIST_LIMIT = 50
UNRESOLVED = ("investigating", "identified", "monitoring")
ACTIVE_MAINTENANCE = ("in_progress", "verifying")
#: Document paths under ``api/v2/``.
DOCUMENTS = (
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
)

Json = dict[str, Any]


def iso(moment: datetime) -> str:
    """Statuspage's timestamp form: ISO 8601, milliseconds, UTC."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def page_id(catalog: Catalog) -> str:
    base = site_base(catalog)
    seed = (urlsplit(base).hostname or base) if base else catalog.site.name
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12]


def group_api_id(group_id: str) -> str:
    return f"group.{group_id}"


def dumps(document: Json) -> bytes:
    """Deterministic, compact JSON like Statuspage's (and ten times faster to write than
    indented); ``<``, ``>``, ``&`` and line separators escaped as Go's encoder does, so the
    bytes are safe even where a consumer pastes them into HTML."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return (text + "\n").encode("utf-8")


class StatuspageApi:
    """Builds every document for one set of records at one instant."""

    def __init__(self, catalog: Catalog, incidents: Iterable[Incident], now: datetime) -> None:
        self.catalog = catalog
        self.now = now
        #: Cancelled windows do not exist for Statuspage consumers.
        self.records = [
            incident
            for incident in incidents
            if incident.maintenance is None
            or incident.maintenance.state is not MaintenanceState.CANCELLED
        ]
        self.base = site_base(catalog)
        self.page_id = page_id(catalog)
        self.names = {component.id: component.name for component in catalog.components}
        self.statuses = component_statuses(catalog, self.records, now)
        self.touched = self._component_updated_at()
        self.components = self._components()
        self.by_id = {component["id"]: component for component in self.components}

    # --- documents -----------------------------------------------------------------------

    def documents(self) -> dict[str, Json]:
        """Every document, keyed by its path under ``api/v2/``.

        Only what some list shows is built: the 50 newest of each kind plus everything
        still open. A history of thousands of records then costs no more than a short one,
        and every ``incidents/<id>.json`` is reachable from a list, as on Statuspage.
        """
        incidents = [r for r in self.records if r.maintenance is None]
        maintenance = [r for r in self.records if r.maintenance is not None]
        incidents.sort(key=lambda r: (r.started, r.id), reverse=True)
        maintenance.sort(key=lambda r: (_scheduled_for(r), r.id), reverse=True)
        open_incidents = [r for r in incidents if r.resolved is None or r.resolved > self.now]
        current = [
            r
            for r in maintenance
            if r.maintenance is not None
            and r.maintenance.state_at(self.now)
            in (MaintenanceState.SCHEDULED, MaintenanceState.IN_PROGRESS)
        ]
        shown = [*incidents[:LIST_LIMIT], *open_incidents, *maintenance[:LIST_LIMIT], *current]
        built: dict[str, Json] = {}
        for record in shown:
            if record.id not in built:
                built[record.id] = self.incident(record)
        incident_objects = [built[r.id] for r in incidents[:LIST_LIMIT]]
        unresolved = [built[r.id] for r in open_incidents if built[r.id]["status"] in UNRESOLVED]
        maintenance_objects = [built[r.id] for r in maintenance[:LIST_LIMIT]]
        current_objects = [built[r.id] for r in reversed(current)]
        upcoming = [m for m in current_objects if m["status"] == "scheduled"]
        active = [m for m in current_objects if m["status"] in ACTIVE_MAINTENANCE]
        page = self.page()
        status = self.status()
        documents: dict[str, Json] = {
            "summary.json": {
                "page": page,
                "components": self.components,
                "incidents": unresolved,
                "scheduled_maintenances": active + upcoming,
                "status": status,
            },
            "status.json": {"page": page, "status": status},
            "components.json": {"page": page, "components": self.components},
            "incidents.json": {"page": page, "incidents": incident_objects},
            "incidents/unresolved.json": {"page": page, "incidents": unresolved},
            "scheduled-maintenances.json": {
                "page": page,
                "scheduled_maintenances": maintenance_objects,
            },
            "scheduled-maintenances/upcoming.json": {
                "page": page,
                "scheduled_maintenances": upcoming,
            },
            "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
        }
        for item in built.values():
            documents[f"incidents/{item['id']}.json"] = {"page": page, "incident": item}
        return documents

    def page(self) -> Json:
        changes = [self.touched[c] for c in self.touched]
        changes += [_changed_by(r, self.now) for r in self.records]
        changes = [c for c in changes if c <= self.now]
        return {
            "id": self.page_id,
            "name": self.catalog.site.name,
            "url": self.base.rstrip("/") if self.base else None,
            "time_zone": self.catalog.site.time_zone,
            "updated_at": iso(max(changes, default=self.now)),
        }

    def status(self) -> Json:
        overall = overall_status(self.catalog, self.records, self.now)
        return {"indicator": overall.indicator, "description": overall.description}

    # --- components ----------------------------------------------------------------------

    def _component_updated_at(self) -> dict[str, datetime]:
        """When each component's status last changed by a record, at or before ``now``."""
        latest = {c.id: c.monitored_since for c in self.catalog.components}
        for record in self.records:
            moments: list[tuple[datetime, str]] = []
            if record.maintenance is not None:
                moments += [
                    (m, c)
                    for m in _window_moments(record, self.now)
                    for c in record.affected_components
                ]
            else:
                moments += [(at, c) for at, c, _ in record.status_changes()]
                if record.resolved is not None:
                    moments += [(record.resolved, c) for c in record.affected_components]
            for moment, component in moments:
                if component in latest and latest[component] < moment <= self.now:
                    latest[component] = moment
        return latest

    def _component(self, component: Component, position: int) -> Json:
        return {
            "id": component.id,
            "name": component.name,
            "status": self.statuses[component.id].value,
            "created_at": iso(component.monitored_since),
            "updated_at": iso(self.touched[component.id]),
            "position": position,
            "description": component.description,
            "showcase": True,
            "start_date": component.monitored_since.astimezone(UTC).date().isoformat(),
            "group_id": group_api_id(component.group) if component.group else None,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def _components(self) -> list[Json]:
        """Catalog order; each group right before its first component, as Statuspage lists
        them. Positions count top-level items, and children within their group."""
        groups = {group.id: group for group in self.catalog.groups}
        children: dict[str, list[Component]] = {}
        for component in self.catalog.components:
            if component.group in groups:
                children.setdefault(component.group, []).append(component)
        listed: list[Json] = []
        top = 0
        for component in self.catalog.components:
            group_id = component.group if component.group in groups else None
            if group_id is None:
                top += 1
                listed.append(self._component(component, top))
                continue
            members = children[group_id]
            if component is not members[0]:
                continue
            top += 1
            group = groups[group_id]
            listed.append(
                {
                    "id": group_api_id(group.id),
                    "name": group.name,
                    "status": worst_status([self.statuses[c.id] for c in members]).value,
                    "created_at": iso(min(c.monitored_since for c in members)),
                    "updated_at": iso(max(self.touched[c.id] for c in members)),
                    "position": top,
                    "description": group.description,
                    "showcase": False,
                    "start_date": None,
                    "group_id": None,
                    "page_id": self.page_id,
                    "group": True,
                    "only_show_if_degraded": False,
                    "components": [c.id for c in members],
                }
            )
            listed += [self._component(c, n) for n, c in enumerate(members, start=1)]
        return listed

    # --- incidents and maintenance -------------------------------------------------------

    def incident(self, record: Incident) -> Json:
        status = self._status(record)
        item: Json = {
            "id": record.id,
            "name": record.title,
            "status": status,
            "created_at": iso(first_posted(record)),
            "updated_at": iso(_changed_by(record, self.now)),
            "monitoring_at": _monitoring_at(record),
            "resolved_at": self._resolved_at(record),
            "impact": "maintenance" if record.maintenance is not None else record.impact.value,
            "shortlink": incident_link(self.base, record.id) if self.base else None,
            "started_at": iso(record.started),
            "page_id": self.page_id,
            "incident_updates": self._updates(record),
            "components": [self.by_id[c] for c in record.affected_components if c in self.by_id],
        }
        if record.maintenance is not None:
            item["scheduled_for"] = iso(record.maintenance.scheduled_start)
            item["scheduled_until"] = iso(record.maintenance.scheduled_end)
        else:
            postmortem = record.postmortem
            published = postmortem.published if postmortem is not None else None
            if postmortem is None or published is None or published > self.now:
                item["postmortem_body"] = None
                item["postmortem_published_at"] = None
            else:
                text = f"{postmortem.summary}\n\n{postmortem.root_cause}"
                item["postmortem_body"] = plain_text(text)
                item["postmortem_published_at"] = iso(published)
        return item

    def _status(self, record: Incident) -> str:
        if record.maintenance is not None:
            state = record.maintenance.state_at(self.now)
            if state is MaintenanceState.IN_PROGRESS:
                verifying = record.lifecycle_status is UpdateStatus.VERIFYING
                return "verifying" if verifying else "in_progress"
            return state.value
        if record.resolved is not None and record.resolved <= self.now:
            postmortem = record.postmortem
            if postmortem is not None and postmortem.published and postmortem.published <= self.now:
                return "postmortem"
            return "resolved"
        lifecycle = record.lifecycle_status
        return lifecycle.value if lifecycle and lifecycle.value in UNRESOLVED else "investigating"

    def _resolved_at(self, record: Incident) -> str | None:
        if record.maintenance is not None:
            window = record.maintenance
            if window.state_at(self.now) is MaintenanceState.COMPLETED:
                return iso(window.completed or window.scheduled_end)
            return None
        if record.resolved is not None and record.resolved <= self.now:
            return iso(record.resolved)
        return None

    def _updates(self, record: Incident) -> list[Json]:
        """Newest first, each with the component statuses it set."""
        maintenance = record.maintenance is not None
        lifecycle = "scheduled" if maintenance else "investigating"
        items = []
        transitions = update_transitions(record)
        for index, (update, changes) in enumerate(zip(record.updates, transitions, strict=True)):
            if update.status not in (UpdateStatus.UPDATE, UpdateStatus.CANCELLED):
                lifecycle = update.status.value
            items.append(
                {
                    "id": f"{record.id}-u{index + 1}",
                    "status": lifecycle,
                    "body": plain_text(update.message),
                    "incident_id": record.id,
                    "created_at": iso(update.at),
                    "updated_at": iso(update.at),
                    "display_at": iso(update.at),
                    "affected_components": [
                        {
                            "code": component,
                            "name": self.names.get(component, component),
                            "old_status": old.value,
                            "new_status": new.value,
                        }
                        for component, (old, new) in changes.items()
                    ]
                    or None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
            )
        return items[::-1]


def _scheduled_for(record: Incident) -> datetime:
    assert record.maintenance is not None
    return record.maintenance.scheduled_start


def _monitoring_at(record: Incident) -> str | None:
    for update in record.updates:
        if update.status is UpdateStatus.MONITORING:
            return iso(update.at)
    return None


def _changed_by(record: Incident, now: datetime) -> datetime:
    """The record's last change as seen at ``now``: its stated changes, plus a window's
    start and end once they have passed (Statuspage moves maintenance on by itself)."""
    return max([last_changed(record), *_window_moments(record, now)])


def _window_moments(record: Incident, now: datetime) -> list[datetime]:
    """A window's start once it has begun, and its end once it is over."""
    if record.maintenance is None:
        return []
    interval = record.maintenance.interval_at(now)
    if interval is None:
        return []
    if record.maintenance.state_at(now) is MaintenanceState.IN_PROGRESS:
        return [interval[0]]
    return list(interval)


def api_documents(
    catalog: Catalog, incidents: Sequence[Incident], now: datetime
) -> dict[str, bytes]:
    """Every document as bytes, keyed by its path under ``api/v2/``."""
    return {
        path: dumps(document)
        for path, document in StatuspageApi(catalog, incidents, now).documents().items()
    }
