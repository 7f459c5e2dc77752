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
  page id is 12 hex digits hashed from the site's host and path (``render.ical.site_key``;
  its name when no URL is set).
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
* Everything is as known at the build's instant (:mod:`statusbook.derive.snapshot`): an
  update or resolution stamped later is not there yet, and a maintenance window the clock
  started or ended carries an update for that transition (ids ``<record id>-started`` and
  ``<record id>-completed``), as Statuspage's automatic transitions do.
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
* ``site.url`` is required to build for publishing, so ``page.url`` and ``shortlink`` are
  always URLs; only a local preview (``statusbook serve``) without it leaves them ``null``.
* Notification and social fields are constant: ``deliver_notifications: true``,
  ``custom_tweet``/``tweet_id``: ``null``; ``showcase: true`` and
  ``only_show_if_degraded: false`` for every component.
* Timestamps are UTC (``Z``) with milliseconds; ``time_zone`` is the catalog's display zone.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.derive.snapshot import Snapshot
from statusbook.i18n import Translator
from statusbook.model import Catalog, Component, RecordStatus, UpdateStatus, worst_status
from statusbook.render import wording
from statusbook.render.ical import site_key
from statusbook.render.text import plain_text
from statusbook.render.urls import incident_link, site_base

#: Statuspage's page size for ``incidents.json`` and ``scheduled-maintenances.json``.
LIST_LIMIT = 50
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
    seed = site_key(base) if base else catalog.site.name
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
    """Builds every document from one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.catalog = catalog = snapshot.catalog
        self.now = snapshot.now
        #: Cancelled windows do not exist for Statuspage consumers.
        self.records = [s for s in snapshot.records if s.status is not RecordStatus.CANCELLED]
        self.base = site_base(catalog)
        self.page_id = page_id(catalog)
        self.names = {component.id: component.name for component in catalog.components}
        self.statuses = snapshot.components
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
        incidents = [s for s in self.records if not s.is_maintenance]
        maintenance = [s for s in self.records if s.is_maintenance]
        incidents.sort(key=lambda s: (s.record.started, s.id), reverse=True)
        maintenance.sort(key=lambda s: (_scheduled_for(s), s.id), reverse=True)
        open_incidents = [s for s in incidents if s.is_open]
        current = [s for s in maintenance if s.is_open]
        shown = [*incidents[:LIST_LIMIT], *open_incidents, *maintenance[:LIST_LIMIT], *current]
        built: dict[str, Json] = {}
        for state in shown:
            if state.id not in built:
                built[state.id] = self.incident(state)
        incident_objects = [built[s.id] for s in incidents[:LIST_LIMIT]]
        unresolved = [built[s.id] for s in open_incidents]
        maintenance_objects = [built[s.id] for s in maintenance[:LIST_LIMIT]]
        current_objects = [built[s.id] for s in reversed(current)]
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
        changes = [*self.touched.values(), *(s.last_changed for s in self.records)]
        return {
            "id": self.page_id,
            "name": self.catalog.site.name,
            "url": self.base.rstrip("/") if self.base else None,
            "time_zone": self.catalog.site.time_zone,
            "updated_at": iso(max(changes, default=self.now)),
        }

    def status(self) -> Json:
        overall = self.snapshot.overall
        return {"indicator": overall.indicator, "description": overall.description}

    # --- components ----------------------------------------------------------------------

    def _component_updated_at(self) -> dict[str, datetime]:
        """When each component's status last changed by a record, at or before ``now``."""
        latest = {c.id: c.monitored_since for c in self.catalog.components}
        for state in self.records:
            for post in state.posts:
                for component in post.changes:
                    if component in latest and latest[component] < post.at:
                        latest[component] = post.at
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

    def incident(self, state: RecordState) -> Json:
        record = state.record
        item: Json = {
            "id": record.id,
            "name": record.title,
            "status": state.status.value,
            "created_at": iso(state.first_posted),
            "updated_at": iso(state.last_changed),
            "monitoring_at": _monitoring_at(state),
            "resolved_at": iso(state.ended) if state.ended and not state.is_open else None,
            "impact": "maintenance" if record.maintenance is not None else record.impact.value,
            "shortlink": incident_link(self.base, record.id) if self.base else None,
            "started_at": iso(record.started),
            "page_id": self.page_id,
            "incident_updates": self._updates(state),
            "components": [self.by_id[c] for c in record.affected_components if c in self.by_id],
        }
        if record.maintenance is not None:
            item["scheduled_for"] = iso(record.maintenance.scheduled_start)
            item["scheduled_until"] = iso(record.maintenance.scheduled_end)
        else:
            postmortem = record.postmortem
            if postmortem is None or postmortem.published is None:
                item["postmortem_body"] = None
                item["postmortem_published_at"] = None
            else:
                text = f"{postmortem.summary}\n\n{postmortem.root_cause}"
                item["postmortem_body"] = plain_text(text)
                item["postmortem_published_at"] = iso(postmortem.published)
        return item

    def _updates(self, state: RecordState) -> list[Json]:
        """Newest first, each with the component statuses it set."""
        t = self._translator()
        items = []
        for post in state.posts:
            message = wording.post_message(t, post)
            items.append(
                {
                    "id": f"{state.id}-{post.key}",
                    "status": _update_status(post),
                    "body": plain_text(message),
                    "incident_id": state.id,
                    "created_at": iso(post.at),
                    "updated_at": iso(post.at),
                    "display_at": iso(post.at),
                    "affected_components": [
                        {
                            "code": component,
                            "name": self.names.get(component, component),
                            "old_status": old.value,
                            "new_status": new.value,
                        }
                        for component, (old, new) in post.changes.items()
                    ]
                    or None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
            )
        return items[::-1]

    def _translator(self) -> Translator:
        site = self.catalog.site
        return Translator(site.language, site.time_zone)


def _update_status(post: Post) -> str:
    """An update's status as Statuspage knows it: a plain note carries the lifecycle, and a
    resolved incident's updates never read as ``postmortem``."""
    if post.lifecycle is RecordStatus.POSTMORTEM:
        return RecordStatus.RESOLVED.value
    return post.lifecycle.value


def _scheduled_for(state: RecordState) -> datetime:
    assert state.record.maintenance is not None
    return state.record.maintenance.scheduled_start


def _monitoring_at(state: RecordState) -> str | None:
    for post in state.posts:
        if post.status is UpdateStatus.MONITORING:
            return iso(post.at)
    return None


def api_documents(snapshot: Snapshot) -> dict[str, bytes]:
    """Every document as bytes, keyed by its path under ``api/v2/``."""
    return {path: dumps(document) for path, document in StatuspageApi(snapshot).documents().items()}
