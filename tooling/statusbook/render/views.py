"""What each page shows, as plain data for templates: the core's figures, labelled.

Nothing here knows MkDocs; the plugin hands these objects to Jinja templates, and any
other renderer could. Every figure comes from :mod:`statusbook.status` and
:mod:`statusbook.uptime`; this module only chooses, orders, labels and formats.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from statusbook.derive.status import (
    active_incidents,
    component_statuses,
    maintenance_in_progress,
    overall_status,
    upcoming_maintenance,
)
from statusbook.derive.timeline import build_timelines
from statusbook.derive.uptime import (
    SERIES_DAYS,
    Day,
    Period,
    SlaResult,
    SlaStatus,
    judge,
    last_days,
    measure,
    month_period,
    rolling_periods,
    series_from_timelines,
    severity_weights,
)
from statusbook.i18n import Translator
from statusbook.model import Catalog, ComponentStatus, Incident, UpdateStatus
from statusbook.render.text import render_markdown
from statusbook.render.urls import component_url, history_url, incident_url
from statusbook.timeutil import format_timestamp

#: How many months the uptime page covers.
UPTIME_MONTHS = 12
#: How many incidents a component page lists before pointing at the history.
COMPONENT_INCIDENTS = 50
#: Past incidents on the home page.
RECENT_INCIDENTS = 5
#: Weighted downtime in a day above which its bar turns from "minor" to "partial" and
#: "major". A colour ramp like Statuspage's: a few minutes is not an outage-red day.
BAR_THRESHOLDS = (15 * 60, 2 * 60 * 60)

STATUS_ICONS = {
    ComponentStatus.OPERATIONAL: "✓",
    ComponentStatus.UNDER_MAINTENANCE: "🔧",
    ComponentStatus.DEGRADED_PERFORMANCE: "▲",
    ComponentStatus.PARTIAL_OUTAGE: "◆",
    ComponentStatus.MAJOR_OUTAGE: "✕",
}
INDICATOR_ICONS = {"none": "✓", "minor": "▲", "major": "◆", "critical": "✕", "maintenance": "🔧"}


# --- small pieces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """An instant for a ``<time>`` element: machine value, and text in the site's zone."""

    iso: str
    text: str


@dataclass(frozen=True)
class Label:
    """A status-like value with its translated text and icon (colour is never alone)."""

    value: str
    text: str
    icon: str = ""


@dataclass(frozen=True)
class Bar:
    day: str
    level: str
    title: str


@dataclass(frozen=True)
class TroubleDay:
    text: str
    incidents: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ComponentRow:
    id: str
    name: str
    description: str | None
    status: Label
    url: str
    uptime_90: str | None
    bars: tuple[Bar, ...]
    trouble_days: tuple[TroubleDay, ...]


@dataclass(frozen=True)
class GroupRows:
    name: str | None
    components: tuple[ComponentRow, ...]


@dataclass(frozen=True)
class StatusChange:
    component: str
    status: Label


@dataclass(frozen=True)
class UpdateView:
    at: Moment
    status: Label
    html: str
    author: str | None
    changes: tuple[StatusChange, ...]


@dataclass(frozen=True)
class ActionItemView:
    title: str
    owner: str
    status: Label
    due: str | None
    link: str | None


@dataclass(frozen=True)
class PostmortemView:
    summary_html: str
    root_cause_html: str
    published: Moment | None
    action_items: tuple[ActionItemView, ...]


@dataclass(frozen=True)
class IncidentSummary:
    """An incident as listed on the home, history and component pages."""

    id: str
    url: str
    title: str
    kind: Label
    impact: Label
    state: Label
    started: Moment
    #: When it happened: the start, or a maintenance window's start and end.
    when: tuple[Moment, ...]
    duration: str | None
    components: tuple[str, ...]
    latest: UpdateView | None
    is_maintenance: bool


@dataclass(frozen=True)
class IncidentPage:
    summary: IncidentSummary
    affected: tuple[StatusChange, ...]
    ended: Moment | None
    manager: str | None
    timeline: tuple[UpdateView, ...]
    postmortem: PostmortemView | None
    window: tuple[Moment, Moment] | None
    edit_url: str | None
    corrections: tuple[tuple[Moment, str], ...] = ()


@dataclass(frozen=True)
class HomePage:
    overall: Label
    groups: tuple[GroupRows, ...]
    active: tuple[IncidentSummary, ...]
    maintenance_now: tuple[IncidentSummary, ...]
    maintenance_next: tuple[IncidentSummary, ...]
    recent: tuple[IncidentSummary, ...]
    last_updated: Moment


