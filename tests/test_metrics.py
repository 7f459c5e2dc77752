"""Incident metrics: counts, MTTA, MTTR, MTBF and the longest incident."""

from __future__ import annotations

from datetime import timedelta

from statusbook.derive.metrics import incident_metrics, operating_gaps
from statusbook.model import Impact, Kind, UpdateStatus

from .builders import MAINTENANCE, MAJOR, PARTIAL, catalog, incident, maintenance, t, update

NOW = t("2026-11-21T12:00")
CATALOG = catalog("api", "db")


def outage(record_id, started, minutes, components=None, first_update_after=5, **options):
    began = t(started)
    resolved = None if minutes is None else began + timedelta(minutes=minutes)
    updates = (
        update(began + timedelta(minutes=first_update_after), status=UpdateStatus.INVESTIGATING),
    )
    return incident(
        record_id,
        began,
        components or {"api": MAJOR},
        resolved=resolved,
        updates=updates,
        **options,
    )


def test_counts_by_kind_and_impact_include_zeros_and_exclude_maintenance():
    records = [
        outage("a", "2026-11-01T10:00", 30, impact=Impact.CRITICAL),
        outage("b", "2026-11-02T10:00", 30, kind=Kind.NETWORK, impact=Impact.MINOR),
        maintenance("m", t("2026-11-03T02:00"), t("2026-11-03T03:00"), {"api": MAINTENANCE}),
    ]
    overall = incident_metrics(CATALOG, records, NOW).overall
    assert overall.count == 2
    assert overall.by_kind["outage"] == 1
    assert overall.by_kind["network"] == 1
    assert overall.by_kind["security"] == 0
    assert "maintenance" not in overall.by_kind
    assert overall.by_impact == {"none": 0, "minor": 1, "major": 0, "critical": 1}


def test_mtta_is_the_mean_wait_for_the_first_update():
    records = [
        outage("a", "2026-11-01T10:00", 30, first_update_after=4),
        outage("b", "2026-11-02T10:00", 30, first_update_after=10),
    ]
    assert incident_metrics(CATALOG, records, NOW).overall.mtta == timedelta(minutes=7)


def test_mttr_counts_resolved_incidents_only():
    records = [
        outage("a", "2026-11-01T10:00", 30),
        outage("b", "2026-11-02T10:00", 90),
        outage("c", "2026-11-21T08:00", None),
    ]
    overall = incident_metrics(CATALOG, records, NOW).overall
    assert overall.mttr == timedelta(minutes=60)
    assert (overall.count, overall.resolved) == (3, 2)


def test_mtbf_is_the_mean_gap_between_failures_with_overlaps_merged():
    records = [
        outage("a", "2026-11-01T10:00", 60),
        outage("b", "2026-11-01T10:30", 60),  # overlaps a: one failure 10:00–11:30
        outage("c", "2026-11-01T13:30", 30),  # 2 h after
        outage("d", "2026-11-01T18:00", 10),  # 4 h after
    ]
    overall = incident_metrics(CATALOG, records, NOW).overall
    assert operating_gaps(records, NOW) == [timedelta(hours=2), timedelta(hours=4)]
    assert overall.mtbf == timedelta(hours=3)


def test_mtbf_needs_two_failures():
    one = incident_metrics(CATALOG, [outage("a", "2026-11-01T10:00", 60)], NOW).overall
    assert one.mtbf is None
    assert incident_metrics(CATALOG, [], NOW).overall.mttr is None


def test_longest_incident_includes_an_ongoing_one_up_to_now():
    records = [outage("a", "2026-11-01T10:00", 300), outage("b", "2026-11-21T05:00", None)]
    longest = incident_metrics(CATALOG, records, NOW).overall.longest
    assert (longest.incident_id, longest.duration, longest.ongoing) == (
        "b",
        timedelta(hours=7),
        True,
    )


def test_per_component_metrics_only_see_incidents_touching_that_component():
    records = [
        outage("a", "2026-11-01T10:00", 30, {"api": MAJOR}),
        outage("b", "2026-11-02T10:00", 90, {"db": PARTIAL}),
        incident(
            "c",
            t("2026-11-03T10:00"),
            {"api": PARTIAL},
            resolved=t("2026-11-03T10:20"),
            updates=(update(t("2026-11-03T10:10"), {"db": MAJOR}),),
        ),
    ]
    report = incident_metrics(CATALOG, records, NOW)
    assert report.components["api"].count == 2
    assert report.components["db"].count == 2  # b, and c through its update
    assert report.components["db"].mttr == timedelta(minutes=55)
    assert list(report.components) == ["api", "db"]


def test_a_period_counts_incidents_that_started_in_it():
    records = [outage("a", "2026-10-31T23:00", 120), outage("b", "2026-11-05T10:00", 30)]
    report = incident_metrics(
        CATALOG, records, NOW, start=t("2026-11-01T00:00"), end=t("2026-12-01T00:00")
    )
    assert report.overall.count == 1
    assert report.end == NOW  # nothing after now
