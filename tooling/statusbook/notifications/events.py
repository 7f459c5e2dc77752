"""What changed on the page since a base revision, as events worth a push notification.

Feeds are pull; during an incident people want push. Given what a base revision had
published and the records as they are now, :func:`find_events` lists each change once:
a new incident or maintenance, each new update (resolutions and maintenance transitions
announced by an update get their own kind), and the maintenance transitions the clock
makes without a commit — a window that started or completed in ``(since, now]``, where
``since`` is the base commit's time. :func:`plan` turns events into one message per event
per subscribed webhook; :mod:`statusbook.messages` shapes the bodies.

Event ids are stable, so a sent-log keyed by them makes a second run over the same range
send nothing new:

* ``<record>/created`` and ``<record>/scheduled`` — a record the base did not have;
* ``<record>/u<n>`` — update number ``n`` (from 1, as the API numbers them); records are
  append-only, so an update keeps its number;
* ``<record>/started``, ``<record>/completed`` — a window's clock transitions;
  ``<record>/cancelled`` — a window cancelled by its ``state`` without an update saying so;
* ``<event>/<component>`` — a component status change the event carries (generic JSON
  webhooks only: chat messages already list the components).

Pure: no files, no network, no clock. The adapters are ``cli/notify.py`` and
:mod:`statusbook.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.derive.snapshot import Snapshot
from statusbook.load.records import parse_source
from statusbook.model import (
    ComponentStatus,
    Incident,
    MaintenanceState,
    RecordStatus,
    UpdateStatus,
    Visibility,
    Webhook,
    WebhookType,
)

Changes = Mapping[str, tuple[ComponentStatus, ComponentStatus]]


class EventKind(StrEnum):
    INCIDENT_CREATED = "incident.created"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_RESOLVED = "incident.resolved"
    MAINTENANCE_SCHEDULED = "maintenance.scheduled"
    MAINTENANCE_UPDATED = "maintenance.updated"
    MAINTENANCE_STARTED = "maintenance.started"
    MAINTENANCE_COMPLETED = "maintenance.completed"
    MAINTENANCE_CANCELLED = "maintenance.cancelled"
    COMPONENT_UPDATED = "component.updated"


#: The kind a clock transition is.
_CLOCK_KINDS = {
    "started": EventKind.MAINTENANCE_STARTED,
    "completed": EventKind.MAINTENANCE_COMPLETED,
}
#: The kind an update announces by its status; anything else is a plain update.
_UPDATE_KINDS = {
    UpdateStatus.RESOLVED: EventKind.INCIDENT_RESOLVED,
    UpdateStatus.IN_PROGRESS: EventKind.MAINTENANCE_STARTED,
    UpdateStatus.COMPLETED: EventKind.MAINTENANCE_COMPLETED,
    UpdateStatus.CANCELLED: EventKind.MAINTENANCE_CANCELLED,
}


@dataclass(frozen=True, slots=True)
class Published:
    """What the base revision had published of one record: enough to tell what is new."""

    id: str
    updates: int
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """One change worth telling subscribers about."""

    id: str
    kind: EventKind
    at: datetime
    #: The record's standing at ``now`` (its record holds what is known then).
    state: RecordState
    #: The post that announced it: a written update, or the clock's transition; ``None``
    #: for a new record (it may carry several updates) and a cancellation by ``state:``.
    post: Post | None
    #: Component statuses the change set, ``{component: (old, new)}`` within the record.
    changes: Changes = field(default_factory=dict)
    #: For ``component.updated``: which component.
    component: str | None = None
    #: For ``component.updated``: the event that carried it.
    parent: str | None = None

    @property
    def record(self) -> Incident:
        return self.state.record

    @property
    def components(self) -> tuple[str, ...]:
        """The components the event is about, for subscription filters."""
        return (self.component,) if self.component else self.record.affected_components

    @property
    def posts(self) -> tuple[Post, ...]:
        """The record's posts up to and including this event's (all of them for a new record)."""
        if self.post is None:
            return self.state.posts
        return self.state.posts[: self.state.posts.index(self.post) + 1]


def published(files: Mapping[Path, bytes]) -> dict[str, Published]:
    """What each record file of the base said, read leniently.

    The base is not validated: a record that no longer passes today's rules (a component
    since renamed) was still published, and treating it as new would announce it again.

    Notifications go to the public: only public records and updates count, as the public
    snapshot numbers them (an internal record made public later is news then).
    """
    result: dict[str, Published] = {}
    for path, raw in sorted(files.items()):
        data = parse_source(path, raw).data
        data = data if isinstance(data, dict) else {}
        if data.get("visibility") == Visibility.INTERNAL.value:
            continue
        updates = data.get("updates")
        record_id = path.stem
        result.setdefault(
            record_id,
            Published(
                record_id,
                _public_updates(updates),
                data.get("state") == MaintenanceState.CANCELLED.value,
            ),
        )
    return result


def _public_updates(updates: Any) -> int:
    if not isinstance(updates, list):
        return 0
    internal = Visibility.INTERNAL.value
    return sum(1 for u in updates if not (isinstance(u, dict) and u.get("visibility") == internal))


def find_events(
    base: Mapping[str, Published], snapshot: Snapshot, *, since: datetime
) -> list[Event]:
    """Every change from ``base`` to the snapshot, oldest first.

    Changes people made are found by comparing the records, whatever their times (updates
    stamped after ``now`` are not in the snapshot yet, so they are not sent yet); the
    clock's transitions count when they happened in ``(since, now]``.
    """
    events: list[Event] = []
    for state in snapshot.records:
        found = list(_record_events(state, base.get(state.id), since))
        events.extend(found)
        events.extend(_component_events(found))
    events.sort(key=lambda event: (event.at, event.record.id, event.id))
    return events


def _record_events(
    state: RecordState, before: Published | None, since: datetime
) -> Iterable[Event]:
    record = state.record
    written = [post for post in state.posts if not post.derived]
    if before is None:
        if state.status is RecordStatus.CANCELLED:
            return  # planned and called off before anyone was told: nothing to announce
        maintenance = state.is_maintenance
        yield Event(
            f"{record.id}/{'scheduled' if maintenance else 'created'}",
            EventKind.MAINTENANCE_SCHEDULED if maintenance else EventKind.INCIDENT_CREATED,
            state.first_posted,
            state,
            None,
            _merge(post.changes for post in written),
        )
        announced = len(written)
    else:
        announced = before.updates
    plain = EventKind.MAINTENANCE_UPDATED if state.is_maintenance else EventKind.INCIDENT_UPDATED
    for post in state.posts:
        if post.number is not None and post.number <= announced:
            continue
        if post.derived and not since < post.at:
            continue
        kind = _CLOCK_KINDS[post.key] if post.derived else _UPDATE_KINDS.get(post.status, plain)
        yield Event(f"{record.id}/{post.key}", kind, post.at, state, post, post.changes)
    if (
        before is not None
        and not before.cancelled
        and state.status is RecordStatus.CANCELLED
        and all(post.status is not UpdateStatus.CANCELLED for post in written)
    ):
        yield Event(
            f"{record.id}/cancelled",
            EventKind.MAINTENANCE_CANCELLED,
            state.last_changed,
            state,
            None,
        )


def _merge(changes: Iterable[Changes]) -> dict[str, tuple[ComponentStatus, ComponentStatus]]:
    """Several posts' changes as one: the first old status, the last new one."""
    merged: dict[str, tuple[ComponentStatus, ComponentStatus]] = {}
    for change in changes:
        for component, (old, new) in change.items():
            merged[component] = (merged.get(component, (old, new))[0], new)
    return {c: (old, new) for c, (old, new) in merged.items() if old is not new}


