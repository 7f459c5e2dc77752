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
    LegendEntry,
    SlaCell,
    UptimePage,
    UptimeRow,
)
from statusbook.render.urls import component_url, incident_url

#: How many months the uptime page covers.
UPTIME_MONTHS = 12
#: How many incidents a component page lists before pointing at the history.
COMPONENT_INCIDENTS = 50
#: A bar's colour is the worst status of its day (the legend says so), never an amount of
#: downtime: a component in major outage has a red bar, however short the outage.
_LEVELS = {
    ComponentStatus.OPERATIONAL: "operational",
    ComponentStatus.DEGRADED_PERFORMANCE: "degraded",
    ComponentStatus.PARTIAL_OUTAGE: "partial",
    ComponentStatus.MAJOR_OUTAGE: "major",
    ComponentStatus.UNDER_MAINTENANCE: "maintenance",
}
_VERDICTS = {
    SlaStatus.MET: ("met", "uptime.met", "✓"),
    SlaStatus.BREACHED: ("breached", "uptime.breached", "✕"),
    SlaStatus.ON_TRACK: ("on_track", "uptime.on_track", "…"),
    SlaStatus.NO_DATA: ("no_data", "uptime.no_data", ""),
    SlaStatus.NO_TARGET: ("no_target", "uptime.no_sla", ""),
}


def bar_legend(labels: Labels) -> tuple[LegendEntry, ...]:
    """What each colour of the bars means: the worst status of the day."""
    entries = [LegendEntry(level, labels.status(status).text) for status, level in _LEVELS.items()]
    entries.append(LegendEntry("none", labels.t("uptime.legend_none")))
    return tuple(entries)


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
        bars = self._bars(days, component.monitored_since)
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
            trouble_days=sum(1 for day in days if day.incident_ids),
        )

    def _bars(self, days: Sequence[Day], monitored_since: datetime) -> tuple[Bar, ...]:
        """Each day with something to tell on its own; quiet days in runs, split where a
        phone's shorter strip begins so that CSS can hide the earlier ones."""
        phone_start = len(days) - PHONE_DAYS
        bars: list[Bar] = []
        run: list[tuple[int, Day, str]] = []

        def close_run() -> None:
            if run:
                bars.append(
                    self._quiet_run([day for _, day, _ in run], run[0][2], run[0][0] < phone_start)
                )
                run.clear()

        for index, day in enumerate(days):
            level = self._level(day, monitored_since)
            quiet = level in ("operational", "none") and not day.incident_ids
            if not quiet or (run and (run[0][2] != level or index == phone_start)):
                close_run()
            if quiet:
                run.append((index, day, level))
            else:
                bars.append(self._day(day, level, index < phone_start))
        close_run()
        return tuple(bars)

    def _level(self, day: Day, monitored_since: datetime) -> str:
        if day.uptime.period.end <= monitored_since:
            return "none"
        return _LEVELS[day.worst_status]

    def _quiet_run(self, days: Sequence[Day], level: str, early: bool) -> Bar:
        t = self.t
        first, last = days[0].uptime.period.start, days[-1].uptime.period.start
        dates = (
            t.date(first)
            if len(days) == 1
            else t("uptime.date_range", first=t.date(first), last=t.date(last))
        )
        key = "uptime.not_monitored" if level == "none" else "uptime.day_clean"
        return Bar(days[0].day.isoformat(), len(days), level, t(key, date=dates), early=early)

    def _day(self, day: Day, level: str, early: bool) -> Bar:
        t = self.t
        facts = []
        downtime = int(day.uptime.downtime_seconds)
        if downtime > 0:
            facts.append(t("uptime.fact_downtime", downtime=t.duration(downtime)))
        if day.degraded_performance_seconds:
            facts.append(
                t("uptime.fact_degraded", duration=t.duration(day.degraded_performance_seconds))
            )
        if day.maintenance_seconds:
            facts.append(t("uptime.fact_maintenance", duration=t.duration(day.maintenance_seconds)))
        status = self.labels.status(day.worst_status).text
        text = t("uptime.day_status", date=t.date(day.uptime.period.start), status=status)
        if facts:
            text += ", " + ", ".join(facts)
        incidents = tuple(
            (self.snapshot.by_id[i].record.title, incident_url(i))
            for i in day.incident_ids
            if i in self.snapshot.by_id
        )
        return Bar(day.day.isoformat(), 1, level, text, incidents, early)

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
        t = self.t
        uptime = result.uptime
        value, key, icon = _VERDICTS[result.status]
        local = uptime.period.start.astimezone(self.labels.zone)
        downtime = uptime.downtime_seconds
        return SlaCell(
            key=f"{local.year}-{local.month:02d}",
            period=t.month(local.year, local.month),
            short=t.short_months[local.month - 1],
            year=str(local.year),
            uptime=self.labels.percent(uptime.percent) or t("uptime.no_data"),
            verdict=Label(value, t(key), icon),
            budget_left=self._budget_left(result),
            downtime=t.duration(int(downtime)) if downtime else "—",
            in_progress=not uptime.period.is_complete(self.snapshot.now),
        )

    def _budget_left(self, result: SlaResult) -> str:
        """What is left of the period's error budget, or by how much it is overspent."""
        budget, t = result.budget, self.t
        if budget is None or budget.total_seconds <= 0 or result.status is SlaStatus.NO_DATA:
            return "—"
        remaining = budget.remaining_seconds
        if remaining < 0:
            return t("uptime.overspent", over=t.duration(int(-remaining)))
        return t(
            "uptime.budget_of",
            left=t.duration(int(remaining)),
            total=t.duration(int(budget.total_seconds)),
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
            legend=bar_legend(self.labels),
        )
