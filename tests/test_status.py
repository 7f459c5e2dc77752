"""The snapshot's roll-up at an instant: component statuses, the page indicator, what is on now."""

from __future__ import annotations

import pytest

from statusbook.derive.snapshot import derive
from statusbook.derive.status import DESCRIPTIONS, OverallStatus
from statusbook.model import ComponentStatus, Impact, MaintenanceState

from .builders import (
    DEGRADED,
    MAINTENANCE,
    MAJOR,
    OPERATIONAL,
    PARTIAL,
    catalog,
    incident,
    maintenance,
    t,
    update,
)

NOW = t("2026-11-21T12:00")
CATALOG = catalog("api", "dashboard", "database")


def ongoing(
    record_id: str, statuses, impact: Impact = Impact.MINOR, started: str = "2026-11-21T11:00"
):
    return incident(record_id, t(started), statuses, impact=impact)


def test_every_component_is_listed_in_catalog_order_operational_by_default():
    assert derive(CATALOG, [], NOW).components == {
        "api": OPERATIONAL,
        "dashboard": OPERATIONAL,
        "database": OPERATIONAL,
    }


def test_component_status_follows_the_latest_update_before_now():
    record = incident(
        "a",
        t("2026-11-21T10:00"),
        {"api": MAJOR},
        updates=(
            update(t("2026-11-21T11:00"), {"api": PARTIAL}),
            update(t("2026-11-21T12:30"), {"api": OPERATIONAL}),  # not yet
        ),
    )
    assert derive(CATALOG, [record], NOW).components["api"] is PARTIAL


def test_worst_status_wins_where_incidents_overlap():
    records = [ongoing("a", {"api": DEGRADED}), ongoing("b", {"api": MAJOR, "database": PARTIAL})]
    assert derive(CATALOG, records, NOW).components == {
        "api": MAJOR,
        "dashboard": OPERATIONAL,
        "database": PARTIAL,
    }


def test_an_incident_resolved_at_now_no_longer_counts_and_one_started_at_now_does():
    resolved = incident("a", t("2026-11-21T10:00"), {"api": MAJOR}, resolved=NOW)
    started = incident("b", NOW, {"dashboard": DEGRADED})
    statuses = derive(CATALOG, [resolved, started], NOW).components
    assert statuses["api"] is OPERATIONAL
    assert statuses["dashboard"] is DEGRADED


def test_maintenance_in_progress_sets_under_maintenance_unless_something_worse_is_going_on():
    window = maintenance(
        "m",
        t("2026-11-21T11:00"),
        t("2026-11-21T13:00"),
        {"api": MAINTENANCE, "database": MAINTENANCE},
    )
    outage = ongoing("a", {"database": PARTIAL})
    statuses = derive(CATALOG, [window, outage], NOW).components
    assert statuses["api"] is MAINTENANCE
    assert statuses["database"] is PARTIAL


@pytest.mark.parametrize(
    ("status", "indicator"),
    [
        (OPERATIONAL, "none"),
        (DEGRADED, "minor"),
        (PARTIAL, "major"),
        (MAJOR, "critical"),
    ],
)
def test_indicator_follows_the_worst_component_status(status, indicator):
    records = [ongoing("a", {"api": status}, impact=Impact.NONE)]
    assert derive(CATALOG, records, NOW).overall == OverallStatus(indicator, status)


def test_maintenance_alone_shows_the_maintenance_indicator():
    window = maintenance("m", t("2026-11-21T11:00"), t("2026-11-21T13:00"), {"api": MAINTENANCE})
    assert derive(CATALOG, [window], NOW).overall == OverallStatus("maintenance", MAINTENANCE)
    degraded = ongoing("a", {"dashboard": DEGRADED}, impact=Impact.NONE)
    assert derive(CATALOG, [window, degraded], NOW).overall.indicator == "minor"


def test_an_active_incident_raises_the_indicator_to_its_impact():
    critical = ongoing("a", {"api": DEGRADED}, impact=Impact.CRITICAL)
    assert derive(CATALOG, [critical], NOW).overall == OverallStatus("critical", DEGRADED)
    window = maintenance("m", t("2026-11-21T11:00"), t("2026-11-21T13:00"), {"api": MAINTENANCE})
    minor = ongoing("b", {}, impact=Impact.MINOR)
    assert derive(CATALOG, [window, minor], NOW).overall.indicator == "minor"


def test_a_low_impact_never_lowers_the_indicator():
    record = ongoing("a", {"api": MAJOR}, impact=Impact.MINOR)
    assert derive(CATALOG, [record], NOW).overall.indicator == "critical"


def test_resolved_incidents_do_not_raise_the_indicator():
    record = incident(
        "a",
        t("2026-11-21T09:00"),
        {"api": MAJOR},
        resolved=t("2026-11-21T10:00"),
        impact=Impact.CRITICAL,
    )
    assert derive(CATALOG, [record], NOW).overall == OverallStatus("none", OPERATIONAL)


def test_descriptions_are_statuspages():
    assert OverallStatus("none", OPERATIONAL).description == "All Systems Operational"
    assert OverallStatus("minor", DEGRADED).description == "Partially Degraded Service"
    assert OverallStatus("minor", OPERATIONAL).description == "Minor Service Outage"
    assert OverallStatus("critical", MAJOR).description == "Major System Outage"
    assert set(DESCRIPTIONS) == {"none", "minor", "major", "critical", "maintenance"}


def test_active_incidents_are_unresolved_started_and_newest_first():
    older = ongoing("older", {"api": MAJOR}, started="2026-11-21T08:00")
    newer = ongoing("newer", {"api": MAJOR}, started="2026-11-21T11:00")
    future = ongoing("future", {"api": MAJOR}, started="2026-11-21T13:00")
    resolved = incident(
        "done", t("2026-11-21T09:00"), {"api": MAJOR}, resolved=t("2026-11-21T10:00")
    )
    window = maintenance("m", t("2026-11-21T11:00"), t("2026-11-21T13:00"), {"api": MAINTENANCE})
    assert [
        i.id for i in derive(CATALOG, [older, future, resolved, window, newer], NOW).active
    ] == [
        "newer",
        "older",
    ]


def test_maintenance_lists_by_state_at_now():
    running = maintenance(
        "running", t("2026-11-21T11:00"), t("2026-11-21T13:00"), {"api": MAINTENANCE}
    )
    later = maintenance("later", t("2026-12-03T02:00"), t("2026-12-03T04:00"), {"api": MAINTENANCE})
    sooner = maintenance(
        "sooner", t("2026-11-25T02:00"), t("2026-11-25T04:00"), {"api": MAINTENANCE}
    )
    cancelled = maintenance(
        "cancelled",
        t("2026-11-24T02:00"),
        t("2026-11-24T04:00"),
        {"api": MAINTENANCE},
        state=MaintenanceState.CANCELLED,
    )
    done = maintenance("done", t("2026-11-20T02:00"), t("2026-11-20T04:00"), {"api": MAINTENANCE})
    records = [later, running, cancelled, sooner, done]
    assert [i.id for i in derive(CATALOG, records, NOW).maintenance_now] == ["running"]
    assert [i.id for i in derive(CATALOG, records, NOW).maintenance_next] == ["sooner", "later"]


def test_component_statuses_returns_status_values_from_the_model():
    statuses = derive(CATALOG, [ongoing("a", {"api": MAJOR})], NOW).components
    assert all(isinstance(status, ComponentStatus) for status in statuses.values())
