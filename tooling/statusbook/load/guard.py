"""The history guard: published records compared with the records as they are now.

Customers read, quote and screenshot a status page; an update that silently changes or
disappears afterwards breaks their trust and the record. So, against a base (the deployed
revision, e.g. ``origin/main``):

- published updates stay as they were, in the same order; new ones are appended;
- published corrections stay too (corrections are append-only);
- a published record is neither deleted nor renamed (its id is its address);
- a published record's facts stay: its start and end (they are its downtime), its kind
  and title, its impact and affected components (never lowered: escalating is free, since
  it only tells customers more), a published postmortem and the body's published text
  (both may grow at the end).

A published record may still be fixed (a typo, a wrong time, a deleted or backdated update,
a softer impact) when the same change appends an entry to the record's ``corrections:`` —
the page shows it, so the fix is public. Ordinary work needs none: appending updates,
resolving, reopening (a new open update, ``resolved`` removed), starting, completing or
rescheduling maintenance before it begins, adding a postmortem or action items. Deleting
or renaming a record needs an explicit escape (:class:`Escapes`), which the command line
grants.

This module is pure: it takes file contents (path → bytes) and returns problems. Where the
base comes from (git, through the base's own catalog) is the caller's business.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from statusbook.load.records import KeyPath, Source, parse_source, parse_yaml
from statusbook.model import ComponentStatus, Impact, UpdateStatus
from statusbook.paths import display_path
from statusbook.problems import Problem
from statusbook.timeutil import TimestampError, format_timestamp, parse_timestamp

#: The fields of an update that customers see; anything else (x- keys) is private.
#: ``visibility`` counts: making an internal update public inserts it into the public
#: timeline, and making a public one internal deletes it from there.
PUBLISHED_FIELDS = ("at", "message", "status", "author", "components", "visibility")
_FIELD_WORDS = {
    "at": "time",
    "message": "text",
    "status": "status",
    "author": "author",
    "components": "components",
    "visibility": "visibility",
}

_CORRECTION_FIX = (
    "undo the change, or keep it and append an entry to 'corrections:' "
    "(at: now, note: what changed and why) — the incident page shows it"
)


class Escapes(NamedTuple):
    """Changes the caller explicitly allows (the command line's escape options)."""

    #: Ids of published records that may be deleted or renamed.
    removals: frozenset[str] = frozenset()
    #: Allow every change to history (a reviewed pull request labelled for it).
    rewrite: bool = False


class Folders(NamedTuple):
    """Where the records lived at the base and where they live now (``records:`` of each
    revision's own catalog), to explain a record that left the folder."""

    base: Path
    current: Path


def compare(
    base: Mapping[Path, bytes],
    current: Mapping[Path, bytes],
    escapes: Escapes | None = None,
    *,
    now: datetime | None = None,
    folders: Folders | None = None,
) -> list[Problem]:
    """Problems for published history that ``current`` deletes, moves or rewrites.

    Both mappings hold record files keyed by their path in the working tree; a record is
    identified by its id (the file name), so moving a file — or the whole records folder —
    elsewhere keeps it. ``now`` tells a maintenance window that has begun (its schedule is
    history) from one still to come (rescheduling it is ordinary work); without it, only a
    window with a recorded start counts as begun.
    """
    escapes = escapes or Escapes()
    if escapes.rewrite:
        return []
    base_by_id = _by_id(base)
    current_by_id = _by_id(current)
    added: dict[str, set[tuple[str, ...]]] | None = None  # built at the first deletion
    problems: list[Problem] = []
    for record_id, base_path in base_by_id.items():
        raw = base[base_path]
        current_path = current_by_id.get(record_id)
        if current_path is None:
            if added is None:
                added = {
                    new_id: _fingerprints(path, current[path])
                    for new_id, path in current_by_id.items()
                    if new_id not in base_by_id
                }
            successor = _successor(_fingerprints(base_path, raw), added)
            if successor is None:
                if record_id not in escapes.removals:
                    problems.append(_deleted(base_path, record_id, folders))
                continue
            del added[successor]
            current_path = current_by_id[successor]
            if record_id not in escapes.removals:
                problems.append(_renamed(current_path, record_id, base_path))
        elif raw == current[current_path]:
            continue
        problems.extend(
            compare_record(
                parse_source(base_path, raw),
                parse_source(current_path, current[current_path]),
                now=now,
            )
        )
    problems.sort(key=Problem.sort_key)
    return problems


def compare_record(base: Source, current: Source, *, now: datetime | None = None) -> list[Problem]:
    """The history problems of one record that exists in both versions.

    Records that do not parse, or whose updates are not a list, are left to the ordinary
    validation rules, which already reject them.
    """
    before, after = _history(base), _history(current)
    if before is None or after is None:
        return []
    (base_updates, base_corrections), (current_updates, current_corrections) = before, after
    problems = _check_corrections(base_corrections, current_corrections, current)
    if any(entry not in base_corrections for entry in current_corrections):
        return problems  # corrected openly: the page shows the note
    problems.extend(_check_updates(base_updates, current_updates, current))
    problems.extend(_check_facts(base, current, base_updates, current_updates, now))
    return problems


def published_records_folder(catalog: bytes) -> str:
    """The ``records:`` folder a catalog names (relative to it), read leniently.

    This is the base revision's catalog: it is not held to today's rules (it was valid
    when it was published), only asked where its records were. Unreadable, or without
    the key, it means the default, as the catalog loader has it.
    """
    try:
        data, _ = parse_yaml(catalog.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return DEFAULT_RECORDS
    folder = data.get("records") if isinstance(data, dict) else None
    return folder.strip() if isinstance(folder, str) and folder.strip() else DEFAULT_RECORDS


#: The records folder of a catalog without ``records:`` (as :mod:`statusbook.load.catalog`).
DEFAULT_RECORDS = "incidents"


# --- records and their identity ----------------------------------------------------------


def _by_id(files: Mapping[Path, bytes]) -> dict[str, Path]:
    """Record id → path; the first path wins when an id repeats (SB402 reports that)."""
    ids: dict[str, Path] = {}
    for path in sorted(files):
        ids.setdefault(path.stem, path)
    return ids


def _successor(
    marks: set[tuple[str, ...]], added: Mapping[str, set[tuple[str, ...]]]
) -> str | None:
    """The new record that is a deleted one under another name, if any.

    Same bytes, or the same first published update (time and text), or the same title
    and start: a rename keeps at least one of them.
    """
    return next((record_id for record_id in sorted(added) if marks & added[record_id]), None)


def _fingerprints(path: Path, raw: bytes) -> set[tuple[str, ...]]:
    marks: set[tuple[str, ...]] = {("bytes", hashlib.sha256(raw).hexdigest())}
    data = parse_source(path, raw).data
    data = data if isinstance(data, dict) else {}
    updates = data.get("updates")
    if isinstance(updates, list) and updates and isinstance(updates[0], dict):
        first = _Update.of(updates[0])
        marks.add(("first-update", first.at, first.message))
    title, started = data.get("title"), data.get("started") or data.get("scheduled_start")
    if isinstance(title, str) and isinstance(started, str):
        marks.add(("title", _words(title), _instant(started)))
    return marks


def _deleted(path: Path, record_id: str, folders: Folders | None) -> Problem:
    message = f"the published record {record_id!r} was deleted"
    fix = "restore the file (to withdraw an incident, post an update saying so)"
    if (
        folders is not None
        and folders.base != folders.current
        and not _below(path, folders.current)
    ):
        old, new = (display_path(folder) for folder in (folders.base, folders.current))
        message += (
            f": the records folder changed from {old!r} to {new!r} ('records:' in the "
            "catalog) and this record is not in it"
        )
        fix = f"keep it under {new!r} with its name"
    return Problem(
        path,
        None,
        None,
        "SB706",
        message + "; its page, feed entries and history disappear",
        f"{fix}, or allow it explicitly with --allow-removal {record_id}",
    )


def _below(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _renamed(path: Path, old_id: str, old_path: Path) -> Problem:
    return Problem(
        path,
        1,
        1,
        "SB707",
        f"this record was published as {old_id!r} ({old_path.name}); a new name changes its "
        "address and breaks links and feed entries",
        f"keep the name {old_path.name}, or allow it explicitly with --allow-removal {old_id}",
    )


# --- updates -------------------------------------------------------------------------------


class _Update(NamedTuple):
    """An update as customers saw it, normalised so re-wrapping text or changing a time's
    notation (``+00:00`` for ``Z``) is not mistaken for a rewrite."""

    at: str
    message: str
    status: str
    author: str
    components: tuple[tuple[str, str], ...]
    visibility: str = "public"

    @classmethod
    def of(cls, item: Any) -> _Update:
        item = item if isinstance(item, dict) else {}
        return cls(
            at=_instant(item.get("at")),
            message=_words(item.get("message")),
            status=_words(item.get("status")),
            author=_words(item.get("author")),
            components=_statuses(item.get("components")),
            visibility=_words(item.get("visibility")) or "public",
        )

    def changed(self, other: _Update) -> list[str]:
        return [name for name in PUBLISHED_FIELDS if getattr(self, name) != getattr(other, name)]

    def describe(self, number: int) -> str:
        words = self.message.split()
        snippet = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        return f"update {number} ({self.at or 'no time'}, {snippet!r})"


class _Correction(NamedTuple):
    at: str
    note: str


def _history(source: Source) -> tuple[list[_Update], list[_Correction]] | None:
    """The published parts of a record: its updates and corrections, normalised."""
    if not source.parsed or not isinstance(source.data, dict):
        return None
    updates = source.data.get("updates", [])
    corrections = source.data.get("corrections", [])
    if not isinstance(updates, list):
        return None
    if not isinstance(corrections, list):
        corrections = []
    return (
        [_Update.of(item) for item in updates],
        [
            _Correction(_instant(item.get("at")), _words(item.get("note")))
            for item in corrections
            if isinstance(item, dict)
        ],
    )


def match_updates(base: Sequence[_Update], current: Sequence[_Update]) -> dict[int, int]:
    """Pair published updates with current ones: identical first, then same time or same
    text (a rewrite of one of them), then same position (both rewritten)."""
    pairs: dict[int, int] = {}
    passes: tuple[Callable[[_Update, _Update], bool], ...] = (
        lambda b, c: b == c,
        lambda b, c: bool(b.at) and b.at == c.at,
        lambda b, c: bool(b.message) and b.message == c.message,
    )
    for same in passes:
        for i, published in enumerate(base):
            if i in pairs:
                continue
            used = set(pairs.values())
            candidates = [
                j for j, now in enumerate(current) if j not in used and same(published, now)
            ]
            if candidates:
                pairs[i] = min(candidates, key=lambda j: (abs(j - i), j))
    used = set(pairs.values())
    for i in range(min(len(base), len(current))):
        if i not in pairs and i not in used:
            pairs[i] = i
            used.add(i)
    return pairs


def _check_updates(
    base: Sequence[_Update], current: Sequence[_Update], source: Source
) -> list[Problem]:
    pairs = match_updates(base, current)
    problems: list[Problem] = []
    in_order = _longest_increasing([pairs[i] for i in sorted(pairs)])
    last_published = max(pairs.values(), default=-1)
    for i, published in enumerate(base):
        j = pairs.get(i)
        if j is None:
            problems.append(
                source.problem(
                    "SB701",
                    f"published {published.describe(i + 1)} was deleted",
                    "put it back as it was, or keep the deletion and append an entry to "
                    "'corrections:' saying what was removed and why",
                    at=("updates",),
                    key=True,
                )
            )
            continue
        if j not in in_order:
            problems.append(
                source.problem(
                    "SB702",
                    f"published {published.describe(i + 1)} moved to position {j + 1}",
                    "keep published updates in their order and append new ones at the end; "
                    "or append an entry to 'corrections:' saying why they moved",
                    at=("updates", j),
                )
            )
        changed = published.changed(current[j])
        if changed:
            words = ", ".join(_FIELD_WORDS[name] for name in changed)
            problems.append(
                source.problem(
                    "SB703",
                    f"published {published.describe(i + 1)} was rewritten: its {words} changed",
                    _CORRECTION_FIX,
                    at=("updates", j, changed[0]),
                )
            )
    for j, update in enumerate(current):
        if j < last_published and j not in pairs.values():
            problems.append(
                source.problem(
                    "SB704",
                    f"new {update.describe(j + 1)} is inserted before published updates",
                    "append new updates after the published ones; to add a missed update "
                    "to the timeline, append an entry to 'corrections:' saying so",
                    at=("updates", j),
                )
            )
    return problems


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """The values of a longest strictly increasing subsequence: the updates that kept
    their order; any others moved. Quadratic, and timelines are short."""
    if not values:
        return set()
    best = [1] * len(values)
    previous = [-1] * len(values)
    for k in range(len(values)):
        for m in range(k):
            if values[m] < values[k] and best[m] + 1 > best[k]:
                best[k], previous[k] = best[m] + 1, m
    k = max(range(len(values)), key=lambda n: (best[n], -n))
    kept: set[int] = set()
    while k != -1:
        kept.add(values[k])
        k = previous[k]
    return kept


# --- the record's facts ----------------------------------------------------------------------

#: Update statuses that announce an incident is open again (a reopening).
_OPEN_STATUSES = frozenset(
    {UpdateStatus.INVESTIGATING.value, UpdateStatus.IDENTIFIED.value, UpdateStatus.MONITORING.value}
)
_IMPACT_RANKS = {impact.value: impact.rank for impact in Impact}
_STATUS_RANKS = {status.value: status.severity for status in ComponentStatus}
_MAINTENANCE = "maintenance"


class _Facts(NamedTuple):
    """What a record says besides its timeline, normalised like :class:`_Update`."""

    kind: str
    title: str
    impact: str
    started: str
    resolved: str
    completed: str
    cancelled: bool
    scheduled_start: str
    scheduled_end: str
    components: dict[str, str]
    postmortem: dict[str, Any] | None
    body: list[str]

    @classmethod
    def of(cls, source: Source) -> _Facts:
        data: dict[str, Any] = source.data
        postmortem = data.get("postmortem")
        return cls(
            kind=_words(data.get("kind")),
            title=_words(data.get("title")),
            impact=_words(data.get("impact")),
            started=_instant(data.get("started")),
            resolved=_instant(data.get("resolved")),
            completed=_instant(data.get("completed")),
            cancelled=_words(data.get("state")) == "cancelled",
            scheduled_start=_instant(data.get("scheduled_start")),
            scheduled_end=_instant(data.get("scheduled_end")),
            components=dict(_statuses(data.get("components"))),
            postmortem=postmortem if isinstance(postmortem, dict) else None,
            body=source.body.split(),
        )

    @property
    def is_maintenance(self) -> bool:
        return self.kind == _MAINTENANCE


def _check_facts(
    base: Source,
    current: Source,
    base_updates: Sequence[_Update],
    current_updates: Sequence[_Update],
    now: datetime | None,
) -> list[Problem]:
    """Problems for published facts ``current`` changes: each moves an uptime figure or
    rewrites what customers read, so each needs a correction (checked by the caller)."""
    before, after = _Facts.of(base), _Facts.of(current)
    report = _Reporter(current)
    if before.kind != after.kind:
        report.kind(before, after)
    if before.title != after.title:
        report(
            "SB713",
            f"the published title {before.title!r} was changed to {after.title!r}",
            at=("title",),
        )
    if before.is_maintenance:
        _check_window(before, after, report, now)
    else:
        _check_incident_times(before, after, base_updates, current_updates, report)
    _check_severity(before, after, report)
    _check_postmortem(before, after, report)
    _check_body(before, after, current, report)
    return report.problems


class _Reporter:
    """Problems at the current record's lines, each with the correction escape."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def __call__(self, code: str, message: str, *, at: KeyPath, fix: str = "") -> None:
        data = self.source.data
        present = bool(at) and isinstance(data, dict) and at[0] in data
        self.problems.append(
            self.source.problem(
                code, message, fix or _CORRECTION_FIX, at=at if present else (), key=not present
            )
        )

    def kind(self, before: _Facts, after: _Facts) -> None:
        why = ""
        if _MAINTENANCE in (before.kind, after.kind):
            why = " (planned maintenance leaves the SLA, so this moves uptime figures)"
        self(
            "SB712",
            f"the published kind {before.kind!r} was changed to {after.kind!r}{why}",
            at=("kind",),
        )


def _check_incident_times(
    before: _Facts,
    after: _Facts,
    base_updates: Sequence[_Update],
    current_updates: Sequence[_Update],
    report: _Reporter,
) -> None:
    """``started`` and ``resolved`` bound the downtime. A start given only by the first
    update is that update's (SB703 guards it); reopening may drop ``resolved``."""
    first = base_updates[0].at if base_updates else ""
    start_before = before.started or first
    start_after = after.started or (current_updates[0].at if current_updates else "")
    if (before.started or after.started) and start_before != start_after:
        report(
            "SB708",
            f"the published start {start_before or 'none'} was changed to {start_after or 'none'}"
            ": the incident's downtime changes",
            at=("started",),
        )
    if not before.resolved or before.resolved == after.resolved:
        return
    appended = current_updates[len(base_updates) :]
    reopened = any(update.status in _OPEN_STATUSES for update in appended)
    if reopened and (not after.resolved or after.resolved >= before.resolved):
        return
    what = f"changed to {after.resolved}" if after.resolved else "removed"
    report(
        "SB709",
        f"the published resolution {before.resolved} was {what}: the incident's downtime changes",
        at=("resolved",),
        fix=_CORRECTION_FIX
        + (
            "; to reopen the incident, append an update that says so (investigating, "
            "identified or monitoring)"
            if not after.resolved
            else ""
        ),
    )


def _check_window(before: _Facts, after: _Facts, report: _Reporter, now: datetime | None) -> None:
    """A window's actual start and end, once recorded, are history; so is its schedule once
    it has begun. Rescheduling a window still to come, starting, completing or cancelling
    it are ordinary work; withdrawing a published cancellation is not."""
    begun = bool(before.started) or (
        now is not None
        and bool(before.scheduled_start)
        and before.scheduled_start <= format_timestamp(now)
    )
    starts = [("started", before.started, after.started)]
    ends = [("completed", before.completed, after.completed)]
    if begun:
        starts.append(("scheduled_start", before.scheduled_start, after.scheduled_start))
        ends.append(("scheduled_end", before.scheduled_end, after.scheduled_end))
    for code, fields in (("SB708", starts), ("SB709", ends)):
        for key, old, new in fields:
            if old and old != new:
                report(
                    code,
                    f"the published {key} {old} of a window that has begun was "
                    f"{f'changed to {new}' if new else 'removed'}",
                    at=(key,),
                )
    if before.cancelled and not after.cancelled:
        report(
            "SB709",
            "the published cancellation ('state: cancelled') was withdrawn",
            at=("state",),
            fix=_CORRECTION_FIX + "; to hold the work after all, schedule a new window",
        )


def _check_severity(before: _Facts, after: _Facts, report: _Reporter) -> None:
    """Impact and affected components may rise (the response learns more), never fall."""
    old, new = _IMPACT_RANKS.get(before.impact), _IMPACT_RANKS.get(after.impact or "none")
    if before.impact and old is not None and new is not None and new < old:
        report(
            "SB710",
            f"the published impact {before.impact!r} was lowered to {after.impact or 'none'!r}",
            at=("impact",),
        )
    for component, status in before.components.items():
        now_status = after.components.get(component)
        if now_status is None:
            report(
                "SB711",
                f"the published affected component {component!r} ({status}) was removed: its "
                "downtime disappears from the uptime figures",
                at=("components",),
            )
            continue
        rank, now_rank = _STATUS_RANKS.get(status), _STATUS_RANKS.get(now_status)
        if rank is not None and now_rank is not None and now_rank < rank:
            report(
                "SB711",
                f"the published status of {component!r} was lowered from {status} to "
                f"{now_status}: its downtime shrinks in the uptime figures",
                at=("components", component),
            )


def _check_postmortem(before: _Facts, after: _Facts, report: _Reporter) -> None:
    """A postmortem is published once it has ``published``; before, it is a draft."""
    draft = before.postmortem
    published = _instant(draft.get("published")) if draft is not None else ""
    if draft is None or not published:
        return
    current = after.postmortem or {}
    now_published = _instant(current.get("published"))
    if not after.postmortem or not now_published:
        what = "deleted" if not after.postmortem else "unpublished ('published' removed)"
        report("SB714", f"the postmortem published {published} was {what}", at=("postmortem",))
        return
    if now_published != published:
        report(
            "SB714",
            f"the postmortem's publication time {published} was changed to {now_published}",
            at=("postmortem", "published"),
        )
    for key in ("summary", "root_cause"):
        lost = _lost_words(_words(draft.get(key)).split(), _words(current.get(key)).split())
        if lost:
            report(
                "SB714",
                f"the published postmortem's {key.replace('_', ' ')} was rewritten ({lost})",
                at=("postmortem", key),
                fix=_GROW_FIX,
            )


def _check_body(before: _Facts, after: _Facts, source: Source, report: _Reporter) -> None:
    lost = _lost_words(before.body, after.body)
    if lost:
        report.problems.append(
            Problem(
                source.path,
                source.body_line,
                1,
                "SB715",
                f"published text in the body was changed or deleted ({lost})",
                _GROW_FIX,
            )
        )


_GROW_FIX = (
    "keep the published text and add to it at the end; or keep the change and append an "
    "entry to 'corrections:' (at: now, note: what changed and why) — the incident page shows it"
)


def _lost_words(before: Sequence[str], after: Sequence[str]) -> str:
    """What of the published words ``after`` no longer says as it was, as a short quote;
    empty when ``after`` keeps them all, in order, at its start (text added at the end is
    new, not a rewrite; re-wrapping is not either). An insertion in the middle counts: a
    word like "not" changes what the published text said."""
    if list(after[: len(before)]) == list(before):
        return ""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = " ".join(before[i1:i2][:8]), " ".join(after[j1:j2][:8])
        if tag == "delete":
            return f"{old!r} was deleted"
        if tag == "insert":
            return f"{new!r} was inserted"
        return f"{old!r} became {new!r}"
    return ""


# --- corrections -----------------------------------------------------------------------------


def _check_corrections(
    base: Sequence[_Correction], current: Sequence[_Correction], source: Source
) -> list[Problem]:
    problems = []
    for i, published in enumerate(base):
        if i < len(current) and current[i] == published:
            continue
        where: KeyPath = ("corrections", i) if i < len(current) else ("corrections",)
        what = "rewritten" if i < len(current) else "deleted"
        problems.append(
            source.problem(
                "SB705",
                f"published correction {i + 1} ({published.at or 'no time'}) was {what}",
                "corrections are append-only: restore it and append a new entry instead",
                at=where,
                key=where == ("corrections",),
            )
        )
    return problems


# --- normalising -----------------------------------------------------------------------------


def _instant(value: Any) -> str:
    """A timestamp in canonical form, so ``+00:00`` and ``Z`` compare equal."""
    if value is None:
        return ""
    text = str(value).strip()
    try:
        return format_timestamp(parse_timestamp(text))
    except TimestampError:
        return text


def _statuses(value: Any) -> tuple[tuple[str, str], ...]:
    """Component statuses in a stable order: reordering the keys is not a rewrite."""
    if isinstance(value, dict):
        return tuple(sorted((str(key), _words(status)) for key, status in value.items()))
    return () if value is None else ((_words(value), ""),)


def _words(value: Any) -> str:
    """Text with runs of whitespace collapsed: re-wrapping a line is not a rewrite."""
    if value is None:
        return ""
    return " ".join(str(value).split())
