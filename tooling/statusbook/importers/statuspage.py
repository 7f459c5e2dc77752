"""Atlassian Statuspage v2 incident JSON → drafts.

Reads ``incidents.json`` / ``scheduled-maintenances.json`` lists (``{page, incidents}``),
single-incident documents (``{page, incident}``), bare incident objects, or lists of them.
Updates arrive newest first and are put in time order; each update's
``affected_components`` transitions become the component statuses that update sets, and
the first update's impaired statuses become the record's initial ones. Postmortem text
(``postmortem_body`` or ``postmortem`` updates) goes into the Markdown body, because a
statusbook postmortem needs its summary and root cause written separately.

Delivery settings (``deliver_notifications``, ``tweet_id``, ``wants_twitter_update``…)
and Statuspage's own bookkeeping (``page_id``, ``updated_at``…) are not status
information and are ignored on purpose; anything else that cannot be carried over is
reported, including a custom tweet a person wrote.

Nothing in the JSON is trusted to have its documented type: a field that should be a
list and is a number, an id written as a number, text nested in lists, a document
nested thousands deep or starting with a byte-order mark are all read or reported, never
a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from statusbook.importers.common import (
    IMPAIRED,
    Draft,
    DraftUpdate,
    Reading,
    close_incident,
    impact_from,
    items_of,
    member,
    read_text,
    show,
    text_of,
)
from statusbook.model import ComponentStatus, Impact, Kind, UpdateStatus
from statusbook.timeutil import TimestampError, format_timestamp, parse_timestamp

ORIGIN = "x-statuspage"

INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
#: Fields read, or deliberately ignored (bookkeeping and notification settings).
KNOWN_INCIDENT_KEYS = {
    "id", "name", "status", "impact", "created_at", "updated_at", "monitoring_at",
    "resolved_at", "started_at", "shortlink", "page_id", "incident_updates", "components",
    "scheduled_for", "scheduled_until", "postmortem_body", "postmortem_published_at",
    "postmortem_body_last_updated_at", "postmortem_ignored", "postmortem_notified_subscribers",
    "postmortem_notified_twitter", "impact_override", "scheduled_remind_prior",
    "scheduled_reminded_at", "scheduled_auto_in_progress", "scheduled_auto_completed",
    "reminder_intervals", "metadata", "auto_transition_to_maintenance_state",
    "auto_transition_to_operational_state", "auto_transition_deliver_notifications_at_start",
    "auto_transition_deliver_notifications_at_end",
}  # fmt: skip
KNOWN_UPDATE_KEYS = {
    "id", "status", "body", "incident_id", "created_at", "updated_at", "display_at",
    "affected_components", "deliver_notifications", "custom_tweet", "tweet_id",
    "twitter_updated_at", "wants_twitter_update",
}  # fmt: skip
RESOLVED_MESSAGE = "This incident has been resolved."


def read_statuspage(paths: Sequence[Path]) -> tuple[list[Draft], list[str]]:
    """Drafts from Statuspage JSON files (or folders of them), and notes on what was skipped."""
    reading = read_statuspage_files(paths)
    return reading.drafts, [*reading.unreadable, *reading.notes]


def read_statuspage_files(paths: Sequence[Path]) -> Reading:
    """:func:`read_statuspage`, keeping apart the files that could not be read at all."""
    reading = Reading()
    notes = reading.notes
    by_id: dict[str, tuple[Draft, int]] = {}
    for path in _files(paths, notes):
        for label, incident in _incidents(path, reading):
            draft = draft_from_incident(incident, label, notes)
            if draft is None:
                continue
            size = len(items_of(incident.get("incident_updates")))
            earlier = by_id.get(draft.key)
            if earlier is not None:
                notes.append(
                    f"{label}: incident {draft.key} appears more than once; kept the copy with more updates"
                )
                if earlier[1] >= size:
                    continue
            by_id[draft.key] = (draft, size)
    drafts = [draft for draft, _ in by_id.values()]
    drafts.sort(key=lambda draft: (draft.started or draft.scheduled_start or _EPOCH, draft.key))
    reading.drafts = drafts
    return reading


_EPOCH = parse_timestamp("1970-01-01T00:00:00Z")


def _files(paths: Sequence[Path], notes: list[str]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.json"))
            if not found:
                notes.append(f"{path}: no .json files in this folder")
            yield from found
        else:
            yield path


def _incidents(path: Path, reading: Reading) -> Iterator[tuple[str, Mapping[str, Any]]]:
    notes = reading.notes
    text = read_text(path, reading)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        reading.cannot_read(f"{path}: not readable as JSON ({error}); skipped")
        return
    except RecursionError:
        reading.cannot_read(f"{path}: JSON nested too deeply to be a Statuspage export; skipped")
        return
    reading.documents += 1
    if isinstance(document, Mapping):
        if isinstance(document.get("incident"), Mapping):
            items: list[Any] = [document["incident"]]
        elif "incidents" in document or "scheduled_maintenances" in document:
            items = [
                *items_of(document.get("incidents")),
                *items_of(document.get("scheduled_maintenances")),
            ]
        elif "incident_updates" in document:
            items = [document]
        else:
            notes.append(f"{path}: not a Statuspage incident document; skipped")
            return
    elif isinstance(document, list):
        items = document
    else:
        notes.append(f"{path}: not a Statuspage incident document; skipped")
        return
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            notes.append(f"{path}: item {index + 1} is not an incident object; skipped")
            continue
        name = text_of(item.get("name")) or text_of(item.get("id")) or f"item {index + 1}"
        yield f"{path.name}: {name[:80]!r}", item


def draft_from_incident(incident: Mapping[str, Any], label: str, notes: list[str]) -> Draft | None:
    """One Statuspage incident or maintenance → a draft (``None``, with a note, if impossible)."""
    key, name = text_of(incident.get("id")), text_of(incident.get("name"))
    if not key or not name or not name.strip():
        notes.append(f"{label}: has no id or name; skipped")
        return None
    unknown = sorted(set(incident) - KNOWN_INCIDENT_KEYS)
    if unknown:
        notes.append(f"{label}: fields not imported: {', '.join(unknown)}")
    maintenance = (
        incident.get("scheduled_for") is not None or incident.get("impact") == "maintenance"
    )
    allowed = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES

    raw_updates = [u for u in items_of(incident.get("incident_updates")) if isinstance(u, Mapping)]
    timed = []
    for index, update in enumerate(raw_updates):
        at = _time(update.get("display_at") or update.get("created_at"))
        if at is None:
            notes.append(
                f"{label}: an update without a readable time was skipped: {show(update.get('body'))}"
            )
            continue
        timed.append((at, -index, update))
    timed.sort(key=lambda item: (item[0], item[1]))

    updates: list[DraftUpdate] = []
    postmortems: list[str] = []
    for at, _, update in timed:
        extra = sorted(set(update) - KNOWN_UPDATE_KEYS)
        if extra:
            notes.append(f"{label}: update fields not imported: {', '.join(extra)}")
        if update.get("custom_tweet"):
            notes.append(f"{label}: custom tweet not imported: {show(update['custom_tweet'])}")
        status = text_of(update.get("status")) or ""
        body = (text_of(update.get("body")) or "").strip()
        if status == "postmortem":
            if body:
                postmortems.append(body)
            continue
        if status not in allowed:
            notes.append(
                f"{label}: update status {status!r} has no equivalent; imported as 'update'"
            )
            status = UpdateStatus.UPDATE.value
        if not body:
            body = f"Status: {status.replace('_', ' ')}."
            notes.append(
                f"{label}: an update at {format_timestamp(at)} had no text; wrote {body!r}"
            )
        updates.append(
            DraftUpdate(
                at, UpdateStatus(status), body, components=_transitions(update, label, notes)
            )
        )
    if not updates:
        notes.append(f"{label}: has no updates; skipped")
        return None

    seen = _first_seen(incident, updates)
    draft = Draft(
        source=label,
        origin=ORIGIN,
        key=key,
        title=name.strip(),
        kind=Kind.MAINTENANCE if maintenance else Kind.OUTAGE,
        updates=updates,
        seen=seen,
        extension={"shortlink": shortlink} if (shortlink := _link(incident)) else {},
        descriptions={
            name: description.strip()
            for c in items_of(incident.get("components"))
            if isinstance(c, Mapping)
            and (name := text_of(c.get("name")))
            and (description := text_of(c.get("description")))
        },
    )
    if maintenance:
        if not _maintenance(draft, incident, notes):
            return None
    else:
        _incident(draft, incident, notes)
    postmortem = (text_of(incident.get("postmortem_body")) or "").strip()
    if postmortem:
        postmortems.insert(0, postmortem)
    if postmortems:
        draft.body = "## Postmortem\n\n" + "\n\n".join(postmortems)
        published = text_of(incident.get("postmortem_published_at"))
        if published:
            draft.extension["postmortem_published_at"] = published
        notes.append(
            f"{label}: the postmortem text is in the record's body; a statusbook postmortem needs "
            "a summary and a root cause written separately (statusbook postmortem ID)"
        )
    return draft


def _link(incident: Mapping[str, Any]) -> str | None:
    link = incident.get("shortlink")
    return link if isinstance(link, str) and link.startswith(("https://", "http://")) else None


def _incident(draft: Draft, incident: Mapping[str, Any], notes: list[str]) -> None:
    first = draft.updates[0]
    for component, status in list(first.components.items()):
        if status in IMPAIRED:
            draft.components[component] = status
            del first.components[component]
    if not draft.components and not any(update.components for update in draft.updates):
        _components_from_list(draft, incident, notes)
    statuses = [
        *draft.components.values(),
        *(s for u in draft.updates for s in u.components.values()),
    ]
    if any(s in (ComponentStatus.MAJOR_OUTAGE, ComponentStatus.PARTIAL_OUTAGE) for s in statuses):
        draft.kind = Kind.OUTAGE
    else:
        draft.kind = Kind.DEGRADATION
    impact = incident.get("impact")
    known = member(Impact, impact)
    if known is not None:
        draft.impact = known
    else:
        draft.impact = impact_from(statuses)
        notes.append(
            f"{draft.source}: impact {show(impact)} is unknown; derived {draft.impact.value!r}"
        )
    started = _time(incident.get("started_at")) or _time(incident.get("created_at")) or first.at
    draft.started = min(started, first.at)
    if incident.get("status") in ("resolved", "postmortem") or (
        draft.updates[-1].status is UpdateStatus.RESOLVED
    ):
        notes.extend(close_incident(draft, _time(incident.get("resolved_at")), RESOLVED_MESSAGE))


def _maintenance(draft: Draft, incident: Mapping[str, Any], notes: list[str]) -> bool:
    start, end = _time(incident.get("scheduled_for")), _time(incident.get("scheduled_until"))
    if start is None or end is None or end <= start:
        notes.append(f"{draft.source}: maintenance without a readable scheduled window; skipped")
        return False
    draft.scheduled_start, draft.scheduled_end = start, end
    # A window holds its components for its whole span; per-update transitions are folded in.
    for update in draft.updates:
        for component, status in update.components.items():
            if status in IMPAIRED:
                draft.components.setdefault(component, status)
        update.components = {}
    if not draft.components:
        _components_from_list(draft, incident, notes, ComponentStatus.UNDER_MAINTENANCE)
    in_progress = [u.at for u in draft.updates if u.status is UpdateStatus.IN_PROGRESS]
    if in_progress:
        draft.started = in_progress[0]
    if incident.get("status") == "completed":
        completed = [u.at for u in draft.updates if u.status is UpdateStatus.COMPLETED]
        end_time = _time(incident.get("resolved_at")) or (completed[-1] if completed else None)
        draft.completed = max(end_time or draft.updates[-1].at, draft.started or start)
    return True


def _components_from_list(
    draft: Draft,
    incident: Mapping[str, Any],
    notes: list[str],
    fallback: ComponentStatus | None = None,
) -> None:
    """Affected components listed without transitions: their status must be inferred."""
    listed = [
        (name, c)
        for c in items_of(incident.get("components"))
        if isinstance(c, Mapping) and (name := text_of(c.get("name")))
    ]
    if not listed:
        return
    by_impact = {
        "critical": ComponentStatus.MAJOR_OUTAGE,
        "major": ComponentStatus.PARTIAL_OUTAGE,
        "minor": ComponentStatus.DEGRADED_PERFORMANCE,
        "none": ComponentStatus.DEGRADED_PERFORMANCE,
    }
    guessed = fallback or by_impact.get(
        text_of(incident.get("impact")) or "", ComponentStatus.DEGRADED_PERFORMANCE
    )
    for name, component in listed:
        current = member(ComponentStatus, component.get("status"))
        draft.components[name] = current if current in IMPAIRED and fallback is None else guessed
    notes.append(
        f"{draft.source}: no component status changes in the updates; "
        f"{', '.join(draft.components)} recorded as {guessed.value} (inferred)"
    )


def _transitions(
    update: Mapping[str, Any], label: str, notes: list[str]
) -> dict[str, ComponentStatus]:
    result: dict[str, ComponentStatus] = {}
    for change in items_of(update.get("affected_components")):
        if not isinstance(change, Mapping):
            continue
        name = text_of(change.get("name")) or text_of(change.get("code"))
        status = change.get("new_status")
        known = member(ComponentStatus, status)
        if not name:
            notes.append(f"{label}: a component change without a name was skipped")
        elif known is not None:
            result[name] = known
        else:
            notes.append(
                f"{label}: component {show(name)} status {show(status)} is unknown; skipped"
            )
    return result


def _first_seen(incident: Mapping[str, Any], updates: list[DraftUpdate]) -> dict[str, datetime]:
    seen: dict[str, datetime] = {}
    for component in items_of(incident.get("components")):
        name = text_of(component.get("name")) if isinstance(component, Mapping) else None
        if name and isinstance(component, Mapping):
            when = _time(component.get("created_at")) or _time(component.get("start_date"))
            if when is not None:
                seen[name] = when
    for update in updates:
        for name in update.components:
            seen[name] = min(seen.get(name, update.at), update.at)
    return seen


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 10:
        text += "T00:00:00Z"
    try:
        return parse_timestamp(text)
    except (TimestampError, OverflowError):  # year 1 with +01:00 is before datetime.min
        return None
