"""What every importer shares: drafts by component *name*, planning, and an honest report.

An importer only translates a foreign format into :class:`Draft` records (plus notes on
what it could not map). Everything else happens here, once: component names are matched
to the catalog (or new components are planned), ids are chosen, each record is rendered
and validated exactly like a hand-made one, and records imported before are recognised by
their ``x-<origin>`` key so a second import changes nothing.

Foreign documents are untrusted input: any field may hold a number, a list or nothing
where text belongs, nest thousands deep, or carry control characters. The helpers at the
end read them defensively, and every draft's text is cleaned of what the validator would
refuse (:mod:`statusbook.load.limits`) before it is planned, with a note saying so.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from statusbook import edit
from statusbook.io.terminal import progress
from statusbook.load.limits import BODY, MULTILINE, strip_forbidden
from statusbook.load.records import discover, parse_source
from statusbook.model import (
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    Kind,
    MaintenanceState,
    UpdateStatus,
)
from statusbook.problems import Problem
from statusbook.timeutil import format_timestamp


@dataclass
class DraftUpdate:
    at: datetime
    status: UpdateStatus
    message: str
    author: str | None = None
    #: Statuses this update sets, by component *name* as the source spells it.
    components: dict[str, ComponentStatus] = field(default_factory=dict)


@dataclass
class Draft:
    """One record to import, before component names are mapped to catalog ids."""

    #: Where it came from, for messages (``incidents.json: "API down"``).
    source: str
    #: Extension key that marks imported records, e.g. ``x-statuspage``.
    origin: str
    #: The source system's id for the record: what makes re-imports recognisable.
    key: str
    title: str
    kind: Kind
    updates: list[DraftUpdate]
    impact: Impact | None = None
    started: datetime | None = None
    resolved: datetime | None = None
    components: dict[str, ComponentStatus] = field(default_factory=dict)
    scheduled_start: datetime | None = None
    scheduled_end: datetime | None = None
    completed: datetime | None = None
    state: MaintenanceState | None = None
    body: str = ""
    #: Written under ``origin`` next to ``id: key`` (source links, original values).
    extension: dict[str, Any] = field(default_factory=dict)
    #: When each component was first seen (for ``monitored_since`` of new components).
    seen: dict[str, datetime] = field(default_factory=dict)
    #: Descriptions the source gives its components (for new components).
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import did, and everything it could not carry over."""

    created: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    #: Imported before but different now: left as they are (they may have been edited).
    kept: list[Path] = field(default_factory=list)
    refused: list[tuple[str, list[Problem]]] = field(default_factory=list)
    components_added: list[Component] = field(default_factory=list)
    #: What could not be mapped, one sentence each, naming the source.
    notes: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """What a format reader got out of the files it was given."""

    drafts: list[Draft] = field(default_factory=list)
    #: What could not be mapped, one sentence each (also what was skipped on purpose).
    notes: list[str] = field(default_factory=list)
    #: Files that could not be read at all (not a file, not UTF-8, not JSON…), one sentence
    #: each: the import fails (exit 1) when there are any, whatever else it imported.
    unreadable: list[str] = field(default_factory=list)
    #: Files read as documents of the format, whatever they held; none means the import
    #: read nothing, and fails too.
    documents: int = 0

    def cannot_read(self, what: str) -> None:
        self.unreadable.append(what)


@dataclass
class ImportPlan:
    changes: list[edit.Change]
    catalog_change: edit.CatalogChange | None
    report: ImportReport


def plan_import(
    drafts: Sequence[Draft], catalog: Catalog, *, now: datetime, notes: Iterable[str] = ()
) -> ImportPlan:
    """Validated changes for ``drafts``; nothing is written."""
    report = ImportReport(notes=list(notes))
    drafts = [_cleaned(draft, report.notes) for draft in drafts]
    mapping, new_components = _map_components(drafts, catalog)
    prospective = catalog._replace(components=catalog.components + tuple(new_components))
    imported = _imported(catalog, {draft.origin for draft in drafts})
    changes: list[edit.Change] = []
    taken: set[str] = set()
    used: set[str] = set()
    ids = edit.record_ids(catalog)
    for draft in progress(drafts, "Checking records", len(drafts)):
        fields = _fields(draft, mapping)
        existing = imported.get((draft.origin, draft.key))
        if existing is not None:
            same = existing.read_bytes() == edit.render_record(fields, draft.body)
            (report.unchanged if same else report.kept).append(existing)
            continue
        try:
            change = edit.create_record(
                prospective, fields, body=draft.body, now=now, taken=taken, existing=ids
            )
        except edit.EditError as error:
            report.refused.append((draft.source, error.problems or []))
            if not error.problems:
                report.notes.append(f"{draft.source}: {error.message}")
            continue
        changes.append(change)
        taken.add(change.path.stem)
        used.update(change.incident.affected_components)
        report.created.append(change.path)
    needed = [component for component in new_components if component.id in used]
    report.components_added = needed
    catalog_change = edit.add_components(catalog, needed) if needed else None
    return ImportPlan(changes, catalog_change, report)


