"""When a record was first posted and last changed: facts of the record itself, no clock."""

from __future__ import annotations

from datetime import UTC, datetime

from statusbook.model import ComponentStatus, Incident, UpdateStatus


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


def update_transitions(
    record: Incident,
) -> list[dict[str, tuple[ComponentStatus, ComponentStatus]]]:
    """Per update, ``{component: (old, new)}`` within the record: the initial statuses count
    as set by the first update; resolving or completing returns the rest to operational."""
    held: dict[str, ComponentStatus] = {}
    result = []
    for index, update in enumerate(record.updates):
        changes: dict[str, tuple[ComponentStatus, ComponentStatus]] = {}
        sets = list(record.components.items()) if index == 0 else []
        sets += list(update.components.items())
        for component, status in sets:
            old = held.get(component, ComponentStatus.OPERATIONAL)
            changes[component] = (changes.get(component, (old, status))[0], status)
            held[component] = status
        if update.status in (UpdateStatus.RESOLVED, UpdateStatus.COMPLETED):
            for component, status in list(held.items()):
                if status is not ComponentStatus.OPERATIONAL:
                    old = changes.get(component, (status, status))[0]
                    changes[component] = (old, ComponentStatus.OPERATIONAL)
                    held[component] = ComponentStatus.OPERATIONAL
        result.append(changes)
    return result
