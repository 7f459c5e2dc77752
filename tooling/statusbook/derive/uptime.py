"""Uptime, SLA verdicts and error budgets: interval maths over component timelines.

Everything is exact until it is printed: seconds are integers (see :mod:`statusbook.timeline`
for how records become per-component status segments), weights, targets and ratios are
:class:`~fractions.Fraction` (a weight of ``0.3`` is exactly 3/10).

Per component and period ``[start, end)``:

observed ``O``
    seconds in ``[start, min(end, now))`` at or after the component's ``monitored_since``.
maintenance ``M``
    the part of ``O`` whose effective status is owed to planned maintenance (a window whose
    own status is strictly worse than any unplanned status at that instant; an outage
    during a window is an outage).
counted ``C``
    the SLA denominator: ``O - M`` when ``sla.exclude_maintenance`` (the default), else ``O``.
downtime ``D``
    Σ seconds × ``sla.weights[status]`` over the unplanned part of ``O``; when maintenance
    is not excluded, its time is weighted by its status too. Statuspage's defaults:
    major outage 1, partial outage 0.3, everything else 0. Overlapping records count once
    (the worst status at each instant).
uptime ``U``
    ``1 - D / C``; undefined (``None``) when ``C = 0``.

Periods
    rolling windows (``24h``, ``7d``, ``30d``, ``90d``) are ``[now - length, now)``;
    calendar months, quarters and years run from local midnight to local midnight in the
    site's time zone (``site.time_zone``, default UTC), so a UTC month is exactly 28, 29,
    30 or 31 days; a day is one local calendar day.

Error budget (components with an SLA target ``T`` percent)
    ``allowed = (100 - T) / 100``. ``total = allowed × (C + F)`` where ``F`` is the part of
    the period still to come: the seconds from ``max(now, start, monitored_since)`` to
    ``end`` (0 for a finished period or a rolling window). Maintenance not yet begun is not
    known, so ``F`` is not reduced for it. ``used = D``; ``remaining = total - used``
    (negative once overspent). Percentages are of ``total`` and undefined when it is 0.

Verdict (:class:`SlaStatus`)
    ``no_target`` without a target; ``no_data`` when ``C = 0`` (nothing observed yet);
    ``breached`` when ``used > total``; otherwise ``met`` for a finished period (which
    is exactly ``U ≥ T``) and ``on_track`` for one still in progress. An in-progress period
    is thus judged against the budget of the whole period: downtime cannot shrink, so once
    it exceeds that budget the period is lost, and until then it can still be met. Its
    uptime figure, by contrast, covers only the time elapsed so far.

Overall
    components pooled: ``ΣD / ΣC`` over the chosen components (the mean availability of a
    component-second), with no target of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from statusbook import timeutil
from statusbook.derive.timeline import (
    BY_SEVERITY,
    ComponentTimeline,
    Tally,
    build_timelines,
    to_seconds,
)
from statusbook.model import Catalog, Component, ComponentStatus, Incident, SlaPolicy

#: Rolling windows, shortest first, as the CLI and the site name them.
ROLLING_WINDOWS: dict[str, timedelta] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
#: Days in the per-day series behind the site's uptime bars.
SERIES_DAYS = 90
#: The most recent of those days a narrow screen shows.
PHONE_DAYS = 30

_HUNDRED = Fraction(100)


class PeriodError(ValueError):
    """A period name that cannot be read (``2026-13``, ``2026Q5``, ``12d``)."""


class UnknownComponentError(ValueError):
    """A component id asked for that the catalog does not define."""


class SlaStatus(StrEnum):
    MET = "met"
    BREACHED = "breached"
    ON_TRACK = "on_track"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"


# --- periods -------------------------------------------------------------------------------


class Period(NamedTuple):
    """A named range of time ``[start, end)`` in UTC."""

    key: str
    #: ``rolling``, ``day``, ``month``, ``quarter`` or ``year``.
    kind: str
    start: datetime
    end: datetime

    def is_complete(self, now: datetime) -> bool:
        return self.end <= now


def rolling_period(key: str, now: datetime) -> Period:
    if key not in ROLLING_WINDOWS:
        raise PeriodError(f"unknown window {key!r}; use one of: {', '.join(ROLLING_WINDOWS)}")
    return Period(key, "rolling", now - ROLLING_WINDOWS[key], now)


def rolling_periods(now: datetime) -> list[Period]:
    return [rolling_period(key, now) for key in ROLLING_WINDOWS]


def _local_midnight(year: int, month: int, day: int, zone: tzinfo) -> datetime:
    return datetime(year, month, day, tzinfo=zone).astimezone(UTC)


def month_period(year: int, month: int, time_zone: str = "UTC") -> Period:
    zone = timeutil.zone(time_zone)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return Period(
        f"{year:04d}-{month:02d}",
        "month",
        _local_midnight(year, month, 1, zone),
        _local_midnight(*following, 1, zone),
    )


def quarter_period(year: int, quarter: int, time_zone: str = "UTC") -> Period:
    first = month_period(year, quarter * 3 - 2, time_zone)
    last = month_period(year, quarter * 3, time_zone)
    return Period(f"{year:04d}Q{quarter}", "quarter", first.start, last.end)


def year_period(year: int, time_zone: str = "UTC") -> Period:
    zone = timeutil.zone(time_zone)
    return Period(
        f"{year:04d}",
        "year",
        _local_midnight(year, 1, 1, zone),
        _local_midnight(year + 1, 1, 1, zone),
    )


def day_period(day: date, time_zone: str = "UTC") -> Period:
    zone = timeutil.zone(time_zone)
    following = day + timedelta(days=1)
    return Period(
        day.isoformat(),
        "day",
        _local_midnight(day.year, day.month, day.day, zone),
        _local_midnight(following.year, following.month, following.day, zone),
    )


def last_days(now: datetime, days: int = SERIES_DAYS, time_zone: str = "UTC") -> list[Period]:
    """The ``days`` local calendar days up to and including the one containing ``now``."""
    today = now.astimezone(timeutil.zone(time_zone)).date()
    return [day_period(today - timedelta(days=back), time_zone) for back in range(days - 1, -1, -1)]


def days_span(days: Sequence[Period]) -> Period:
    """The period that consecutive ``days`` cover, exactly: a figure beside bars for these
    days then describes what the bars show, not a rolling window reaching past them."""
    return Period(f"{len(days)}d", "days", days[0].start, days[-1].end)


_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "month": (re.compile(r"^(\d{4})-(\d{2})$"), "YYYY-MM, e.g. 2026-10"),
    "quarter": (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "YYYYQn, e.g. 2026Q3"),
    "year": (re.compile(r"^(\d{4})$"), "YYYY, e.g. 2026"),
}


def parse_period(kind: str, text: str, now: datetime, time_zone: str = "UTC") -> Period:
    """Read ``--window 30d``, ``--month 2026-10``, ``--quarter 2026Q3`` or ``--year 2026``."""
    value = text.strip()
    if kind == "window":
        return rolling_period(value.lower(), now)
    if kind not in _PATTERNS:
        raise PeriodError(f"unknown period kind {kind!r}")
    pattern, shape = _PATTERNS[kind]
    match = pattern.match(value)
    if match is None or not 1 <= int(match.group(1)) <= 9998:
        raise PeriodError(f"{text!r} is not a {kind}; write {shape}")
    year = int(match.group(1))
    if kind == "month":
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r} has no month {month}; write {shape}")
        return month_period(year, month, time_zone)
    if kind == "quarter":
        return quarter_period(year, int(match.group(2)), time_zone)
    return year_period(year, time_zone)


# --- uptime --------------------------------------------------------------------------------


def as_fraction(value: float | int | Fraction) -> Fraction:
    """The decimal a person wrote (``0.3``, ``99.95``), exactly, not its binary neighbour."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