def apply_plan(plan: ImportPlan) -> None:
    """Write the catalog first (records refer to it), then each new record, atomically."""
    if plan.catalog_change is not None:
        edit.write(plan.catalog_change)
    for change in progress(plan.changes, "Writing records", len(plan.changes)):
        edit.write(change)


def _imported(catalog: Catalog, origins: set[str]) -> dict[tuple[str, str], Path]:
    """Records imported before, by (origin, source id)."""
    found: dict[tuple[str, str], Path] = {}
    if not catalog.records_dir.is_dir():
        return found
    for path in discover([catalog.records_dir]):
        try:
            data = parse_source(path, path.read_bytes()).data
        except OSError:
            continue
        if not isinstance(data, dict):
            continue
        for origin in origins:
            marker = data.get(origin)
            if isinstance(marker, dict) and marker.get("id") is not None:
                found[(origin, str(marker["id"]))] = path
    return found


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _map_components(
    drafts: Sequence[Draft], catalog: Catalog
) -> tuple[dict[str, str], list[Component]]:
    """Source component names → catalog ids, planning a new component for each unknown name."""
    known: dict[str, str] = {}
    for component in catalog.components:
        known.setdefault(_normal(component.name), component.id)
        known.setdefault(_normal(component.id), component.id)
    taken = set(catalog.component_ids)
    mapping: dict[str, str] = {}
    new: dict[str, Component] = {}
    for draft in drafts:
        names = [*draft.components, *(n for u in draft.updates for n in u.components)]
        for name in names:
            if name in mapping:
                continue
            match = known.get(_normal(name)) or known.get(edit.slugify(name, 40))
            if match is None:
                match = _new_id(name, taken)
                taken.add(match)
                since = draft.seen.get(name) or draft.started or draft.scheduled_start
                new[match] = Component(
                    id=match,
                    name=" ".join(name.split()),
                    monitored_since=_day_start(since or datetime.now(UTC)),
                    description=draft.descriptions.get(name),
                )
            mapping[name] = match
        for name, since in draft.seen.items():
            component_id = mapping.get(name)
            if component_id in new and _day_start(since) < new[component_id].monitored_since:
                new[component_id] = new[component_id]._replace(monitored_since=_day_start(since))
    return mapping, list(new.values())


def _new_id(name: str, taken: set[str]) -> str:
    base = edit.slugify(name, 40)
    base = "component" if base == "incident" and "incident" not in name.casefold() else base
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _day_start(instant: datetime) -> datetime:
    utc = instant.astimezone(UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)


def _fields(draft: Draft, mapping: dict[str, str]) -> dict[str, Any]:
    def ids(statuses: dict[str, ComponentStatus]) -> dict[str, ComponentStatus] | None:
        return {mapping[name]: status for name, status in statuses.items()} or None

    return {
        "title": draft.title,
        "kind": draft.kind,
        "impact": draft.impact,
        "scheduled_start": draft.scheduled_start,
        "scheduled_end": draft.scheduled_end,
        "started": draft.started,
        "resolved": draft.resolved,
        "completed": draft.completed,
        "state": draft.state,
        "components": ids(draft.components),
        "updates": [
            {
                "at": update.at,
                "status": update.status,
                "author": update.author,
                "message": update.message,
                "components": ids(update.components),
            }
            for update in draft.updates
        ],
        draft.origin: {"id": draft.key, **draft.extension},
    }


def _cleaned(draft: Draft, notes: list[str]) -> Draft:
    """``draft`` without control characters (or line breaks in one-line texts), noted.

    The validator refuses them (SB106), and they are never meant: an escape pasted into a
    status tool, a stray byte in an export. Dropping them keeps the record importable.
    """
    changed: set[str] = set()

    def line(text: str, what: str) -> str:
        cleaned = strip_forbidden(text)
        if cleaned == text:
            return text
        changed.add(what)
        return " ".join(cleaned.split())

    def lines(text: str, what: str, allowed: str = MULTILINE) -> str:
        cleaned = strip_forbidden(text, allowed)
        if cleaned != text:
            changed.add(what)
        return cleaned

    def names(statuses: dict[str, ComponentStatus]) -> dict[str, ComponentStatus]:
        return {line(name, "component names"): status for name, status in statuses.items()}

    result = replace(
        draft,
        title=line(draft.title, "the title"),
        body=lines(draft.body, "the body", BODY),
        components=names(draft.components),
        updates=[
            replace(
                update,
                message=lines(update.message, "update messages"),
                author=None if update.author is None else line(update.author, "authors"),
                components=names(update.components),
            )
            for update in draft.updates
        ],
        seen={line(name, "component names"): at for name, at in draft.seen.items()},
        descriptions={
            line(name, "component names"): line(text, "component descriptions")
            for name, text in draft.descriptions.items()
        },
    )
    if changed:
        notes.append(
            f"{draft.source}: removed control characters (or line breaks in one-line text) from "
            f"{', '.join(sorted(changed))}"
        )
    return result


