"""Uptime, calendar periods, SLA verdicts and error budgets, case by case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from statusbook.derive.uptime import (
    PeriodError,
    SlaStatus,
    daily_series,
    month_period,
    parse_period,
    quarter_period,
    rolling_period,
    sla_report,
    year_period,
)
from statusbook.model import ComponentStatus, MaintenanceState

from .builders import DEGRADED, MAINTENANCE, MAJOR, PARTIAL, catalog, incident, maintenance, t

DAY = 86_400
NOW = t("2026-11-21T12:00")


def figures(records, period, now=NOW, **catalog_options):
    """The one component's (``api``) judged result in ``period``."""
    components = catalog_options.pop("components", ("api",))
    report = sla_report(catalog(*components, **catalog_options), records, now, [period])
    return {result.component.id: result for result in report.periods[0].components}["api"]


# --- calendar periods ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(2026, 1, 31), (2026, 2, 28), (2026, 4, 30), (2026, 12, 31), (2028, 2, 29), (2100, 2, 28)],
)
def test_utc_months_have_their_calendar_length(year, month, days):
    period = month_period(year, month)
    assert (period.end - period.start).total_seconds() == days * DAY
    assert period.start == datetime(year, month, 1, tzinfo=UTC)


def test_a_finished_month_with_no_incidents_observes_every_second_and_allows_its_share():
    result = figures([], month_period(2026, 2), now=t("2026-11-21T12:00"))
    assert result.uptime.observed_seconds == 28 * DAY
    assert result.status is SlaStatus.MET
    # 99.9 % of 28 days leaves 0.1 % of 2,419,200 s
    assert result.budget.total_seconds == Fraction(24192, 10)


def test_leap_year_february_counts_the_29th():
    leap_day = incident(
        "leap", t("2028-02-29T10:00"), {"api": MAJOR}, resolved=t("2028-02-29T10:30")
    )
    now = t("2028-03-15T00:00")
    february = figures([leap_day], month_period(2028, 2), now=now)
    assert february.uptime.observed_seconds == 29 * DAY
    assert february.uptime.downtime_seconds == 1800
    assert february.uptime.percent == 100 - Fraction(1800 * 100, 29 * DAY)
    march = figures([leap_day], month_period(2028, 3), now=now)
    assert march.uptime.downtime_seconds == 0


def test_quarters_and_years_are_whole_months():
    assert (quarter_period(2028, 1).end - quarter_period(2028, 1).start).days == 91
    assert (quarter_period(2026, 3).end - quarter_period(2026, 3).start).days == 92
    assert (year_period(2028).end - year_period(2028).start).days == 366
    assert quarter_period(2026, 4).end == datetime(2027, 1, 1, tzinfo=UTC)


def test_calendar_periods_follow_the_site_time_zone():
    jakarta = month_period(2026, 10, "Asia/Jakarta")
    assert jakarta.start == t("2026-09-30T17:00")
    berlin = month_period(2026, 3, "Europe/Berlin")  # clocks go forward: one hour shorter
    assert (berlin.end - berlin.start).total_seconds() == 31 * DAY - 3600


def test_an_incident_near_midnight_utc_falls_in_the_local_month():
    record = incident("late", t("2026-09-30T18:00"), {"api": MAJOR}, resolved=t("2026-09-30T18:10"))
    local = figures([record], month_period(2026, 10, "Asia/Jakarta"), time_zone="Asia/Jakarta")
    assert local.uptime.downtime_seconds == 600
    utc = figures([record], month_period(2026, 10))
    assert utc.uptime.downtime_seconds == 0


@pytest.mark.parametrize(
    ("kind", "text", "key"),
    [
        ("window", "30d", "30d"),
        ("month", "2026-10", "2026-10"),
        ("quarter", "2026Q3", "2026Q3"),
        ("quarter", "2026-q3", "2026Q3"),
        ("year", "2026", "2026"),
    ],
)
def test_period_names_are_read(kind, text, key):
    assert parse_period(kind, text, NOW).key == key


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("window", "12d"),
        ("month", "2026-13"),
        ("month", "2026-1"),
        ("quarter", "2026Q5"),
        ("year", "26"),
    ],
)
def test_bad_period_names_are_refused(kind, text):
    with pytest.raises(PeriodError):
        parse_period(kind, text, NOW)


# --- counting ------------------------------------------------------------------------------


def test_an_incident_spanning_two_months_is_split_at_midnight():
    record = incident(
        "overnight", t("2026-09-30T23:00"), {"api": MAJOR}, resolved=t("2026-10-01T01:30")
    )
    september = figures([record], month_period(2026, 9))
    october = figures([record], month_period(2026, 10))
    assert september.uptime.downtime_seconds == 3600
    assert october.uptime.downtime_seconds == 5400
    assert september.uptime.seconds[MAJOR] + october.uptime.seconds[MAJOR] == 9000


