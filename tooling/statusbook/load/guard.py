"""The history guard: published records compared with the records as they are now.

Customers read, quote and screenshot a status page; an update that silently changes or
disappears afterwards breaks their trust and the record. So, against a base (the deployed
revision, e.g. ``origin/main``):

- published updates stay as they were, in the same order; new ones are appended;
- published corrections stay too (corrections are append-only);
- a published record is neither deleted nor renamed (its id is its address).

A published update may still be fixed (a typo, a wrong time, a deleted or backdated update)
when the same change appends an entry to the record's ``corrections:`` — the page shows
it, so the fix is public. Deleting or renaming a record needs an explicit escape
(:class:`Escapes`), which the command line grants.

This module is pure: it takes file contents (path → bytes) and returns problems. Where the
base comes from (git) is the caller's business.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statusbook.load.records import KeyPath, Source, parse_source
from statusbook.problems import Problem
from statusbook.timeutil import TimestampError, format_timestamp, parse_timestamp

#: The fields of an update that customers see; anything else (x- keys) is private.
PUBLISHED_FIELDS = ("at", "message", "status", "author", "components")
_FIELD_WORDS = {
    "at": "time",
    "message": "text",
    "status": "status",
    "author": "author",
    "components": "components",
}

_CORRECTION_FIX = (
    "undo the change, or keep it and append an entry to 'corrections:' "
    "(at: now, note: what changed and why) — the incident page shows it"
)


@dataclass(frozen=True, slots=True)
class Escapes:
    """Changes the caller explicitly allows (the command line's escape options)."""

    #: Ids of published records that may be deleted or renamed.
    removals: frozenset[str] = frozenset()
    #: Allow every change to history (a reviewed pull request labelled for it).
    rewrite: bool = False


def compare(
    base: Mapping[Path, bytes], current: Mapping[Path, bytes], escapes: Escapes | None = None
) -> list[Problem]:
    """Problems for published history that ``current`` deletes, moves or rewrites.

    Both mappings hold record files keyed by their path in the working tree; a record is
    identified by its id (the file name), so moving a file to another folder keeps it.
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
                    problems.append(_deleted(base_path, record_id))
                continue
            del added[successor]
            current_path = current_by_id[successor]
            if record_id not in escapes.removals:
                problems.append(_renamed(current_path, record_id, base_path))
        elif raw == current[current_path]:
            continue
        problems.extend(
            compare_record(
                parse_source(base_path, raw), parse_source(current_path, current[current_path])
            )
        )
    problems.sort(key=Problem.sort_key)
    return problems


def compare_record(base: Source, current: Source) -> list[Problem]:
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
    return problems


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


def _deleted(path: Path, record_id: str) -> Problem:
    return Problem(
        path,
        None,
        None,
        "SB706",
        f"the published record {record_id!r} was deleted; its page, feed entries and history disappear",
        "restore the file (to withdraw an incident, post an update saying so), or allow it "
        f"explicitly with --allow-removal {record_id}",
    )


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


@dataclass(frozen=True, slots=True)
class _Update:
    """An update as customers saw it, normalised so re-wrapping text or changing a time's
    notation (``+00:00`` for ``Z``) is not mistaken for a rewrite."""

    at: str
    message: str
    status: str
    author: str
    components: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, item: Any) -> _Update:
        item = item if isinstance(item, dict) else {}
        return cls(
            at=_instant(item.get("at")),
            message=_words(item.get("message")),
            status=_words(item.get("status")),
            author=_words(item.get("author")),
            components=_statuses(item.get("components")),
        )

    def changed(self, other: _Update) -> list[str]:
        return [name for name in PUBLISHED_FIELDS if getattr(self, name) != getattr(other, name)]

    def describe(self, number: int) -> str:
        words = self.message.split()
        snippet = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        return f"update {number} ({self.at or 'no time'}, {snippet!r})"


@dataclass(frozen=True, slots=True)
class _Correction:
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