# --- helpers the format modules share ---------------------------------------------------------

#: The largest file an importer reads: a Statuspage export of thousands of incidents fits.
MAX_IMPORT_BYTES = 64 * 1024 * 1024


def read_text(path: Path, reading: Reading, label: str | None = None) -> str | None:
    """A file's text (UTF-8, a byte-order mark dropped), or ``None`` with a reason noted.

    Only regular files are opened, and without blocking, so a named pipe given by mistake
    cannot hang the import.
    """
    name = label or str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        reading.cannot_read(f"{name}: cannot be read ({error.strerror or error})")
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            reading.cannot_read(f"{name}: not a regular file; skipped")
            return None
        if status.st_size > MAX_IMPORT_BYTES:
            reading.cannot_read(f"{name}: larger than {MAX_IMPORT_BYTES // 2**20} MiB; skipped")
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            raw = stream.read(MAX_IMPORT_BYTES + 1)
    except OSError as error:
        reading.cannot_read(f"{name}: cannot be read ({error.strerror or error})")
        return None
    finally:
        os.close(descriptor)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reading.cannot_read(f"{name}: not UTF-8 text (byte {error.start}); skipped")
        return None


def text_of(value: object) -> str | None:
    """A foreign field as text: text as it is, a number written out, anything else None.

    Never ``str()`` of a list or mapping: an aliased or deeply nested structure would be
    expanded (exponentially, or past the recursion limit).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def show(value: object) -> str:
    """A foreign value for a note: scalars quoted, containers only named."""
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 80 else value[:77] + "...")
    return f"a {type(value).__name__}"


def items_of(value: object) -> list[Any]:
    """A foreign list field: the list, or nothing for whatever else stands there."""
    return value if isinstance(value, list) else []


IMPAIRED = {status for status in ComponentStatus if status is not ComponentStatus.OPERATIONAL}

_Member = TypeVar("_Member", bound=StrEnum)


def member(vocabulary: type[_Member], value: object) -> _Member | None:
    """The member of ``vocabulary`` spelled ``value`` in a foreign document, or None."""
    if isinstance(value, str) and value in vocabulary._value2member_map_:
        return vocabulary(value)
    return None


def close_incident(draft: Draft, resolved: datetime | None, resolved_message: str) -> list[str]:
    """Make a resolved draft consistent: a final ``resolved`` update, ``resolved`` after all.

    The source may say "resolved" without a resolving post, or give a resolution time
    before the last post; both are fixed here and reported, never silently.
    """
    notes: list[str] = []
    last = draft.updates[-1] if draft.updates else None
    when = resolved or (last.at if last else draft.started)
    if when is None:
        return notes
    if last is None or last.status is not UpdateStatus.RESOLVED:
        at = max(when, last.at) if last else when
        draft.updates.append(DraftUpdate(at, UpdateStatus.RESOLVED, resolved_message))
        notes.append(
            f"{draft.source}: resolved without a resolving update; added one saying "
            f"{resolved_message!r} at {format_timestamp(at)}"
        )
    final = draft.updates[-1].at
    # Records keep whole seconds, so a sub-second difference is no disagreement.
    if when.replace(microsecond=0) < final.replace(microsecond=0):
        notes.append(
            f"{draft.source}: resolution time {format_timestamp(when)} is before the last "
            f"update; recorded as {format_timestamp(final)}"
        )
    draft.resolved = max(when, final)
    return notes


def impact_from(statuses: Iterable[ComponentStatus]) -> Impact:
    """The impact Statuspage would derive from component statuses."""
    ranks = {
        ComponentStatus.MAJOR_OUTAGE: Impact.CRITICAL,
        ComponentStatus.PARTIAL_OUTAGE: Impact.MAJOR,
        ComponentStatus.DEGRADED_PERFORMANCE: Impact.MINOR,
    }
    impacts = [ranks[status] for status in statuses if status in ranks]
    return max(impacts, key=lambda impact: impact.rank, default=Impact.NONE)
