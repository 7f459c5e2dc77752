"""List items incidents and problem records both carry: notes and action items; and the
problem ids an incident may name.

One reading of each, so a note dated in the future or an action item left open past its
due date reads the same in an incident's postmortem and in a problem record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from statusbook.load.records import KeyPath, Source, discover
from statusbook.markup import unsafe_markup
from statusbook.model import ActionItem, ActionStatus, Catalog, Note, Visibility
from statusbook.timeutil import format_timestamp

#: ``PRB-0001-gateway-config-rollouts.md``: the id, then an optional slug.
PROBLEM_FILE_NAME = re.compile(r"^(PRB-[0-9]{4,})(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?\.md$")

_MARKUP_FIX = "write plain Markdown; links must be http(s) or mailto, and images are not shown"
_OVERDUE_FIX = (
    "finish it and set 'status: done', agree a new 'due' date with its owner, or set "
    "'status: cancelled' and say why in a note"
)


def problem_id_of(name: str) -> str | None:
    """The problem id a file name carries, ``None`` when it does not follow the convention."""
    match = PROBLEM_FILE_NAME.match(name)
    return match.group(1) if match else None


def problem_ids(catalog: Catalog) -> frozenset[str]:
    """The ids of the problem records in the catalog's problems folder (none without one).

    Read from file names only: an incident's ``problem:`` is checked against them without
    reading every problem record.
    """
    folder = catalog.problems_dir
    if not folder.is_dir():
        return frozenset()
    ids = (problem_id_of(path.name) for path in discover([folder]))
    return frozenset(problem_id for problem_id in ids if problem_id)


def check_notes(source: Source, notes: Sequence[dict[str, Any]], limit: datetime) -> None:
    """Notes are written at a time (never after ``limit``) in safe Markdown."""
    for index, note in enumerate(notes):
        at = note.get("at")
        if at is not None and at > limit:
            source.report(
                "SB203",
                f"note {index + 1} is dated {format_timestamp(at)}, in the future",
                "check the date, the time and the zone of the note",
                at=("notes", index, "at"),
            )
        found = unsafe_markup(note.get("note") or "")
        if found:
            source.report(
                "SB601",
                "the page will remove " + ", ".join(found) + " from this text",
                _MARKUP_FIX,
                at=("notes", index, "note"),
            )


def build_notes(items: Sequence[dict[str, Any]]) -> tuple[Note, ...]:
    return tuple(
        Note(
            at=item["at"],
            text=item["note"],
            author=item.get("author"),
            visibility=item.get("visibility", Visibility.PUBLIC),
        )
        for item in items
    )


def build_action_items(items: Sequence[dict[str, Any]]) -> tuple[ActionItem, ...]:
    return tuple(
        ActionItem(
            title=item["title"],
            owner=item["owner"],
            status=item.get("status", ActionStatus.OPEN),
            due=item.get("due"),
            link=item.get("link"),
        )
        for item in items
    )


def check_action_items(
    source: Source,
    items: Sequence[dict[str, Any]],
    at: KeyPath,
    today: date,
    fail_overdue: bool,
) -> None:
    """Each item still open after its due date: a warning (SB811), or with
    ``fail_overdue`` an error (SB812), at the item's ``due``."""
    for index, item in enumerate(items):
        status = item.get("status", ActionStatus.OPEN)
        due = item.get("due")
        if not isinstance(status, ActionStatus) or not isinstance(due, date):
            continue
        model = ActionItem(str(item.get("title", "")), str(item.get("owner", "")), status, due)
        if not model.overdue_on(today):
            continue
        days = (today - due).days
        source.report(
            "SB812" if fail_overdue else "SB811",
            f"action item {index + 1} ({model.title!r}, owner {model.owner}) was due "
            f"{due.isoformat()} and is still {status.value}: {days} day{'s' if days != 1 else ''} overdue",
            _OVERDUE_FIX,
            at=(*at, index, "due"),
        )