def test_overlapping_incidents_of_different_severity_count_the_worst_once():
    major = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))
    partial = incident("b", t("2026-11-20T10:30"), {"api": PARTIAL}, resolved=t("2026-11-20T12:00"))
    result = figures([major, partial], rolling_period("7d", NOW))
    assert result.uptime.seconds[MAJOR] == 3600
    assert result.uptime.seconds[PARTIAL] == 3600  # 11:00–12:00 only; 10:30–11:00 was major
    assert result.uptime.downtime_seconds == 3600 + Fraction(3, 10) * 3600


def test_degraded_performance_is_not_downtime_by_default_but_weights_are_configurable():
    record = incident(
        "slow", t("2026-11-20T10:00"), {"api": DEGRADED}, resolved=t("2026-11-20T12:00")
    )
    default = figures([record], rolling_period("7d", NOW))
    assert default.uptime.downtime_seconds == 0
    assert default.uptime.seconds[DEGRADED] == 7200
    weighted = figures(
        [record],
        rolling_period("7d", NOW),
        weights={MAJOR: 1.0, PARTIAL: 0.3, DEGRADED: 0.1},
    )
    assert weighted.uptime.downtime_seconds == 720


def test_an_ongoing_incident_counts_up_to_now():
    ongoing = incident("now", t("2026-11-21T10:00"), {"api": MAJOR})
    day = figures([ongoing], rolling_period("24h", NOW))
    assert day.uptime.downtime_seconds == 7200
    assert day.uptime.observed_seconds == DAY
    later = figures(
        [ongoing], rolling_period("24h", t("2026-11-21T13:00")), now=t("2026-11-21T13:00")
    )
    assert later.uptime.downtime_seconds == 10800


def test_maintenance_overlapping_an_outage_excludes_only_the_planned_part():
    window = maintenance("m", t("2026-11-20T02:00"), t("2026-11-20T04:00"), {"api": MAINTENANCE})
    outage = incident("a", t("2026-11-20T03:00"), {"api": MAJOR}, resolved=t("2026-11-20T03:30"))
    excluded = figures([window, outage], rolling_period("7d", NOW))
    assert excluded.uptime.maintenance_seconds == 5400
    assert excluded.uptime.counted_seconds == 7 * DAY - 5400
    assert excluded.uptime.downtime_seconds == 1800
    counted = figures([window, outage], rolling_period("7d", NOW), exclude_maintenance=False)
    assert counted.uptime.counted_seconds == 7 * DAY
    assert counted.uptime.downtime_seconds == 1800  # under_maintenance weighs 0


def test_planned_downtime_counts_when_maintenance_is_not_excluded():
    window = maintenance("m", t("2026-11-20T02:00"), t("2026-11-20T03:00"), {"api": MAJOR})
    excluded = figures([window], rolling_period("7d", NOW))
    assert excluded.uptime.downtime_seconds == 0
    counted = figures([window], rolling_period("7d", NOW), exclude_maintenance=False)
    assert counted.uptime.downtime_seconds == 3600


def test_cancelled_maintenance_changes_nothing():
    window = maintenance(
        "m",
        t("2026-11-20T02:00"),
        t("2026-11-20T03:00"),
        {"api": MAJOR},
        state=MaintenanceState.CANCELLED,
    )
    result = figures([window], rolling_period("7d", NOW))
    assert (result.uptime.maintenance_seconds, result.uptime.downtime_seconds) == (0, 0)


def test_a_component_added_mid_period_is_judged_from_its_start():
    launched = t("2026-10-15T00:00")
    before = incident(
        "early", t("2026-10-10T00:00"), {"api": MAJOR}, resolved=t("2026-10-10T05:00")
    )
    after = incident("late", t("2026-10-20T00:00"), {"api": MAJOR}, resolved=t("2026-10-20T00:10"))
    result = figures([before, after], month_period(2026, 10), components=(("api", launched, 99.9),))
    assert result.uptime.observed_seconds == 17 * DAY
    assert result.uptime.downtime_seconds == 600
    assert result.budget.total_seconds == Fraction(17 * DAY, 1000)


def test_a_period_before_the_component_existed_has_no_data():
    result = figures([], month_period(2026, 9), components=(("api", t("2026-10-15T00:00")),))
    assert result.uptime.observed_seconds == 0
    assert result.uptime.percent is None
    assert result.status is SlaStatus.NO_DATA


def test_a_component_without_target_is_measured_but_not_judged():
    result = figures(
        [], rolling_period("30d", NOW), components=(("api", t("2025-01-01T00:00"), None),)
    )
    assert result.status is SlaStatus.NO_TARGET
    assert result.budget is None
    assert result.uptime.percent == 100


# --- verdicts and budgets ------------------------------------------------------------------


