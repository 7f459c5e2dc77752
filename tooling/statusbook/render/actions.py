"""Action items for people and tools (``statusbook actions``), and the overdue issue.

Formats: ``table`` (people), ``json`` (``"format": "statusbook.actions/1"``, below),
``csv`` (one row per item, the JSON's fields) and ``markdown`` (the body of the GitHub issue
the scheduled workflow keeps up to date).

JSON: ``{"format", "now", "today", "items": [{"record", "kind", "record_title", "path",
"number", "title", "owner", "status", "due", "link", "overdue_days"}]}`` — ``kind`` is
``incident`` or ``problem``, ``due`` a date or ``null``, ``overdue_days`` ``null`` unless
the item is overdue.

:func:`issue_plan` decides what the workflow does with the one issue it keeps — create it,
edit its body, close it, or leave it — from the overdue items and the open issues
``gh issue list --json number,title,body`` returns; the workflow only carries the plan out,
so everything that decides is tested here, on fixtures, without GitHub.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from statusbook.derive.actions import ActionRow
from statusbook.paths import display_path
from statusbook.timeutil import format_timestamp

FORMATS = ("table", "json", "csv", "markdown")
#: The one issue the overdue workflow keeps: found by this marker in its body.
ISSUE_MARKER = "<!-- statusbook:overdue-actions -->"
ISSUE_TITLE = "Overdue action items"
ISSUE_LABEL = "overdue-actions"
_FIELDS = (
    "record",
    "kind",
    "record_title",
    "path",
    "number",
    "title",
    "owner",
    "status",
    "due",
    "link",
    "overdue_days",
)


def row_data(row: ActionRow) -> dict[str, Any]:
    item = row.item
    return {
        "record": row.source_id,
        "kind": row.source.value,
        "record_title": row.source_title,
        "path": display_path(row.path) if row.path else None,
        "number": row.number,
        "title": item.title,
        "owner": item.owner,
        "status": item.status.value,
        "due": item.due.isoformat() if item.due else None,
        "link": item.link,
        "overdue_days": row.overdue_days,
    }


def render(rows: Sequence[ActionRow], output_format: str, *, now: datetime, today: date) -> str:
    if output_format == "json":
        document = {
            "format": "statusbook.actions/1",
            "now": format_timestamp(now),
            "today": today.isoformat(),
            "items": [row_data(row) for row in rows],
        }
        return json.dumps(document, indent=2, ensure_ascii=False)
    if output_format == "csv":
        stream = io.StringIO()
        writer = csv.DictWriter(stream, _FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row_data(row) for row in rows)
        return stream.getvalue().rstrip("\n")
    if output_format == "markdown":
        return markdown(rows, today)
    return table(rows)


def table(rows: Sequence[ActionRow]) -> str:
    if not rows:
        return "No action items match."
    lines = [("DUE", "OVERDUE", "STATUS", "OWNER", "RECORD", "#", "ACTION ITEM")]
    for row in rows:
        lines.append(
            (
                row.item.due.isoformat() if row.item.due else "—",
                f"{row.overdue_days} d" if row.overdue_days is not None else "",
                row.item.status.value,
                row.item.owner,
                row.source_id,
                str(row.number),
                row.item.title,
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(6)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[6]
        for line in lines
    )


def markdown(rows: Sequence[ActionRow], today: date) -> str:
    """The overdue issue's body: the marker, a table with the most overdue first, and how
    to close an item."""
    ordered = sorted(rows, key=lambda row: (-(row.overdue_days or 0), row.source_id, row.number))
    lines = [
        ISSUE_MARKER,
        f"**{len(ordered)} action item{'s are' if len(ordered) != 1 else ' is'} overdue** "
        f"as of {today.isoformat()}.",
        "",
        "| Due | Overdue | Owner | Action item | Record |",
        "|---|---|---|---|---|",
    ]
    for row in ordered:
        title = _cell(row.item.title)
        if row.item.link:
            title = f"[{title}]({row.item.link})"
        record = f"{_cell(row.source_id)} #{row.number}"
        if row.path:
            record += f" (`{_cell(display_path(row.path))}`)"
        due = row.item.due.isoformat() if row.item.due else "—"
        lines.append(
            f"| {due} | {row.overdue_days} d | {_cell(row.item.owner)} | {title} | {record} |"
        )
    lines += [
        "",
        "Close an item with `statusbook action RECORD --close N` (incidents) or "
        "`statusbook problem action PRB-NNNN --close N` (problems), or agree a new due date "
        "with its owner. This issue is updated by the overdue-actions workflow and closed "
        "when nothing is overdue.",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipes or line breaks, no mentions)."""
    return " ".join(text.replace("|", "\\|").replace("@", "@\u200b").split())


@dataclass(frozen=True)
class IssuePlan:
    """What the workflow does: ``create``, ``edit``, ``close`` or ``none``."""

    action: str
    number: int | None = None
    title: str = ISSUE_TITLE
    body: str = ""

    def as_json(self) -> str:
        return json.dumps(
            {"action": self.action, "number": self.number, "title": self.title, "body": self.body},
            indent=2,
            ensure_ascii=False,
        )


def issue_plan(
    overdue: Sequence[ActionRow], open_issues: Sequence[Mapping[str, Any]], today: date
) -> IssuePlan:
    """The one issue follows the overdue list: opened when something is overdue, its body
    kept to the list (not touched when nothing changed), closed when nothing is."""
    ours = sorted(
        (issue for issue in open_issues if ISSUE_MARKER in str(issue.get("body") or "")),
        key=lambda issue: int(issue.get("number") or 0),
    )
    existing = ours[0] if ours else None
    number = int(existing["number"]) if existing is not None else None
    if not overdue:
        return IssuePlan("close", number) if number is not None else IssuePlan("none")
    body = markdown(overdue, today)
    if existing is None:
        return IssuePlan("create", None, ISSUE_TITLE, body)
    if str(existing.get("body") or "").strip() == body.strip():
        return IssuePlan("none", number, ISSUE_TITLE, body)
    return IssuePlan("edit", number, ISSUE_TITLE, body)