def _component_events(events: Iterable[Event]) -> Iterable[Event]:
    for event in events:
        for component, (old, new) in event.changes.items():
            if old is new:
                continue
            yield Event(
                f"{event.id}/{component}",
                EventKind.COMPONENT_UPDATED,
                event.at,
                event.state,
                event.post,
                {component: (old, new)},
                component=component,
                parent=event.id,
            )


# --- subscriptions --------------------------------------------------------------------------


def subscribed(webhook: Webhook, event: Event) -> bool:
    """Whether ``webhook`` wants ``event``, by its type and its component and impact filters."""
    if event.kind is EventKind.COMPONENT_UPDATED and webhook.type is not WebhookType.JSON:
        return False
    if webhook.components and not set(event.components) & set(webhook.components):
        return False
    record = event.record
    if record.is_maintenance:
        return webhook.maintenance
    return webhook.min_impact is None or record.impact.rank >= webhook.min_impact.rank


@dataclass(frozen=True, slots=True)
class Message:
    """One POST to make: an event rendered for one webhook."""

    event: Event
    webhook: Webhook
    body: Mapping[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        """What the sent-log records: the event, and the webhook it went to."""
        return (self.event.id, self.webhook.name)


def plan(
    webhooks: Sequence[Webhook],
    events: Sequence[Event],
    render: Callable[[Event, WebhookType], Mapping[str, Any]],
) -> list[Message]:
    """One message per event per subscribed webhook, webhook by webhook, events in order.

    ``render(event, webhook_type)`` makes a body (see :class:`statusbook.messages.Renderer`).
    """
    bodies: dict[tuple[str, WebhookType], Mapping[str, Any]] = {}
    messages = []
    for webhook in webhooks:
        for event in events:
            if not subscribed(webhook, event):
                continue
            key = (event.id, webhook.type)
            if key not in bodies:
                bodies[key] = render(event, webhook.type)
            messages.append(Message(event, webhook, bodies[key]))
    return messages
