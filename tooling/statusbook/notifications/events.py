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

from statusbook.derive.lifecycle import first_posted, update_transitions
from statusbook.load.records import parse_source
from statusbook.model import (
    ComponentStatus,
    Incident,
    MaintenanceState,
    UpdateStatus,
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
    record: Incident
    #: The number (from 1) of the update that announced it; ``None`` for the clock's changes.
    update: int | None
    #: Component statuses the change set, ``{component: (old, new)}`` within the record.
    changes: Changes = field(default_factory=dict)
    #: For ``component.updated``: which component.
    component: str | None = None
    #: For ``component.updated``: the event that carried it.
    parent: str | None = None

    @property
    def components(self) -> tuple[str, ...]:
        """The components the event is about, for subscription filters."""
        return (self.component,) if self.component else self.record.affected_components


def published(files: Mapping[Path, bytes]) -> dict[str, Published]:
    """What each record file of the base said, read leniently.

    The base is not validated: a record that no longer passes today's rules (a component
    since renamed) was still published, and treating it as new would announce it again.
    """
    result: dict[str, Published] = {}
    for path, raw in sorted(files.items()):
        data = parse_source(path, raw).data
        data = data if isinstance(data, dict) else {}
        updates = data.get("updates")
        record_id = path.stem
        result.setdefault(
            record_id,
            Published(
                record_id,
                len(updates) if isinstance(updates, list) else 0,
                data.get("state") == MaintenanceState.CANCELLED.value,
            ),
        )
    return result


def find_events(
    base: Mapping[str, Published], current: Iterable[Incident], *, since: datetime, now: datetime
) -> list[Event]:
    """Every change from ``base`` to ``current``, oldest first.

    ``since`` bounds the clock's transitions (maintenance starting or completing by itself);
    changes people made are found by comparing the records, whatever their times.
    """
    events: list[Event] = []
    for record in current:
        found = list(_record_events(record, base.get(record.id), since, now))
        events.extend(found)
        events.extend(_component_events(found))
    events.sort(key=lambda event: (event.at, event.record.id, event.id))
    return events


def _record_events(
    record: Incident, before: Published | None, since: datetime, now: datetime
) -> Iterable[Event]:
    window = record.maintenance
    transitions = update_transitions(record)
    changes_by_update = _update_changes(record, transitions)
    if before is None:
        if window is not None and window.state is MaintenanceState.CANCELLED:
            return  # planned and called off before anyone was told: nothing to announce
        count = len(record.updates)
        kind = EventKind.MAINTENANCE_SCHEDULED if window else EventKind.INCIDENT_CREATED
        suffix = "scheduled" if window else "created"
        yield Event(
            f"{record.id}/{suffix}",
            kind,
            first_posted(record),
            record,
            count or None,
            _merge(changes_by_update),
        )
        first_new = count
    else:
        first_new = min(before.updates, len(record.updates))
    for index in range(first_new, len(record.updates)):
        update = record.updates[index]
        plain = EventKind.MAINTENANCE_UPDATED if window else EventKind.INCIDENT_UPDATED
        yield Event(
            f"{record.id}/u{index + 1}",
            _UPDATE_KINDS.get(update.status, plain),
            update.at,
            record,
            index + 1,
            changes_by_update[index],
        )
    if window is None:
        return
    announced = {update.status for update in record.updates}
    held = _held(transitions, record)
    if window.state is MaintenanceState.CANCELLED:
        if before is not None and not before.cancelled and UpdateStatus.CANCELLED not in announced:
            last = record.updates[-1].at if record.updates else now
            yield Event(
                f"{record.id}/cancelled", EventKind.MAINTENANCE_CANCELLED, last, record, None
            )
        return
    state = window.state_at(now)
    start = window.started or window.scheduled_start
    end = window.completed or window.scheduled_end
    if (
        state in (MaintenanceState.IN_PROGRESS, MaintenanceState.COMPLETED)
        and since < start <= now
        and UpdateStatus.IN_PROGRESS not in announced
    ):
        changes = {c: (ComponentStatus.OPERATIONAL, s) for c, s in record.components.items()}
        yield Event(
            f"{record.id}/started", EventKind.MAINTENANCE_STARTED, start, record, None, changes
        )
    if (
        state is MaintenanceState.COMPLETED
        and since < end <= now
        and UpdateStatus.COMPLETED not in announced
    ):
        changes = {
            c: (s, ComponentStatus.OPERATIONAL)
            for c, s in held.items()
            if s is not ComponentStatus.OPERATIONAL
        }
        yield Event(
            f"{record.id}/completed", EventKind.MAINTENANCE_COMPLETED, end, record, None, changes
        )


def _update_changes(record: Incident, transitions: Sequence[Changes]) -> list[Changes]:
    """Per update, the component statuses it changed.

    A maintenance window holds its components only while it runs, so of its updates only
    the one announcing the start (the planned statuses begin) and the one announcing the
    end (they return to operational) change anything; the clock's own start and end are
    events of their own.
    """
    if record.maintenance is None:
        return list(transitions)
    result: list[Changes] = []
    held: dict[str, ComponentStatus] = {}
    for update, changes in zip(record.updates, transitions, strict=True):
        held.update({component: new for component, (_old, new) in changes.items()})
        if update.status is UpdateStatus.IN_PROGRESS:
            result.append(
                {
                    component: (ComponentStatus.OPERATIONAL, status)
                    for component, status in held.items()
                    if status is not ComponentStatus.OPERATIONAL
                }
            )
        elif update.status is UpdateStatus.COMPLETED:
            result.append(
                {
                    c: (old, new)
                    for c, (old, new) in changes.items()
                    if new is ComponentStatus.OPERATIONAL
                }
            )
        else:
            result.append({})
    return result


def _merge(transitions: Sequence[Changes]) -> dict[str, tuple[ComponentStatus, ComponentStatus]]:
    """Several updates' changes as one: the first old status, the last new one."""
    merged: dict[str, tuple[ComponentStatus, ComponentStatus]] = {}
    for changes in transitions:
        for component, (old, new) in changes.items():
            merged[component] = (merged.get(component, (old, new))[0], new)
    return {c: (old, new) for c, (old, new) in merged.items() if old is not new}


def _held(transitions: Sequence[Changes], record: Incident) -> dict[str, ComponentStatus]:
    held = dict(record.components)
    for changes in transitions:
        held.update({component: new for component, (_old, new) in changes.items()})
    return held


def _component_events(events: Iterable[Event]) -> Iterable[Event]:
    for event in events:
        for component, (old, new) in event.changes.items():
            if old is new:
                continue
            yield Event(
                f"{event.id}/{component}",
                EventKind.COMPONENT_UPDATED,
                event.at,
                event.record,
                event.update,
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