def test_downtime_exactly_equal_to_the_budget_meets_the_sla():
    # 30 days at 99.9 % allow exactly 2,592 s
    record = incident("a", t("2026-11-01T00:00"), {"api": MAJOR}, resolved=t("2026-11-01T00:43:12"))
    met = figures([record], rolling_period("30d", NOW))
    assert met.budget.remaining_seconds == 0
    assert met.status is SlaStatus.MET
    one_more = incident(
        "b", t("2026-11-02T00:00"), {"api": MAJOR}, resolved=t("2026-11-02T00:00:01")
    )
    breached = figures([record, one_more], rolling_period("30d", NOW))
    assert breached.status is SlaStatus.BREACHED
    assert breached.budget.remaining_seconds == -1


def test_an_in_progress_month_is_on_track_until_its_whole_budget_is_spent():
    november = month_period(2026, 11)  # 30 days: 2,592 s at 99.9 %
    short = incident("a", t("2026-11-01T00:00"), {"api": MAJOR}, resolved=t("2026-11-01T00:30"))
    result = figures([short], november)
    assert result.status is SlaStatus.ON_TRACK
    assert result.budget.total_seconds == 2592
    assert result.budget.used_seconds == 1800
    assert result.budget.remaining_percent == 100 - Fraction(1800 * 100, 2592)
    # uptime so far covers the 20.5 days elapsed, not the whole month
    assert result.uptime.observed_seconds == 20 * DAY + 12 * 3600

    long = incident("b", t("2026-11-05T00:00"), {"api": MAJOR}, resolved=t("2026-11-05T01:00"))
    assert figures([short, long], november).status is SlaStatus.BREACHED


def test_budget_minutes_and_percentages():
    record = incident("a", t("2026-11-20T00:00"), {"api": PARTIAL}, resolved=t("2026-11-20T01:00"))
    budget = figures([record], rolling_period("30d", NOW)).budget
    assert budget.used_seconds == 1080  # 3600 s at 0.3
    assert budget.total_seconds == 2592
    assert budget.remaining_seconds == 1512
    assert budget.used_percent == Fraction(1080 * 100, 2592)


def test_overall_pools_every_component():
    api = incident("a", t("2026-11-20T00:00"), {"api": MAJOR}, resolved=t("2026-11-20T01:00"))
    report = sla_report(catalog("api", "db"), [api], NOW, [rolling_period("24h", NOW)])
    overall = report.periods[0].overall
    assert overall.counted_seconds == 2 * DAY
    assert overall.downtime_seconds == 0  # the incident ended before the window
    week = sla_report(catalog("api", "db"), [api], NOW, [rolling_period("7d", NOW)]).periods[0]
    assert week.overall.percent == 100 - Fraction(3600 * 100, 2 * 7 * DAY)


def test_default_report_covers_every_rolling_window_in_order():
    report = sla_report(catalog("api"), [], NOW)
    assert [p.period.key for p in report.periods] == ["24h", "7d", "30d", "90d"]
    assert all(p.complete for p in report.periods)


# --- the per-day series --------------------------------------------------------------------


def test_daily_series_has_ninety_days_ending_today():
    series = daily_series(catalog("api", "db"), [], NOW)
    days = series["api"]
    assert len(days) == 90
    assert days[-1].day == date(2026, 11, 21)
    assert days[0].day == date(2026, 8, 24)
    assert days[-1].uptime.observed_seconds == 12 * 3600  # today, up to now
    assert days[-2].uptime.observed_seconds == DAY


def test_daily_series_splits_an_incident_across_days_and_names_it():
    record = incident(
        "overnight",
        t("2026-11-19T23:00"),
        {"api": MAJOR},
        resolved=t("2026-11-20T02:00"),
        updates=(),
    )
    window = maintenance("m", t("2026-11-20T04:00"), t("2026-11-20T05:00"), {"api": MAINTENANCE})
    days = {
        day.day: day for day in daily_series(catalog("api", "db"), [record, window], NOW)["api"]
    }
    nineteenth, twentieth = days[date(2026, 11, 19)], days[date(2026, 11, 20)]
    assert nineteenth.major_outage_seconds == 3600
    assert twentieth.major_outage_seconds == 7200
    assert twentieth.maintenance_seconds == 3600
    assert twentieth.worst_status is ComponentStatus.MAJOR_OUTAGE
    assert twentieth.incident_ids == ("overnight", "m")
    assert twentieth.uptime.downtime_seconds == 7200
    assert days[date(2026, 11, 18)].incident_ids == ()
    assert days[date(2026, 11, 18)].worst_status is ComponentStatus.OPERATIONAL


def test_daily_series_uses_local_days():
    record = incident("a", t("2026-11-20T18:00"), {"api": MAJOR}, resolved=t("2026-11-20T18:30"))
    days = daily_series(catalog("api", time_zone="Asia/Jakarta"), [record], NOW)["api"]
    by_day = {day.day: day for day in days}
    assert by_day[date(2026, 11, 21)].major_outage_seconds == 1800  # 01:00 in Jakarta
    assert by_day[date(2026, 11, 20)].major_outage_seconds == 0
