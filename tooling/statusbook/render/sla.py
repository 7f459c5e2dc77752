"""``statusbook sla`` output: an aligned table for people, JSON and CSV for tools.

The figures are those of :mod:`statusbook.uptime` (read its docstring for what each means).
They stay exact until here; printing rounds them as follows, and the SLA verdict is always
decided on the exact values, never on the rounded ones:

* seconds (observed, maintenance, counted, per status) are exact integers;
* ``downtime_seconds`` is rounded half-even to 3 decimals (weights like 0.3 give tenths);
* ``uptime_percent`` is truncated (never rounded up) to 6 decimals, so a breached 99.94999…
  can never print as a met 99.95;
* error-budget minutes are rounded half-even to 3 decimals, budget percentages to 2;
* undefined values (uptime with nothing observed, budget percentages of a zero budget,
  anything budget-related without a target) are ``null`` in JSON and empty in CSV;
* once more downtime is used than the budget allows, ``remaining_minutes`` and
  ``remaining_percent`` are negative in JSON and CSV (``used_percent`` above 100), so tools
  can compute with them; the table says ``exhausted, N min over`` instead.

JSON (``--format json``), one document::

    {
      "format": "statusbook.sla/1",
      "now": "2026-11-21T12:00:00Z",
      "time_zone": "UTC",
      "policy": {"weights": {"major_outage": 1.0, "partial_outage": 0.3,
                             "degraded_performance": 0.0, "under_maintenance": 0.0},
                 "exclude_maintenance": true},
      "periods": [
        {"period": "30d", "kind": "rolling", "start": "…Z", "end": "…Z", "complete": true,
         "components": [ROW, …],          # catalog order
         "overall": ROW}                  # id, name and sla_target null; sla_status no_target
      ]
    }
    ROW = {"id": "api", "name": "API", "sla_target": 99.95,
           "observed_seconds": 2592000, "maintenance_seconds": 0, "counted_seconds": 2592000,
           "major_outage_seconds": 540, "partial_outage_seconds": 1200,
           "degraded_performance_seconds": 0, "downtime_seconds": 900.0,
           "uptime_percent": 99.965277,
           "sla_status": "met",           # met | breached | on_track | no_data | no_target
           "error_budget": {"total_minutes": 21.6, "used_minutes": 15.0,
                            "remaining_minutes": 6.6, "used_percent": 69.44,
                            "remaining_percent": 30.56}}   # null without a target

``kind`` is ``rolling``, ``month``, ``quarter`` or ``year``; ``period`` is ``24h``, ``7d``,
``30d``, ``90d``, ``2026-10``, ``2026Q3`` or ``2026``; ``start``/``end`` are UTC and ``end``
is exclusive; ``complete`` is false while ``end`` is after ``now``.

CSV (``--format csv``): a header and one row per period and component, then one
``overall`` row per period, with these columns::

    period,kind,start,end,complete,scope,component,name,sla_target,observed_seconds,
    maintenance_seconds,counted_seconds,major_outage_seconds,partial_outage_seconds,
    degraded_performance_seconds,downtime_seconds,uptime_percent,sla_status,
    budget_total_minutes,budget_used_minutes,budget_remaining_minutes,
    budget_used_percent,budget_remaining_percent

``scope`` is ``component`` or ``overall`` (``component`` and ``name`` are empty on the
overall row); ``complete`` is ``true``/``false``; the values are those of the JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
from fractions import Fraction
from typing import Any

from statusbook.derive.uptime import (
    ErrorBudget,
    PeriodReport,
    SlaReport,
    SlaStatus,
    Uptime,
    as_fraction,
)
from statusbook.model import Component, ComponentStatus
from statusbook.timeutil import format_timestamp

FORMATS = ("table", "json", "csv")
DOCUMENT_FORMAT = "statusbook.sla/1"

CSV_COLUMNS = (
    "period",
    "kind",
    "start",
    "end",
    "complete",
    "scope",
    "component",
    "name",
    "sla_target",
    "observed_seconds",
    "maintenance_seconds",
    "counted_seconds",
    "major_outage_seconds",
    "partial_outage_seconds",
    "degraded_performance_seconds",
    "downtime_seconds",
    "uptime_percent",
    "sla_status",
    "budget_total_minutes",
    "budget_used_minutes",
    "budget_remaining_minutes",
    "budget_used_percent",
    "budget_remaining_percent",
)

#: CSV columns copied as they are from a JSON row.
_ROW_COLUMNS = CSV_COLUMNS[CSV_COLUMNS.index("name") : CSV_COLUMNS.index("sla_status") + 1]

_STATUS_COLUMNS = (
    ComponentStatus.MAJOR_OUTAGE,
    ComponentStatus.PARTIAL_OUTAGE,
    ComponentStatus.DEGRADED_PERFORMANCE,
)


# --- rounding: exact in, documented precision out -------------------------------------------


def rounded(value: Fraction | None, places: int) -> float | None:
    """Half-even at ``places`` decimals (``Fraction.__round__`` is exact)."""
    if value is None:
        return None
    scale: int = 10**places
    return round(value * scale) / scale


def truncated(value: Fraction | None, places: int) -> float | None:
    """Toward zero at ``places`` decimals: a percentage that never overstates."""
    if value is None:
        return None
    scale: int = 10**places
    return math.trunc(value * scale) / scale


# --- the document --------------------------------------------------------------------------


def to_document(report: SlaReport) -> dict[str, Any]:
    """The JSON document, as plain data (also the source of the CSV rows)."""
    return {
        "format": DOCUMENT_FORMAT,
        "now": format_timestamp(report.now),
        "time_zone": report.time_zone,
        "policy": {
            "weights": {
                status.value: float(as_fraction(weight))
                for status, weight in report.policy.weights.items()
                if status is not ComponentStatus.OPERATIONAL
            },
            "exclude_maintenance": report.policy.exclude_maintenance,
        },
        "periods": [_period_document(period) for period in report.periods],
    }


def _period_document(report: PeriodReport) -> dict[str, Any]:
    period = report.period
    return {
        "period": period.key,
        "kind": period.kind,
        "start": format_timestamp(period.start),
        "end": format_timestamp(period.end),
        "complete": report.complete,
        "components": [_row(r.component, r.uptime, r.status, r.budget) for r in report.components],
        "overall": _row(None, report.overall, SlaStatus.NO_TARGET, None),
    }


def _row(
    component: Component | None, uptime: Uptime, status: SlaStatus, budget: ErrorBudget | None
) -> dict[str, Any]:
    return {
        "id": None if component is None else component.id,
        "name": None if component is None else component.name,
        "sla_target": None if budget is None else float(budget.target),
        "observed_seconds": uptime.observed_seconds,
        "maintenance_seconds": uptime.maintenance_seconds,
        "counted_seconds": uptime.counted_seconds,
        **{f"{status.value}_seconds": uptime.seconds[status] for status in _STATUS_COLUMNS},
        "downtime_seconds": rounded(uptime.downtime_seconds, 3),
        "uptime_percent": truncated(uptime.percent, 6),
        "sla_status": status.value,
        "error_budget": None if budget is None else _budget(budget),
    }


def _budget(budget: ErrorBudget) -> dict[str, float | None]:
    return {
        "total_minutes": rounded(budget.total_seconds / 60, 3),
        "used_minutes": rounded(budget.used_seconds / 60, 3),
        "remaining_minutes": rounded(budget.remaining_seconds / 60, 3),
        "used_percent": rounded(budget.used_percent, 2),
        "remaining_percent": rounded(budget.remaining_percent, 2),
    }


def render_json(report: SlaReport) -> str:
    return json.dumps(to_document(report), indent=2, ensure_ascii=False)


def render_csv(report: SlaReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for period in to_document(report)["periods"]:
        for row in period["components"]:
            writer.writerow(_csv_cells(period, "component", row))
        writer.writerow(_csv_cells(period, "overall", period["overall"]))
    return buffer.getvalue()


def _csv_cells(period: dict[str, Any], scope: str, row: dict[str, Any]) -> list[str]:
    budget = row["error_budget"] or {}
    values = {
        **{key: period[key] for key in ("period", "kind", "start", "end", "complete")},
        "scope": scope,
        "component": row["id"],
        **{key: row[key] for key in _ROW_COLUMNS},
        **{f"budget_{key}": value for key, value in budget.items()},
    }
    return [_csv_value(values.get(column)) for column in CSV_COLUMNS]


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- the table -----------------------------------------------------------------------------

_HEADERS = (
    "Component",
    "Target",
    "Uptime",
    "Downtime",
    "Maint.",
    "Budget used/total",
    "Left",
    "SLA",
)
_RIGHT = {1, 2, 3, 4, 5, 6}
_VERDICTS = {
    SlaStatus.MET: "met",
    SlaStatus.BREACHED: "BREACHED",
    SlaStatus.ON_TRACK: "on track",
    SlaStatus.NO_DATA: "no data",
    SlaStatus.NO_TARGET: "-",
}
_WINDOW_TITLES = {
    "24h": "Last 24 hours",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
}


def render_table(report: SlaReport, title: str = "Uptime and SLA") -> str:
    """Aligned plain text; a breach reads ``BREACHED`` so it survives without colour."""
    weights = ", ".join(
        f"{status.value} {_number(as_fraction(weight))}"
        for status, weight in report.policy.weights.items()
        if weight and status is not ComponentStatus.OPERATIONAL
    )
    excluded = "excluded" if report.policy.exclude_maintenance else "counted"
    lines = [
        f"{title} at {format_timestamp(report.now)} (calendar periods in {report.time_zone})",
        f"Downtime weights: {weights or 'none'}; planned maintenance {excluded}.",
    ]
    for period in report.periods:
        lines += ["", *_period_table(period)]
    breaches = sum(r.status is SlaStatus.BREACHED for p in report.periods for r in p.components)
    lines += [
        "",
        f"{breaches} SLA breach{'es' if breaches != 1 else ''}."
        if breaches
        else "No SLA breaches.",
    ]
    return "\n".join(lines)


def _period_table(report: PeriodReport) -> list[str]:
    period = report.period
    name = _WINDOW_TITLES.get(period.key, f"{period.kind.capitalize()} {period.key}")
    state = "" if report.complete else " (in progress: uptime so far, budget for the whole period)"
    heading = f"{name}: {format_timestamp(period.start)} to {format_timestamp(period.end)}{state}"
    rows = [_table_row(r.component.name, r.uptime, r.status, r.budget) for r in report.components]
    rows.append(_table_row("All components", report.overall, SlaStatus.NO_TARGET, None))
    return [heading, *_align([_HEADERS, *rows])]


def _table_row(
    name: str, uptime: Uptime, status: SlaStatus, budget: ErrorBudget | None
) -> tuple[str, ...]:
    percent = truncated(uptime.percent, 4)
    return (
        name,
        "-" if budget is None else f"{_number(budget.target)}%",
        "n/a" if percent is None else f"{percent:.4f}%",
        _duration(uptime.downtime_seconds),
        _duration(Fraction(uptime.maintenance_seconds)),
        "-"
        if budget is None
        else f"{_minutes(budget.used_seconds)}/{_minutes(budget.total_seconds)} min",
        "-" if budget is None else _left(budget),
        _VERDICTS[status],
    )


def _left(budget: ErrorBudget) -> str:
    """What is left of the budget; an overrun reads as such, never as a negative share."""
    if budget.remaining_seconds < 0:
        return f"exhausted, {_minutes(-budget.remaining_seconds)} min over"
    remaining = budget.remaining_percent
    percent = "" if remaining is None else f" ({rounded(remaining, 1):.1f}%)"
    return f"{_minutes(budget.remaining_seconds)} min{percent}"


def _align(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def cell(i: int, text: str) -> str:
        return text.rjust(widths[i]) if i in _RIGHT else text.ljust(widths[i])

    return ["  " + "  ".join(cell(i, text) for i, text in enumerate(row)).rstrip() for row in rows]


def _number(value: Fraction) -> str:
    """A decimal without trailing zeros: 99.95, 0.3, 1."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _minutes(seconds: Fraction) -> str:
    return f"{rounded(seconds / 60, 1):.1f}"


def _duration(seconds: Fraction) -> str:
    """``3h 5m 12s``; tenths of a second only when a weight produced them."""
    whole, tenth = divmod(round(seconds * 10), 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    if hours or minutes:
        parts.append(f"{minutes}m")
    parts.append(f"{secs}.{tenth}s" if tenth else f"{secs}s")
    return " ".join(parts)


def render(report: SlaReport, output_format: str) -> str:
    if output_format == "json":
        return render_json(report)
    if output_format == "csv":
        return render_csv(report).rstrip("\n")
    return render_table(report)