class Uptime(NamedTuple):
    """The measured figures of one component (``None``: all chosen, pooled) in one period."""

    component: str | None
    period: Period
    observed_seconds: int
    maintenance_seconds: int
    counted_seconds: int
    #: Unplanned time by effective status, operational included; sums to O − M.
    seconds: Mapping[ComponentStatus, int]
    downtime_seconds: Fraction

    @property
    def ratio(self) -> Fraction | None:
        if self.counted_seconds == 0:
            return None
        return 1 - self.downtime_seconds / self.counted_seconds

    @property
    def percent(self) -> Fraction | None:
        ratio = self.ratio
        return None if ratio is None else ratio * _HUNDRED


def measure(
    timeline: ComponentTimeline,
    period: Period,
    policy: SlaPolicy,
    weights: Sequence[Fraction] | None = None,
) -> Uptime:
    """Uptime of one component in ``period`` (clipped to ``now`` and ``monitored_since``)."""
    tally = timeline.tally(to_seconds(period.start), to_seconds(period.end))
    return _uptime(timeline.component, period, tally, policy, weights or severity_weights(policy))


def severity_weights(policy: SlaPolicy) -> list[Fraction]:
    """The policy's weights, exact and indexed by severity (missing statuses weigh 0)."""
    return [as_fraction(policy.weights.get(status, 0)) for status in BY_SEVERITY]


