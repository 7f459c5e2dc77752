"""``statusbook problems report`` and ``statusbook problems suggest``, for people and tools.

The report's JSON (``"format": "statusbook.recurrence/1"``): ``now``, ``quarters`` (keys,
oldest first), then ``problems`` and ``components``, each entry with ``id``, ``title``,
``status`` (problems), ``incidents`` (ids), ``linked``, ``downtime_seconds``,
``mtbf_seconds`` (``null`` below two failures), ``last`` (the last incident's start and
id), ``per_quarter`` and ``trend``. Suggestions' JSON (``statusbook.suggestions/1``): a
list of ``problem``, ``incident``, ``score``, ``shared_components``, ``shared_terms`` and
``days_apart``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from statusbook.derive.recurrence import Recurrence, RecurrenceReport, Suggestion
from statusbook.i18n import Translator
from statusbook.timeutil import format_timestamp

FORMATS = ("table", "json")
_T = Translator("en")


def report_data(report: RecurrenceReport) -> dict[str, Any]:
    def entry(item: Recurrence) -> dict[str, Any]:
        data: dict[str, Any] = {"id": item.key, "title": item.title}
        if item.status is not None:
            data["status"] = item.status.value
        return data | {
            "incidents": list(item.incidents),
            "linked": item.linked,
            "downtime_seconds": int(item.downtime.total_seconds()),
            "mtbf_seconds": int(item.mtbf.total_seconds()) if item.mtbf else None,
            "last": {"started": format_timestamp(item.last), "incident": item.last_incident}
            if item.last
            else None,
            "per_quarter": list(item.per_quarter),
            "trend": item.trend.value,
        }

    return {
        "format": "statusbook.recurrence/1",
        "now": format_timestamp(report.now),
        "quarters": [period.key for period in report.quarters],
        "problems": [entry(item) for item in report.problems],
        "components": [entry(item) for item in report.components],
    }


def render_report(report: RecurrenceReport, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(report_data(report), indent=2, ensure_ascii=False)
    quarters = [period.key for period in report.quarters]
    parts = [
        f"Recurrence at {format_timestamp(report.now)}, by quarter {quarters[0]}–{quarters[-1]}"
    ]
    parts += ["", "Problems"]
    parts.append(
        _table(
            [
                "PROBLEM",
                "STATUS",
                "INCIDENTS",
                "DOWNTIME",
                "MTBF",
                "LAST",
                *_short(quarters),
                "TREND",
            ],
            [
                [
                    item.key,
                    item.status.value if item.status else "",
                    str(item.count),
                    *_figures(item),
                    item.trend.value,
                ]
                for item in report.problems
            ],
            [item.title for item in report.problems],
        )
        if report.problems
        else "  (no problem records)"
    )
    parts += ["", "Components"]
    parts.append(
        _table(
            [
                "COMPONENT",
                "INCIDENTS",
                "LINKED",
                "DOWNTIME",
                "MTBF",
                "LAST",
                *_short(quarters),
                "TREND",
            ],
            [
                [item.key, str(item.count), str(item.linked), *_figures(item), item.trend.value]
                for item in report.components
            ],
            [item.title for item in report.components],
        )
    )
    return "\n".join(parts)


def _short(quarters: Sequence[str]) -> list[str]:
    return [key[2:] for key in quarters]  # 26Q1


def _figures(item: Recurrence) -> list[str]:
    return [
        _duration(item.downtime) if item.count else "—",
        _duration(item.mtbf),
        f"{item.last:%Y-%m-%d}" if item.last else "—",
        *(str(count) for count in item.per_quarter),
    ]


def _duration(value: timedelta | None) -> str:
    return "—" if value is None else _T.duration(value)


def _table(header: list[str], rows: list[list[str]], titles: list[str]) -> str:
    """Columns padded to fit, the title last (it may be long)."""
    lines = [[*header, "TITLE"], *([*row, title] for row, title in zip(rows, titles, strict=True))]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return "\n".join(
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        for line in lines
    )


def suggestions_data(suggestions: Sequence[Suggestion]) -> dict[str, Any]:
    return {
        "format": "statusbook.suggestions/1",
        "suggestions": [
            {
                "problem": s.problem_id,
                "incident": s.incident_id,
                "score": s.score,
                "shared_components": list(s.shared_components),
                "shared_terms": list(s.shared_terms),
                "days_apart": s.days_apart,
            }
            for s in suggestions
        ],
    }


def render_suggestions(suggestions: Sequence[Suggestion], output_format: str) -> str:
    if output_format == "json":
        return json.dumps(suggestions_data(suggestions), indent=2, ensure_ascii=False)
    if not suggestions:
        return "No unlinked incident looks like a known problem."
    lines = [["SCORE", "PROBLEM", "INCIDENT", "COMPONENTS", "DAYS", "SHARED TERMS"]]
    for s in suggestions:
        lines.append(
            [
                f"{s.score:.2f}",
                s.problem_id,
                s.incident_id,
                ", ".join(s.shared_components) or "—",
                str(s.days_apart),
                ", ".join(s.shared_terms) or "—",
            ]
        )
    widths = [max(len(line[column]) for line in lines) for column in range(5)]
    table = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[5]
        for line in lines
    )
    first = suggestions[0]
    return (
        f"{table}\n\nThese only look alike: read both records, then confirm a link with\n"
        f"  statusbook problem link {first.problem_id} {first.incident_id}"
    )