@dataclass(frozen=True)
class MonthGroup:
    key: str
    title: str
    incidents: tuple[IncidentSummary, ...]


@dataclass(frozen=True)
class HistoryPage:
    key: str
    title: str
    url: str
    months: tuple[MonthGroup, ...]
    newer: tuple[str, str] | None = None
    older: tuple[str, str] | None = None


@dataclass(frozen=True)
class SlaCell:
    period: str
    uptime: str
    target: str
    verdict: Label
    budget: str
    downtime: str
    in_progress: bool


@dataclass(frozen=True)
class UptimeRow:
    component: ComponentRow
    target: str | None
    windows: tuple[tuple[str, str], ...]
    months: tuple[SlaCell, ...]


@dataclass(frozen=True)
class UptimePage:
    intro: str
    rows: tuple[UptimeRow, ...]


@dataclass(frozen=True)
class ComponentPage:
    row: ComponentRow
    uptime: UptimeRow
    sla: str | None
    monitored_since: str
    incidents: tuple[IncidentSummary, ...]
    more: bool


@dataclass
class SiteViews:
    """Every page's data, computed once per build."""

    home: HomePage
    incidents: dict[str, IncidentPage]
    history: list[HistoryPage]
    uptime: UptimePage
    components: dict[str, ComponentPage]
    records: dict[str, Incident] = field(default_factory=dict)


# --- building ------------------------------------------------------------------------------