def _uptime(
    component: str | None,
    period: Period,
    tally: Tally,
    policy: SlaPolicy,
    weights: Sequence[Fraction],
) -> Uptime:
    downtime = sum(
        (
            weights[severity] * seconds
            for severity, seconds in enumerate(tally.unplanned)
            if seconds
        ),
        Fraction(0),
    )
    observed = tally.observed
    maintenance = tally.maintenance
    if policy.exclude_maintenance:
        counted = observed - maintenance
    else:
        counted = observed
        downtime += sum(
            (
                weights[severity] * seconds
                for severity, seconds in enumerate(tally.planned)
                if seconds
            ),
            Fraction(0),
        )
    return Uptime(
        component=component,
        period=period,
        observed_seconds=observed,
        maintenance_seconds=maintenance,
        counted_seconds=counted,
        seconds=dict(zip(BY_SEVERITY, tally.unplanned, strict=True)),
        downtime_seconds=downtime,
    )


def pool(uptimes: Sequence[Uptime], period: Period) -> Uptime:
    """Several components' figures as one: downtime and denominators add up."""
    seconds = {status: sum(u.seconds[status] for u in uptimes) for status in BY_SEVERITY}
    return Uptime(
        component=None,
        period=period,
        observed_seconds=sum(u.observed_seconds for u in uptimes),
        maintenance_seconds=sum(u.maintenance_seconds for u in uptimes),
        counted_seconds=sum(u.counted_seconds for u in uptimes),
        seconds=seconds,
        downtime_seconds=sum((u.downtime_seconds for u in uptimes), Fraction(0)),
    )


# --- SLA and error budget ------------------------------------------------------------------


class ErrorBudget(NamedTuple):
    """How much weighted downtime the target allows in the period, and how much is spent."""

    #: The SLA target in percent, exactly.
    target: Fraction
    #: Seconds the budget is a share of: counted so far plus the rest of the period.
    basis_seconds: int
    total_seconds: Fraction
    used_seconds: Fraction

    @property
    def remaining_seconds(self) -> Fraction:
        return self.total_seconds - self.used_seconds

    @property
    def used_percent(self) -> Fraction | None:
        if self.total_seconds == 0:
            return None
        return self.used_seconds / self.total_seconds * _HUNDRED

    @property
    def remaining_percent(self) -> Fraction | None:
        used = self.used_percent
        return None if used is None else _HUNDRED - used


class SlaResult(NamedTuple):
    """One component's uptime in one period, judged against its target."""

    component: Component
    uptime: Uptime
    status: SlaStatus
    budget: ErrorBudget | None

    @property
    def target(self) -> Fraction | None:
        return None if self.budget is None else self.budget.target


def judge(component: Component, uptime: Uptime, now: datetime) -> SlaResult:
    """Apply the component's SLA target to its uptime (see the module docstring)."""
    if component.sla_target is None:
        return SlaResult(component, uptime, SlaStatus.NO_TARGET, None)
    target = as_fraction(component.sla_target)
    period = uptime.period
    future_from = max(now, period.start, component.monitored_since)
    future = max(0, to_seconds(period.end) - to_seconds(future_from))
    basis = uptime.counted_seconds + future
    budget = ErrorBudget(
        target=target,
        basis_seconds=basis,
        total_seconds=(_HUNDRED - target) / _HUNDRED * basis,
        used_seconds=uptime.downtime_seconds,
    )
    if uptime.counted_seconds == 0:
        status = SlaStatus.NO_DATA
    elif budget.used_seconds > budget.total_seconds:
        status = SlaStatus.BREACHED
    elif future == 0:
        status = SlaStatus.MET
    else:
        status = SlaStatus.ON_TRACK
    return SlaResult(component, uptime, status, budget)


class PeriodReport(NamedTuple):
    period: Period
    complete: bool
    components: tuple[SlaResult, ...]
    overall: Uptime


