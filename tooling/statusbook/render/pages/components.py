"""Component rows with their daily bars, the uptime page and each component's page.

Every figure comes from the snapshot's timelines (:mod:`statusbook.derive.uptime`); the
figure printed under the bars covers exactly the days the bars show — every bar on a wide
screen, the most recent ones on a narrow one — so a green strip never sits beside a
figure that counts a day it does not show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from statusbook.derive.snapshot import Snapshot
from statusbook.derive.timeline import ComponentTimeline
from statusbook.derive.uptime import (
    PHONE_DAYS,
    SERIES_DAYS,
    Day,
    Period,
    SlaResult,
    SlaStatus,
    days_span,
    judge,
    last_days,
    measure,
    month_period,
    rolling_periods,
    series_from_timelines,
    severity_weights,
)
from statusbook.model import Component, ComponentStatus
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.views import (
    Bar,
    BarsFigure,
    ComponentPage,
    ComponentRow,
    IncidentSummary,
    Label,
    SlaCell,
    TroubleDay,
    UptimePage,
    UptimeRow,
)
from statusbook.render.urls import component_url, incident_url

#: How many months the uptime page covers.
UPTIME_MONTHS = 12
#: How many incidents a component page lists before pointing at the history.
COMPONENT_INCIDENTS = 50
#: Weighted downtime in a day above which its bar turns from "minor" to "partial" and
#: "major". A colour ramp like Statuspage's: a few minutes is not an outage-red day.
BAR_THRESHOLDS = (15 * 60, 2 * 60 * 60)
_VERDICTS = {
    SlaStatus.MET: ("met", "uptime.met", "✓"),
    SlaStatus.BREACHED: ("breached", "uptime.breached", "✕"),
    SlaStatus.ON_TRACK: ("on_track", "uptime.on_track", "…"),
    SlaStatus.NO_DATA: ("no_data", "uptime.no_data", ""),
    SlaStatus.NO_TARGET: ("no_target", "uptime.no_sla", ""),
}


def uptime_months(snapshot: Snapshot) -> list[Period]:
    """The calendar months of the uptime page, newest first, in the site's zone."""
    local = snapshot.now.astimezone(Labels(snapshot.catalog).zone)
    year, month = local.year, local.month
    periods = []
    for _ in range(UPTIME_MONTHS):
        periods.append(month_period(year, month, snapshot.catalog.site.time_zone))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods


class ComponentViews:
    """Rows, SLA tables and pages for every component of one snapshot."""

    def __init__(self, snapshot: Snapshot, labels: Labels) -> None:
        self.snapshot = snapshot
        self.labels = labels
        self.t = labels.t
        catalog = snapshot.catalog
        self.policy = catalog.sla
        self.weights = severity_weights(catalog.sla)
        self.months = uptime_months(snapshot)
        self.days = last_days(snapshot.now, SERIES_DAYS, catalog.site.time_zone)
        since = min(self.months[-1].start, self.days[0].start)
        self.timelines = snapshot.timelines(since)
        self.series = series_from_timelines(self.timelines, self.days, catalog.sla)
        self.rows = {c.id: self._row(c) for c in catalog.components}
        self.uptime_rows = {c.id: self._uptime_row(c) for c in catalog.components}

    # --- rows and bars -------------------------------------------------------------------

    def _row(self, component: Component) -> ComponentRow:
        days = self.series[component.id]
        bars = tuple(self._bar(day, component.monitored_since) for day in days)
        trouble = tuple(
            TroubleDay(
                bar.title,
                tuple(
                    (self.snapshot.by_id[i].record.title, incident_url(i))
                    for i in day.incident_ids
                    if i in self.snapshot.by_id
                ),
            )
            for bar, day in zip(bars, days, strict=True)
            if day.incident_ids
        )
        return ComponentRow(
            id=component.id,
            name=component.name,
            description=component.description,
            status=self.labels.status(self.snapshot.components[component.id]),
            url=component_url(component.id),
            bars=bars,
            figures=tuple(
                self._figure(self.timelines[component.id], count)
                for count in (SERIES_DAYS, PHONE_DAYS)
            ),
            trouble_days=tuple(reversed(trouble)),
        )

    def _figure(self, timeline: ComponentTimeline, count: int) -> BarsFigure:
        shown = self.days[-count:]
        uptime = measure(timeline, days_span(shown), self.policy, self.weights).percent
        percent = self.labels.percent(uptime)
        text = (
            self.t("uptime.percent_days", percent=percent, days=count)
            if percent
            else self.t("uptime.no_data")
        )
        return BarsFigure(count, self.t("uptime.days_ago", days=count), text)

    def _bar(self, day: Day, monitored_since: datetime) -> Bar:
        t = self.t
        label = t.date(day.uptime.period.start)
        downtime = day.uptime.downtime_seconds
        if day.uptime.period.end <= monitored_since:
            return Bar(day.day.isoformat(), "none", t("uptime.not_monitored", date=label))
        if downtime > 0:
            level = (
                "minor"
                if downtime <= BAR_THRESHOLDS[0]
                else "partial"
                if downtime <= BAR_THRESHOLDS[1]
                else "major"
            )
            title = t("uptime.day_down", date=label, downtime=t.duration(int(downtime)))
        elif day.degraded_performance_seconds:
            level = "degraded"
            duration = t.duration(day.degraded_performance_seconds)
            title = t("uptime.day_degraded", date=label, duration=duration)
        elif day.maintenance_seconds:
            level = "maintenance"
            duration = t.duration(day.maintenance_seconds)
            title = t("uptime.day_maintenance", date=label, duration=duration)
        else:
            level, title = "operational", t("uptime.day_clean", date=label)
        titles = [
            self.snapshot.by_id[i].record.title
            for i in day.incident_ids
            if i in self.snapshot.by_id
        ]
        if titles:
            title += " — " + "; ".join(titles)
        return Bar(day.day.isoformat(), level, title)

    # --- the uptime page -----------------------------------------------------------------

    def _uptime_row(self, component: Component) -> UptimeRow:
        timeline = self.timelines[component.id]
        windows = tuple(
            (
                self.t(f"uptime.window.{period.key}"),
                self.labels.percent(measure(timeline, period, self.policy, self.weights).percent)
                or self.t("uptime.no_data"),
            )
            for period in rolling_periods(self.snapshot.now)
        )
        cells = tuple(
            self._sla_cell(
                judge(
                    component,
                    measure(timeline, month, self.policy, self.weights),
                    self.snapshot.now,
                )
            )
            for month in self.months
        )
        target = None if component.sla_target is None else self.t.percent(component.sla_target, 2)
        return UptimeRow(self.rows[component.id], target, windows, cells)

    def _sla_cell(self, result: SlaResult) -> SlaCell:
        uptime = result.uptime
        value, key, icon = _VERDICTS[result.status]
        budget = "—"
        if result.budget is not None and result.budget.used_percent is not None:
            budget = self.t.percent(float(result.budget.used_percent), 0)
        local = uptime.period.start.astimezone(self.labels.zone)
        downtime = uptime.downtime_seconds
        return SlaCell(
            period=self.t.month(local.year, local.month),
            uptime=self.labels.percent(uptime.percent) or self.t("uptime.no_data"),
            target="—" if result.target is None else self.t.percent(float(result.target), 2),
            verdict=Label(value, self.t(key), icon),
            budget=budget,
            downtime=self.t.duration(int(downtime)) if downtime else "—",
            in_progress=not uptime.period.is_complete(self.snapshot.now),
        )

    def uptime_page(self) -> UptimePage:
        sla = self.policy
        partial = sla.weights.get(ComponentStatus.PARTIAL_OUTAGE, 0)
        maintenance = self.t("uptime.maintenance_excluded") if sla.exclude_maintenance else ""
        intro = self.t(
            "uptime.intro", partial=self.t.percent(float(partial) * 100, 0), maintenance=maintenance
        )
        return UptimePage(intro, tuple(self.uptime_rows.values()))

    # --- component pages -----------------------------------------------------------------

    def pages(self, summaries: Mapping[str, IncidentSummary]) -> dict[str, ComponentPage]:
        # Newest first, per component: one pass over the records, not one per component.
        touching: dict[str, list[IncidentSummary]] = {}
        for state in reversed(self.snapshot.records):
            for component_id in state.record.affected_components:
                touching.setdefault(component_id, []).append(summaries[state.id])
        return {
            c.id: self._page(c, touching.get(c.id, [])) for c in self.snapshot.catalog.components
        }

    def _page(self, component: Component, touching: Sequence[IncidentSummary]) -> ComponentPage:
        t = self.t
        return ComponentPage(
            row=self.rows[component.id],
            uptime=self.uptime_rows[component.id],
            sla=None
            if component.sla_target is None
            else t("component.sla", target=t.percent(component.sla_target, 2)),
            monitored_since=t("component.monitored_since", date=t.date(component.monitored_since)),
            incidents=tuple(touching[:COMPONENT_INCIDENTS]),
            more=len(touching) > COMPONENT_INCIDENTS,
        )
