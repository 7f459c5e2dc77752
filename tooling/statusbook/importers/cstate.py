"""cState issues (``content/issues/*.md``) → drafts.

Front matter gives ``severity`` (``down`` > ``disrupted`` > ``notice``, the last shown as
maintenance), ``affected`` (system names), ``resolved`` and ``resolvedWhen``. Updates live
in the body by convention, newest first, one paragraph each::

    *Investigating* - We're aware of connection issues. {{< track "2018-04-13 15:54:00" >}}

Those paragraphs become dated updates (the starred word is the status); every other
paragraph stays in the Markdown body, so no text is lost. Dates without a zone are UTC.

Front matter is read as untrusted: keys that are numbers, titles that are lists, dates
out of Python's range and deeply nested YAML or TOML are reported, never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from statusbook.importers.common import (
    Draft,
    DraftUpdate,
    Reading,
    close_incident,
    read_text,
    show,
    text_of,
)
from statusbook.load.records import parse_yaml
from statusbook.model import ComponentStatus, Impact, Kind, UpdateStatus
from statusbook.timeutil import format_timestamp

ORIGIN = "x-cstate"

#: Severity → kind, impact and component status; impact follows Statuspage's derivation.
SEVERITIES = {
    "down": (Kind.OUTAGE, Impact.CRITICAL, ComponentStatus.MAJOR_OUTAGE),
    "disrupted": (Kind.OUTAGE, Impact.MAJOR, ComponentStatus.PARTIAL_OUTAGE),
}
INCIDENT_WORDS = {
    "investigating": UpdateStatus.INVESTIGATING,
    "identified": UpdateStatus.IDENTIFIED,
    "monitoring": UpdateStatus.MONITORING,
    "resolved": UpdateStatus.RESOLVED,
    "update": UpdateStatus.UPDATE,
    "updated": UpdateStatus.UPDATE,
}
MAINTENANCE_WORDS = {
    "scheduled": UpdateStatus.SCHEDULED,
    "planned": UpdateStatus.SCHEDULED,
    "upcoming": UpdateStatus.SCHEDULED,
    "in progress": UpdateStatus.IN_PROGRESS,
    "started": UpdateStatus.IN_PROGRESS,
    "verifying": UpdateStatus.VERIFYING,
    "completed": UpdateStatus.COMPLETED,
    "complete": UpdateStatus.COMPLETED,
    "resolved": UpdateStatus.COMPLETED,
    "update": UpdateStatus.UPDATE,
    "updated": UpdateStatus.UPDATE,
}
#: Front matter keys read, or ignored on purpose (Hugo and cState display settings).
KNOWN_KEYS = {
    "title", "date", "section", "resolved", "resolvedWhen", "severity", "affected",
    "informational", "pin", "draft", "automated", "id", "lastmod", "lastMod", "description",
}  # fmt: skip
RESOLVED_MESSAGE = "This incident has been resolved."

_TRACK = re.compile(r"\{\{[<%]\s*track\s+[\"']([^\"']+)[\"']\s*[>%]\}\}")
_STATUS = re.compile(r"^\s*(\*{1,2}|_{1,2})([^*_]+?)\1\s*(?:[-–—:]\s*)?")
_FRONT_MATTER = re.compile(
    r"\A(---|\+\+\+)[ \t]*\r?\n(.*?)^\1[ \t]*\r?$\n?", re.DOTALL | re.MULTILINE
)


def issues_folder(folder: Path) -> Path:
    """``content/issues`` under a cState site, or ``folder`` itself."""
    nested = folder / "content" / "issues"
    return nested if nested.is_dir() else folder


def read_cstate(folder: Path, *, now: datetime) -> tuple[list[Draft], list[str]]:
    """Drafts from every issue under ``folder``, and notes on what could not be mapped.

    ``now`` only matters for an upcoming notice: cState keeps no announcement time, and a
    record's first update cannot be in the future.
    """
    reading = read_cstate_folder(folder, now=now)
    return reading.drafts, [*reading.unreadable, *reading.notes]


def read_cstate_folder(folder: Path, *, now: datetime) -> Reading:
    """:func:`read_cstate`, keeping apart the files that could not be read at all."""
    reading = Reading()
    issues = issues_folder(folder)
    files = sorted(p for p in issues.glob("*.md") if not p.name.startswith(("_", ".")))
    if not files:
        reading.notes.append(f"{issues}: no cState issues (*.md) found")
    for path in files:
        draft = draft_from_issue(path, issues, now, reading)
        if draft is not None:
            reading.drafts.append(draft)
    return reading


def draft_from_issue(path: Path, root: Path, now: datetime, reading: Reading) -> Draft | None:
    label = path.relative_to(root).as_posix()
    notes = reading.notes
    text = read_text(path, reading, label)
    if text is None:
        return None
    meta, body = _split(text, label, reading)
    if meta is None:
        return None
    unknown = sorted(str(key) for key in set(meta) - KNOWN_KEYS)
    if unknown:
        notes.append(f"{label}: fields not imported: {', '.join(unknown)}")
    if meta.get("informational"):
        notes.append(
            f"{label}: an informational post, not an incident; statusbook has no such posts; skipped"
        )
        return None
    if meta.get("draft"):
        notes.append(f"{label}: a draft cState never published; skipped")
        return None
    started = _time(meta.get("date"))
    if started is None:
        notes.append(f"{label}: no readable 'date'; skipped")
        return None
    title = (text_of(meta.get("title")) or "").strip() or path.stem
    severity = (text_of(meta.get("severity")) or "").strip().lower()
    maintenance = severity == "notice"
    if not maintenance and severity not in SEVERITIES:
        notes.append(f"{label}: severity {severity or None!r} is unknown; imported as 'disrupted'")
        severity = "disrupted"

    words = MAINTENANCE_WORDS if maintenance else INCIDENT_WORDS
    updates, kept = _updates(body, words, label, notes)
    names = _affected(meta.get("affected"), label, notes)
    draft = Draft(
        source=label,
        origin=ORIGIN,
        key=label,
        title=title,
        kind=Kind.MAINTENANCE,
        updates=updates,
        body=kept,
        seen=dict.fromkeys(names, started),
    )
    cstate_id = text_of(meta.get("id"))
    if cstate_id is not None:
        draft.extension["cstate_id"] = cstate_id
    resolved_when = _time(meta.get("resolvedWhen"))
    if maintenance:
        _notice(draft, started, resolved_when, bool(meta.get("resolved")), names, now, notes)
    else:
        kind, impact, status = SEVERITIES[severity]
        draft.kind, draft.impact, draft.started = kind, impact, started
        draft.components = dict.fromkeys(names, status)
        if not draft.updates:
            _single_update(draft, started, UpdateStatus.INVESTIGATING, notes)
        if draft.updates[0].at < started:
            draft.started = draft.updates[0].at
        if meta.get("resolved"):
            notes.extend(close_incident(draft, resolved_when, RESOLVED_MESSAGE))
            if resolved_when is not None and draft.resolved != resolved_when:
                draft.extension["resolvedWhen"] = format_timestamp(resolved_when)
    return draft


def _notice(
    draft: Draft,
    start: datetime,
    end: datetime | None,
    resolved: bool,
    names: list[str],
    now: datetime,
    notes: list[str],
) -> None:
    draft.scheduled_start = start
    draft.components = dict.fromkeys(names, ComponentStatus.UNDER_MAINTENANCE)
    if not draft.updates:
        announced = min(start, now)
        if announced < start:
            notes.append(
                f"{draft.source}: cState keeps no announcement time for this upcoming notice; "
                f"the 'scheduled' update is dated {format_timestamp(announced)}, the time of the import"
            )
        _single_update(draft, announced, UpdateStatus.SCHEDULED, notes)
    last = draft.updates[-1].at
    if end is None or end <= start:
        end = last if last > start else start + timedelta(hours=1)
        notes.append(
            f"{draft.source}: the notice has no end time; the window was set to end at "
            f"{format_timestamp(end)}, check it"
        )
    draft.scheduled_end = end
    if resolved:
        draft.completed = end


def _single_update(draft: Draft, at: datetime, status: UpdateStatus, notes: list[str]) -> None:
    """No dated paragraphs: the body (or the title) becomes the one update."""
    message = draft.body.strip() or draft.title
    draft.body = ""
    draft.updates.append(DraftUpdate(at, status, message))
    notes.append(
        f"{draft.source}: no dated updates ({{{{< track >}}}}); the text became one "
        f"{status.value!r} update at {format_timestamp(at)}"
    )


def _updates(
    body: str, words: Mapping[str, UpdateStatus], label: str, notes: list[str]
) -> tuple[list[DraftUpdate], str]:
    """Dated paragraphs → updates (oldest first); the other paragraphs → the kept body."""
    updates: list[tuple[datetime, int, DraftUpdate]] = []
    kept: list[str] = []
    for index, paragraph in enumerate(re.split(r"\n[ \t]*\n", body.strip())):
        track = _TRACK.search(paragraph)
        when = _time(track.group(1)) if track else None
        if track is None or when is None:
            if track is not None:
                notes.append(
                    f"{label}: unreadable date {track.group(1)!r}; paragraph kept in the body"
                )
            if paragraph.strip():
                kept.append(paragraph.strip())
            continue
        text = _TRACK.sub("", paragraph).strip()
        status, message = UpdateStatus.UPDATE, text
        match = _STATUS.match(text)
        if match:
            word = " ".join(match.group(2).split()).lower()
            if word in words:
                status, message = words[word], text[match.end() :].strip()
            else:
                notes.append(
                    f"{label}: status {match.group(2)!r} has no equivalent; imported as 'update' with the word kept"
                )
        if not message:
            message = f"{status.value.replace('_', ' ').capitalize()}."
        updates.append((when, -index, DraftUpdate(when, status, message)))
    updates.sort(key=lambda item: (item[0], item[1]))
    return [update for _, _, update in updates], "\n\n".join(kept)


def _affected(value: Any, label: str, notes: list[str]) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, str) and item.strip():
            names.append(item.strip())
        else:
            notes.append(f"{label}: affected system {show(item)} is not a name; skipped")
    return names


def _split(text: str, label: str, reading: Reading) -> tuple[dict[Any, Any] | None, str]:
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match is None:
        reading.notes.append(f"{label}: no front matter; skipped")
        return None, ""
    try:
        if match.group(1) == "+++":
            meta: Any = tomllib.loads(match.group(2))
        else:
            # The records' own loader: timestamps stay text (read by _time), and a value
            # Python cannot build (an impossible !!timestamp) is a YAML error, not a crash.
            meta = parse_yaml(match.group(2))[0] or {}
    except (yaml.YAMLError, ValueError, TypeError) as error:
        # ValueError: TOML's errors (and its dates past Python's range); TypeError: a list
        # used as a mapping key
        reading.cannot_read(f"{label}: front matter cannot be read ({_short(error)}); skipped")
        return None, ""
    except RecursionError:
        reading.cannot_read(f"{label}: front matter nested too deeply; skipped")
        return None, ""
    reading.documents += 1
    if not isinstance(meta, dict):
        reading.notes.append(f"{label}: front matter is not a mapping; skipped")
        return None, ""
    return meta, text.lstrip("\ufeff")[match.end() :]


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _time(value: Any) -> datetime | None:
    """Hugo dates: datetimes, dates, or text, with or without a zone (none means UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    try:
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):  # year 1 with +01:00 is before datetime.min in UTC
        return None