class SlaReport(NamedTuple):
    """Everything ``statusbook sla`` prints: per period, each component and the pool."""

    now: datetime
    policy: SlaPolicy
    time_zone: str
    periods: tuple[PeriodReport, ...]


def sla_report(
    catalog: Catalog,
    incidents: Iterable[Incident],
    now: datetime,
    periods: Sequence[Period] | None = None,
    components: Sequence[str] | None = None,
) -> SlaReport:
    """Judge ``components`` (default: all, catalog order) in ``periods`` (default: every
    rolling window)."""
    chosen = [c.id for c in _components(catalog, components)]
    periods = list(periods) if periods is not None else rolling_periods(now)
    since = min((period.start for period in periods), default=now)
    timelines = build_timelines(catalog, incidents, now, since=since, components=chosen)
    return report_from_timelines(catalog, timelines, now, periods)


def report_from_timelines(
    catalog: Catalog,
    timelines: Mapping[str, ComponentTimeline],
    now: datetime,
    periods: Sequence[Period],
) -> SlaReport:
    """The report for the components ``timelines`` holds, from timelines already built
    (so a caller wanting several reports and the daily series builds them once)."""
    weights = severity_weights(catalog.sla)
    chosen = [c for c in catalog.components if c.id in timelines]
    reports = []
    for period in periods:
        results = tuple(
            judge(c, measure(timelines[c.id], period, catalog.sla, weights), now) for c in chosen
        )
        overall = pool([result.uptime for result in results], period)
        reports.append(PeriodReport(period, period.is_complete(now), results, overall))
    return SlaReport(now, catalog.sla, catalog.site.time_zone, tuple(reports))


def _components(catalog: Catalog, wanted: Sequence[str] | None) -> list[Component]:
    if wanted is None:
        return list(catalog.components)
    unknown = [component for component in wanted if catalog.component(component) is None]
    if unknown:
        raise UnknownComponentError(f"not in the catalog: {', '.join(unknown)}")
    chosen = set(wanted)
    return [component for component in catalog.components if component.id in chosen]


# --- the per-day series --------------------------------------------------------------------


class Day(NamedTuple):
    """One bar on the site: a local calendar day of one component."""

    day: date
    uptime: Uptime
    #: The worst effective status seen that day, planned maintenance included.
    worst_status: ComponentStatus
    #: Records that impaired the component that day, in order of their start.
    incident_ids: tuple[str, ...]

    @property
    def major_outage_seconds(self) -> int:
        return self.uptime.seconds[ComponentStatus.MAJOR_OUTAGE]

    @property
    def partial_outage_seconds(self) -> int:
        return self.uptime.seconds[ComponentStatus.PARTIAL_OUTAGE]

    @property
    def degraded_performance_seconds(self) -> int:
        return self.uptime.seconds[ComponentStatus.DEGRADED_PERFORMANCE]

    @property
    def maintenance_seconds(self) -> int:
        return self.uptime.maintenance_seconds


def daily_series(
    catalog: Catalog,
    incidents: Iterable[Incident],
    now: datetime,
    days: int = SERIES_DAYS,
    components: Sequence[str] | None = None,
) -> dict[str, list[Day]]:
    """The last ``days`` local days (oldest first, today up to ``now``) per component."""
    chosen = [c.id for c in _components(catalog, components)]
    periods = last_days(now, days, catalog.site.time_zone)
    timelines = build_timelines(catalog, incidents, now, since=periods[0].start, components=chosen)
    return series_from_timelines(timelines, periods, catalog.sla)


def series_from_timelines(
    timelines: Mapping[str, ComponentTimeline], periods: Sequence[Period], policy: SlaPolicy
) -> dict[str, list[Day]]:
    """The per-day figures from timelines that are already built (shared with reports)."""
    weights = severity_weights(policy)
    series: dict[str, list[Day]] = {}
    for component, timeline in timelines.items():
        days = []
        for period in periods:
            start, end = to_seconds(period.start), to_seconds(period.end)
            tally = timeline.tally(start, end)
            days.append(
                Day(
                    day=date.fromisoformat(period.key),
                    uptime=_uptime(component, period, tally, policy, weights),
                    worst_status=tally.worst,
                    incident_ids=tuple(timeline.incidents_between(start, min(end, timeline.now))),
                )
            )
        series[component] = days
    return series
