"""``statusbook sla --metrics``: MTTA, MTTR, MTBF and counts per period, for people and tools.

The figures are :mod:`statusbook.derive.metrics`'s. JSON (``"format":
"statusbook.metrics/1"``): ``now`` and ``periods``, each with ``key``, ``start``, ``end``,
``overall`` and ``components`` (by id), each of those with ``count``, ``resolved``,
``mtta_seconds``, ``mttr_seconds``, ``mtbf_seconds`` (``null`` when there is nothing to
average), ``longest`` (``incident``, ``seconds``, ``ongoing``), ``by_kind`` and
``by_impact``. CSV: one row per period and component (``all`` for the whole site).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from statusbook.derive.metrics import IncidentMetrics, MetricsReport
from statusbook.derive.uptime import Period
from statusbook.i18n import Translator
from statusbook.timeutil import format_timestamp

FORMATS = ("table", "json", "csv")
_T = Translator("en")
_CSV_FIELDS = (
    "period",
    "component",
    "count",
    "resolved",
    "mtta_seconds",
    "mttr_seconds",
    "mtbf_seconds",
    "longest_seconds",
    "longest_incident",
)


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def figures(metrics: IncidentMetrics) -> dict[str, Any]:
    longest = metrics.longest
    return {
        "count": metrics.count,
        "resolved": metrics.resolved,
        "mtta_seconds": _seconds(metrics.mtta),
        "mttr_seconds": _seconds(metrics.mttr),
        "mtbf_seconds": _seconds(metrics.mtbf),
        "longest": None
        if longest is None
        else {
            "incident": longest.incident_id,
            "seconds": _seconds(longest.duration),
            "ongoing": longest.ongoing,
        },
        "by_kind": dict(metrics.by_kind),
        "by_impact": dict(metrics.by_impact),
    }


def render(
    reports: Sequence[tuple[Period, MetricsReport]], output_format: str, *, now: datetime
) -> str:
    if output_format == "json":
        document = {
            "format": "statusbook.metrics/1",
            "now": format_timestamp(now),
            "periods": [
                {
                    "key": period.key,
                    "start": format_timestamp(period.start),
                    "end": format_timestamp(report.end),
                    "overall": figures(report.overall),
                    "components": {cid: figures(m) for cid, m in report.components.items()},
                }
                for period, report in reports
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False)
    if output_format == "csv":
        return _csv(reports)
    return "\n\n".join(_table(period, report) for period, report in reports)


def _csv(reports: Sequence[tuple[Period, MetricsReport]]) -> str:
    stream = io.StringIO()
    kinds = list(reports[0][1].overall.by_kind) if reports else []
    impacts = list(reports[0][1].overall.by_impact) if reports else []
    fields = [*_CSV_FIELDS, *(f"kind_{k}" for k in kinds), *(f"impact_{i}" for i in impacts)]
    writer = csv.DictWriter(stream, fields, lineterminator="\n")
    writer.writeheader()
    for period, report in reports:
        for component, metrics in [("all", report.overall), *report.components.items()]:
            data = figures(metrics)
            longest = data.pop("longest")
            row = {
                "period": period.key,
                "component": component,
                **{key: data[key] for key in _CSV_FIELDS[2:7]},
                "longest_seconds": longest["seconds"] if longest else None,
                "longest_incident": longest["incident"] if longest else None,
            }
            row |= {f"kind_{k}": v for k, v in metrics.by_kind.items()}
            row |= {f"impact_{i}": v for i, v in metrics.by_impact.items()}
            writer.writerow(row)
    return stream.getvalue().rstrip("\n")


def _table(period: Period, report: MetricsReport) -> str:
    head = (
        f"Metrics, {period.key} ({format_timestamp(period.start)} → "
        f"{format_timestamp(report.end)}), unplanned incidents"
    )
    lines = [["COMPONENT", "INCIDENTS", "RESOLVED", "MTTA", "MTTR", "MTBF", "LONGEST"]]
    for name, metrics in [("all", report.overall), *report.components.items()]:
        longest = metrics.longest
        lines.append(
            [
                name,
                str(metrics.count),
                str(metrics.resolved),
                _duration(metrics.mtta),
                _duration(metrics.mttr),
                _duration(metrics.mtbf),
                _duration(longest.duration) + (" (ongoing)" if longest.ongoing else "")
                if longest
                else "—",
            ]
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    body = "\n".join(
        ("  " + "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))).rstrip()
        for line in lines
    )
    overall = report.overall
    kinds = ", ".join(f"{k} {n}" for k, n in overall.by_kind.items() if n) or "none"
    impacts = ", ".join(f"{i} {n}" for i, n in overall.by_impact.items() if n) or "none"
    return f"{head}\n{body}\n  by impact: {impacts}\n  by kind: {kinds}"


def _duration(value: timedelta | None) -> str:
    return "—" if value is None else _T.duration(value)
