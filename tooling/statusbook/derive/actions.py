"""Every action item at ``now``: from incidents' postmortems and from problem records.

Action items are promises — "canary every config change by 15 December" — and a promise
nobody tracks is not kept. :func:`action_rows` gathers them from one snapshot in one shape,
so ``statusbook actions``, the overdue issue and the internal site's actions page list the
same items with the same overdue counts. An item is overdue when it is still open or in
progress after its due date, in the site's time zone (:meth:`ActionItem.overdue_on`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from statusbook.derive.snapshot import Snapshot
from statusbook.model import ActionItem


class Source(StrEnum):
    INCIDENT = "incident"
    PROBLEM = "problem"


class ActionRow(NamedTuple):
    """One action item with where it comes from and how late it is."""

    source: Source
    source_id: str
    source_title: str
    #: 1-based, within its record (``statusbook action RECORD --close N``).
    number: int
    item: ActionItem
    #: Days past its due date; ``None`` unless it is overdue.
    overdue_days: int | None
    #: The record's file.
    path: Path | None = None

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days is not None


def action_rows(snapshot: Snapshot) -> list[ActionRow]:
    """Every action item the snapshot holds: problems' first (by id), then incidents' (by
    start); the order a person reads them in, and stable from run to run."""
    today = snapshot.catalog.today(snapshot.now)
    rows: list[ActionRow] = []
    for problem in snapshot.problems:
        record = problem.record
        items = record.action_items
        rows += _rows(Source.PROBLEM, record.id, record.title, items, today, record.path)
    for state in snapshot.records:
        incident = state.record
        if incident.postmortem is not None:
            items = incident.postmortem.action_items
            rows += _rows(Source.INCIDENT, incident.id, incident.title, items, today, incident.path)
    return rows


def _rows(
    source: Source,
    source_id: str,
    title: str,
    items: Iterable[ActionItem],
    today: date,
    path: Path | None,
) -> list[ActionRow]:
    return [
        ActionRow(source, source_id, title, number, item, _overdue_days(item, today), path)
        for number, item in enumerate(items, start=1)
    ]


def _overdue_days(item: ActionItem, today: date) -> int | None:
    if not item.overdue_on(today):
        return None
    assert item.due is not None
    return (today - item.due).days


def select(
    rows: Iterable[ActionRow],
    *,
    overdue: bool = False,
    owner: str | None = None,
    due_before: date | None = None,
    open_only: bool = False,
) -> list[ActionRow]:
    """The rows a person asked for: overdue only, one owner's (case and spacing do not
    matter), due before a day, or still open."""
    wanted = " ".join(owner.split()).casefold() if owner else None
    return [
        row
        for row in rows
        if (not overdue or row.is_overdue)
        and (not open_only or row.item.status.is_open)
        and (wanted is None or " ".join(row.item.owner.split()).casefold() == wanted)
        and (due_before is None or (row.item.due is not None and row.item.due < due_before))
    ]
