"""The internal site's metrics page: MTTA, MTTR and MTBF over rolling windows and all time,
counts by impact and kind per quarter, and the same figures per component.

The figures are :mod:`statusbook.derive.metrics`'s, over the records as the snapshot knows
them at ``now``; this module only words them.
"""

from __future__ import annotations

from datetime import timedelta

from statusbook.derive.metrics import (
    UNPLANNED_KINDS,
    IncidentMetrics,
    MetricsReport,
    incident_metrics,
)
from statusbook.derive.snapshot import Snapshot
from statusbook.derive.uptime import Period, quarter_period, rolling_periods
from statusbook.model import Impact
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.views import MetricsPage, MetricsRow, QuarterRow

#: Quarters the page shows, the current one first.
METRICS_QUARTERS = 8


def metrics_page(snapshot: Snapshot, labels: Labels) -> MetricsPage:
    t = labels.t
    catalog, now, incidents = snapshot.catalog, snapshot.now, snapshot.incidents
    windows = [
        _row(labels, t(f"uptime.window.{period.key}"), _over(snapshot, period).overall)
        for period in rolling_periods(now)
    ]
    everything = incident_metrics(catalog, incidents, now)
    windows.append(_row(labels, t("metrics.all_time"), everything.overall))
    quarters = tuple(
        _quarter(labels, period, _over(snapshot, period).overall)
        for period in _quarters(snapshot, METRICS_QUARTERS)
    )
    components = tuple(
        _row(labels, labels.component_name(component_id), figures)
        for component_id, figures in everything.components.items()
    )
    return MetricsPage(t("metrics.intro"), tuple(windows), quarters, components)


def _over(snapshot: Snapshot, period: Period) -> MetricsReport:
    return incident_metrics(
        snapshot.catalog, snapshot.incidents, snapshot.now, start=period.start, end=period.end
    )


def _quarters(snapshot: Snapshot, count: int) -> list[Period]:
    local = snapshot.catalog.today(snapshot.now)
    year, quarter = local.year, (local.month - 1) // 3 + 1
    periods = []
    for _ in range(count):
        periods.append(quarter_period(year, quarter, snapshot.catalog.site.time_zone))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return periods


def _row(labels: Labels, label: str, figures: IncidentMetrics) -> MetricsRow:
    longest = figures.longest
    return MetricsRow(
        label=label,
        count=figures.count,
        resolved=figures.resolved,
        mtta=_duration(labels, figures.mtta),
        mttr=_duration(labels, figures.mttr),
        mtbf=_duration(labels, figures.mtbf),
        longest=_duration(labels, longest.duration if longest else None),
    )


def _quarter(labels: Labels, period: Period, figures: IncidentMetrics) -> QuarterRow:
    t = labels.t
    return QuarterRow(
        label=period.key,
        count=figures.count,
        by_impact=tuple((t(f"impact.{i.value}"), figures.by_impact[i.value]) for i in Impact),
        by_kind=tuple((t(f"kind.{k.value}"), figures.by_kind[k.value]) for k in UNPLANNED_KINDS),
    )


def _duration(labels: Labels, value: timedelta | None) -> str:
    return "—" if value is None else labels.t.duration(value)