class ViewBuilder:
    """Turns records into page data at one instant, in one language."""

    def __init__(
        self,
        catalog: Catalog,
        incidents: Sequence[Incident],
        now: datetime,
        *,
        edit_root: str | None = None,
        record_paths: dict[str, str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.incidents = list(incidents)
        self.now = now
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.zone = ZoneInfo(catalog.site.time_zone)
        self.names = {component.id: component.name for component in catalog.components}
        self.edit_root = edit_root
        self.record_paths = record_paths or {}
        self.by_id = {incident.id: incident for incident in self.incidents}
        self.statuses = component_statuses(catalog, self.incidents, now)

    # labels
    def moment(self, value: datetime) -> Moment:
        return Moment(format_timestamp(value), self.t.datetime(value))

    def status(self, status: ComponentStatus) -> Label:
        return Label(status.value, self.t(f"status.{status.value}"), STATUS_ICONS[status])

    def percent(self, value: Fraction | None) -> str | None:
        """Uptime, rounded down: a status page never shows more availability than there was."""
        if value is None:
            return None
        digits = _digits(value)
        scale = 10**digits
        return self.t.percent(float(Fraction(math.floor(value * scale), scale)), digits)

    # pages
    def build(self) -> SiteViews:
        months = self._months()
        since = min(months[-1].start, self.now - timedelta(days=SERIES_DAYS + 1))
        timelines = build_timelines(self.catalog, self.incidents, self.now, since=since)
        days = last_days(self.now, SERIES_DAYS, self.catalog.site.time_zone)
        series = series_from_timelines(timelines, days, self.catalog.sla)
        weights = severity_weights(self.catalog.sla)
        windows = rolling_periods(self.now)
        rows: dict[str, ComponentRow] = {}
        uptime_rows: dict[str, UptimeRow] = {}
        for component in self.catalog.components:
            timeline = timelines[component.id]
            ninety = measure(timeline, windows[-1], self.catalog.sla, weights)
            rows[component.id] = self._component_row(
                component.id, ninety.percent, series[component.id]
            )
            window_figures = tuple(
                (
                    self.t(f"uptime.window.{period.key}"),
                    self.percent(measure(timeline, period, self.catalog.sla, weights).percent)
                    or self.t("uptime.no_data"),
                )
                for period in windows
            )
            cells = tuple(
                self._sla_cell(
                    judge(component, measure(timeline, month, self.catalog.sla, weights), self.now)
                )
                for month in months
            )
            target = (
                None if component.sla_target is None else self.t.percent(component.sla_target, 2)
            )
            uptime_rows[component.id] = UptimeRow(rows[component.id], target, window_figures, cells)

        summaries = {incident.id: self.summary(incident) for incident in self.incidents}
        # Newest first, per component: one pass over the records, not one per component.
        touching: dict[str, list[IncidentSummary]] = defaultdict(list)
        for incident in reversed(self.incidents):
            for component_id in incident.affected_components:
                touching[component_id].append(summaries[incident.id])
        return SiteViews(
            home=self._home(rows, summaries),
            incidents={
                incident.id: self._incident_page(incident, summaries[incident.id])
                for incident in self.incidents
            },
            history=self._history(summaries),
            uptime=UptimePage(self._uptime_intro(), tuple(uptime_rows.values())),
            components={
                component.id: self._component_page(
                    component.id, rows, uptime_rows, touching[component.id]
                )
                for component in self.catalog.components
            },
            records=self.by_id,
        )

    def _months(self) -> list[Period]:
        local = self.now.astimezone(self.zone)
        year, month = local.year, local.month
        periods = []
        for _ in range(UPTIME_MONTHS):
            periods.append(month_period(year, month, self.catalog.site.time_zone))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return periods

    def _component_row(
        self, component_id: str, percent: Fraction | None, days: list[Day]
    ) -> ComponentRow:
        component = self.catalog.component(component_id)
        assert component is not None
        status = self.statuses[component_id]
        bars = tuple(self._bar(day, component.monitored_since) for day in days)
        trouble = tuple(
            TroubleDay(
                bar.title,
                tuple(
                    (self.by_id[incident_id].title, incident_url(incident_id))
                    for incident_id in day.incident_ids
                    if incident_id in self.by_id
                ),
            )
            for bar, day in zip(bars, days, strict=True)
            if day.incident_ids
        )
        return ComponentRow(
            id=component_id,
            name=component.name,
            description=component.description,
            status=self.status(status),
            url=component_url(component_id),
            uptime_90=self.percent(percent),
            bars=bars,
            trouble_days=tuple(reversed(trouble)),
        )

    def _bar(self, day: Day, monitored_since: datetime) -> Bar:
        label = self.t.date(day.uptime.period.start)
        downtime = day.uptime.downtime_seconds
        if day.uptime.period.end <= monitored_since:
            return Bar(day.day.isoformat(), "none", self.t("uptime.not_monitored", date=label))
        if downtime > 0:
            level = (
                "minor"
                if downtime <= BAR_THRESHOLDS[0]
                else "partial"
                if downtime <= BAR_THRESHOLDS[1]
                else "major"
            )
            title = self.t("uptime.day_down", date=label, downtime=self.t.duration(int(downtime)))
        elif day.degraded_performance_seconds:
            level = "degraded"
            title = self.t(
                "uptime.day_degraded",
                date=label,
                duration=self.t.duration(day.degraded_performance_seconds),
            )
        elif day.maintenance_seconds:
            level = "maintenance"
            title = self.t(
                "uptime.day_maintenance",
                date=label,
                duration=self.t.duration(day.maintenance_seconds),
            )
        else:
            level, title = "operational", self.t("uptime.day_clean", date=label)
        if day.incident_ids:
            titles = [self.by_id[i].title for i in day.incident_ids if i in self.by_id]
            title += " — " + "; ".join(titles)
        return Bar(day.day.isoformat(), level, title)

    def _sla_cell(self, result: SlaResult) -> SlaCell:
        uptime = result.uptime
        verdicts = {
            SlaStatus.MET: ("met", "uptime.met"),
            SlaStatus.BREACHED: ("breached", "uptime.breached"),
            SlaStatus.ON_TRACK: ("on_track", "uptime.on_track"),
            SlaStatus.NO_DATA: ("no_data", "uptime.no_data"),
            SlaStatus.NO_TARGET: ("no_target", "uptime.no_sla"),
        }
        value, key = verdicts[result.status]
        icon = {"met": "✓", "breached": "✕", "on_track": "…"}.get(value, "")
        budget = "—"
        if result.budget is not None and result.budget.used_percent is not None:
            budget = self.t.percent(float(result.budget.used_percent), 0)
        local = uptime.period.start.astimezone(self.zone)
        return SlaCell(
            period=self.t.month(local.year, local.month),
            uptime=self.percent(uptime.percent) or self.t("uptime.no_data"),
            target="—" if result.target is None else self.t.percent(float(result.target), 2),
            verdict=Label(value, self.t(key), icon),
            budget=budget,
            downtime=self.t.duration(int(uptime.downtime_seconds))
            if uptime.downtime_seconds
            else "—",
            in_progress=not uptime.period.is_complete(self.now),
        )

    def _uptime_intro(self) -> str:
        partial = self.catalog.sla.weights.get(ComponentStatus.PARTIAL_OUTAGE, 0)
        maintenance = (
            self.t("uptime.maintenance_excluded") if self.catalog.sla.exclude_maintenance else ""
        )
        return self.t(
            "uptime.intro", partial=self.t.percent(float(partial) * 100, 0), maintenance=maintenance
        )

    # incidents
    def update_view(self, incident: Incident, index: int) -> UpdateView:
        update = incident.updates[index]
        return UpdateView(
            at=self.moment(update.at),
            status=Label(update.status.value, self.t(f"update.{update.status.value}")),
            html=render_markdown(update.message),
            author=update.author,
            changes=tuple(
                StatusChange(self.names.get(component, component), self.status(status))
                for component, status in update.components.items()
            ),
        )

    def summary(self, incident: Incident) -> IncidentSummary:
        state = self._state(incident)
        latest = self.update_view(incident, len(incident.updates) - 1) if incident.updates else None
        if incident.maintenance is not None:
            window = incident.maintenance
            when = self._window(
                window.started or window.scheduled_start, window.completed or window.scheduled_end
            )
            duration = None
        else:
            when = (self.moment(incident.started),)
            end = incident.resolved
            duration = self.t.duration(end - incident.started) if end else None
        return IncidentSummary(
            id=incident.id,
            url=incident_url(incident.id),
            title=incident.title,
            kind=Label(incident.kind.value, self.t(f"kind.{incident.kind.value}")),
            impact=Label(incident.impact.value, self.t(f"impact.{incident.impact.value}")),
            state=state,
            started=self.moment(incident.started),
            when=when,
            duration=duration,
            components=tuple(self.names.get(c, c) for c in incident.affected_components),
            latest=latest,
            is_maintenance=incident.is_maintenance,
        )

    def _state(self, incident: Incident) -> Label:
        if incident.maintenance is not None:
            state = incident.maintenance.state_at(self.now).value
            return Label(state, self.t(f"maintenance.{state}"))
        if incident.resolved is not None and incident.resolved <= self.now:
            return Label("resolved", self.t("update.resolved"), "✓")
        status = incident.lifecycle_status or UpdateStatus.INVESTIGATING
        return Label(status.value, self.t(f"update.{status.value}"), "●")

    def _window(self, start: datetime, end: datetime) -> tuple[Moment, Moment]:
        """Start and end, the end without its date when both fall on one local day."""
        same_day = start.astimezone(self.zone).date() == end.astimezone(self.zone).date()
        closing = self.t.time(end) if same_day else self.t.datetime(end)
        return self.moment(start), Moment(format_timestamp(end), closing)

    def _incident_page(self, incident: Incident, summary: IncidentSummary) -> IncidentPage:
        postmortem = None
        if incident.postmortem is not None:
            pm = incident.postmortem
            postmortem = PostmortemView(
                summary_html=render_markdown(pm.summary),
                root_cause_html=render_markdown(pm.root_cause),
                published=self.moment(pm.published) if pm.published else None,
                action_items=tuple(
                    ActionItemView(
                        title=item.title,
                        owner=item.owner,
                        status=Label(item.status.value, self.t(f"action.{item.status.value}")),
                        due=None
                        if item.due is None
                        else f"{item.due.day} {self.t.short_months[item.due.month - 1]} {item.due.year}",
                        link=item.link,
                    )
                    for item in pm.action_items
                ),
            )
        statuses = {}
        for _, component, status in incident.status_changes():
            statuses[component] = status
        affected = tuple(
            StatusChange(self.names.get(component, component), self.status(statuses[component]))
            for component in incident.affected_components
        )
        path = self.record_paths.get(incident.id)
        window = None
        if incident.maintenance is not None:
            window = self._window(
                incident.maintenance.scheduled_start, incident.maintenance.scheduled_end
            )
        ended = incident.resolved or (
            incident.maintenance.completed if incident.maintenance else None
        )
        return IncidentPage(
            summary=summary,
            affected=affected,
            ended=self.moment(ended) if ended else None,
            manager=incident.manager,
            timeline=tuple(
                self.update_view(incident, index)
                for index in reversed(range(len(incident.updates)))
            ),
            postmortem=postmortem,
            window=window,
            edit_url=f"{self.edit_root}{path}" if self.edit_root and path else None,
            corrections=tuple((self.moment(c.at), c.note) for c in incident.corrections),
        )

    # home
    def _home(
        self, rows: dict[str, ComponentRow], summaries: dict[str, IncidentSummary]
    ) -> HomePage:
        overall = overall_status(self.catalog, self.incidents, self.now)
        groups: list[GroupRows] = []
        grouped: dict[str | None, list[ComponentRow]] = defaultdict(list)
        for component in self.catalog.components:
            grouped[component.group].append(rows[component.id])
        for group in self.catalog.groups:
            if grouped.get(group.id):
                groups.append(GroupRows(group.name, tuple(grouped[group.id])))
        if grouped.get(None):
            groups.append(GroupRows(None, tuple(grouped[None])))
        active = active_incidents(self.incidents, self.now)
        active_ids = {incident.id for incident in active}
        past = [
            incident
            for incident in reversed(self.incidents)
            if not incident.is_maintenance
            and incident.id not in active_ids
            and incident.started <= self.now
        ]
        return HomePage(
            overall=Label(
                overall.indicator,
                self.t(f"banner.{overall.indicator}"),
                INDICATOR_ICONS[overall.indicator],
            ),
            groups=tuple(groups),
            active=tuple(summaries[incident.id] for incident in active),
            maintenance_now=tuple(
                summaries[i.id] for i in maintenance_in_progress(self.incidents, self.now)
            ),
            maintenance_next=tuple(
                summaries[i.id] for i in upcoming_maintenance(self.incidents, self.now)
            ),
            recent=tuple(summaries[incident.id] for incident in past[:RECENT_INCIDENTS]),
            last_updated=self.moment(self.now),
        )

    # history: one page per quarter keeps every page small however long the history
    def _history(self, summaries: dict[str, IncidentSummary]) -> list[HistoryPage]:
        by_month: dict[tuple[int, int], list[IncidentSummary]] = defaultdict(list)
        for incident in self.incidents:
            if incident.started > self.now and not incident.is_maintenance:
                continue
            local = incident.started.astimezone(self.zone)
            by_month[(local.year, local.month)].append(summaries[incident.id])
        local_now = self.now.astimezone(self.zone)
        first = min(by_month, default=(local_now.year, local_now.month))
        last = max(max(by_month, default=first), (local_now.year, local_now.month))
        quarters: list[tuple[int, int]] = []
        year, quarter = last[0], (last[1] - 1) // 3 + 1
        while (year, quarter) >= (first[0], (first[1] - 1) // 3 + 1):
            quarters.append((year, quarter))
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        pages = []
        for year, quarter in quarters:
            months = []
            for month in range(quarter * 3, quarter * 3 - 3, -1):
                if (year, month) > last or (year, month) < first:
                    continue
                listed = sorted(
                    by_month.get((year, month), []),
                    key=lambda s: (s.started.iso, s.id),
                    reverse=True,
                )
                months.append(
                    MonthGroup(f"{year:04d}-{month:02d}", self.t.month(year, month), tuple(listed))
                )
            key = f"{year:04d}-q{quarter}"
            pages.append(
                HistoryPage(
                    key,
                    f"{self.t('history.title')} · Q{quarter} {year}",
                    history_url(key),
                    tuple(months),
                )
            )
        linked = []
        for index, page in enumerate(pages):
            newer = pages[index - 1] if index > 0 else None
            older = pages[index + 1] if index + 1 < len(pages) else None
            linked.append(
                HistoryPage(
                    page.key,
                    page.title,
                    page.url,
                    page.months,
                    (newer.title, newer.url) if newer else None,
                    (older.title, older.url) if older else None,
                )
            )
        return linked

    def _component_page(
        self,
        component_id: str,
        rows: dict[str, ComponentRow],
        uptime_rows: dict[str, UptimeRow],
        touching: list[IncidentSummary],
    ) -> ComponentPage:
        component = self.catalog.component(component_id)
        assert component is not None
        return ComponentPage(
            row=rows[component_id],
            uptime=uptime_rows[component_id],
            sla=None
            if component.sla_target is None
            else self.t("component.sla", target=self.t.percent(component.sla_target, 2)),
            monitored_since=self.t(
                "component.monitored_since", date=self.t.date(component.monitored_since)
            ),
            incidents=tuple(touching[:COMPONENT_INCIDENTS]),
            more=len(touching) > COMPONENT_INCIDENTS,
        )


def _digits(value: Fraction) -> int:
    """Whole 100 % when perfect; three decimals in the 99.99s, where SLAs live; else two."""
    if value >= 100:
        return 0
    return 3 if value >= Fraction(9999, 100) else 2


def build_views(
    catalog: Catalog,
    incidents: Sequence[Incident],
    now: datetime,
    *,
    edit_root: str | None = None,
    record_paths: dict[str, str] | None = None,
) -> SiteViews:
    return ViewBuilder(
        catalog, incidents, now, edit_root=edit_root, record_paths=record_paths
    ).build()
