"""Records become per-component status segments: the rules every uptime figure rests on."""

from __future__ import annotations

from datetime import timedelta

from statusbook.derive.timeline import (
    Segment,
    build_timelines,
    from_seconds,
    incident_pieces,
    incident_statuses_at,
    to_seconds,
)
from statusbook.model import MaintenanceState

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


def segments(records, component="api", now=NOW, **kwargs):
    timelines = build_timelines(catalog("api", "db"), records, now, **kwargs)
    return [
        (s.start.strftime("%d %H:%M"), s.end.strftime("%d %H:%M"), s.status, s.maintenance)
        for s in timelines[component].segments()
    ]


def test_initial_statuses_hold_until_resolved():
    record = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))
    assert segments([record]) == [("20 10:00", "20 11:00", MAJOR, False)]


def test_update_changes_a_component_status_from_its_time():
    record = incident(
        "a",
        t("2026-11-20T10:00"),
        {"api": MAJOR},
        resolved=t("2026-11-20T12:00"),
        updates=(update(t("2026-11-20T10:30"), {"api": PARTIAL}),),
    )
    assert segments([record]) == [
        ("20 10:00", "20 10:30", MAJOR, False),
        ("20 10:30", "20 12:00", PARTIAL, False),
    ]


def test_update_setting_operational_ends_the_impact_before_resolution():
    record = incident(
        "a",
        t("2026-11-20T10:00"),
        {"api": MAJOR, "db": DEGRADED},
        resolved=t("2026-11-20T12:00"),
        updates=(update(t("2026-11-20T10:20"), {"api": OPERATIONAL}),),
    )
    assert segments([record]) == [("20 10:00", "20 10:20", MAJOR, False)]
    assert segments([record], "db") == [("20 10:00", "20 12:00", DEGRADED, False)]


def test_update_can_add_a_component_the_incident_did_not_start_with():
    record = incident(
        "a",
        t("2026-11-20T10:00"),
        {"api": MAJOR},
        resolved=t("2026-11-20T11:00"),
        updates=(update(t("2026-11-20T10:40"), {"db": PARTIAL}),),
    )
    assert segments([record], "db") == [("20 10:40", "20 11:00", PARTIAL, False)]


def test_ongoing_incident_runs_to_now_and_no_further():
    record = incident("a", t("2026-11-21T09:00"), {"api": PARTIAL})
    assert segments([record]) == [("21 09:00", "21 12:00", PARTIAL, False)]


def test_records_after_now_do_not_count():
    future = incident("a", t("2026-11-21T12:30"), {"api": MAJOR})
    late_update = incident(
        "b",
        t("2026-11-21T11:00"),
        {"api": PARTIAL},
        updates=(update(t("2026-11-21T12:01"), {"api": MAJOR}),),
    )
    assert segments([future]) == []
    assert segments([late_update]) == [("21 11:00", "21 12:00", PARTIAL, False)]


def test_overlapping_incidents_count_the_worst_status_once():
    major = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))
    partial = incident("b", t("2026-11-20T09:30"), {"api": PARTIAL}, resolved=t("2026-11-20T12:00"))
    assert segments([major, partial]) == [
        ("20 09:30", "20 10:00", PARTIAL, False),
        ("20 10:00", "20 11:00", MAJOR, False),
        ("20 11:00", "20 12:00", PARTIAL, False),
    ]


def test_identical_overlapping_incidents_make_one_segment():
    first = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))
    second = incident("b", t("2026-11-20T10:30"), {"api": MAJOR}, resolved=t("2026-11-20T11:30"))
    assert segments([first, second]) == [("20 10:00", "20 11:30", MAJOR, False)]


def test_cancelled_and_scheduled_maintenance_hold_nothing():
    cancelled = maintenance(
        "m",
        t("2026-11-20T02:00"),
        t("2026-11-20T04:00"),
        {"api": MAINTENANCE},
        state=MaintenanceState.CANCELLED,
    )
    upcoming = maintenance("n", t("2026-11-22T02:00"), t("2026-11-22T04:00"), {"api": MAINTENANCE})
    assert segments([cancelled, upcoming]) == []


def test_maintenance_holds_its_actual_window():
    record = maintenance(
        "m",
        t("2026-11-20T02:00"),
        t("2026-11-20T04:00"),
        {"api": MAINTENANCE},
        started=t("2026-11-20T02:10"),
        completed=t("2026-11-20T03:05"),
    )
    assert segments([record]) == [("20 02:10", "20 03:05", MAINTENANCE, True)]


def test_maintenance_in_progress_runs_to_now_even_past_its_scheduled_end():
    overrun = maintenance(
        "m",
        t("2026-11-21T08:00"),
        t("2026-11-21T10:00"),
        {"api": MAINTENANCE},
        state=MaintenanceState.IN_PROGRESS,
    )
    assert segments([overrun]) == [("21 08:00", "21 12:00", MAINTENANCE, True)]


def test_maintenance_updates_apply_inside_the_window_only():
    record = maintenance(
        "m",
        t("2026-11-20T02:00"),
        t("2026-11-20T04:00"),
        {"api": MAINTENANCE},
        updates=(
            update(t("2026-11-13T09:00"), {"db": MAINTENANCE}),  # announced: applies from start
            update(t("2026-11-20T03:00"), {"api": PARTIAL}),
            update(t("2026-11-20T03:30"), {"api": OPERATIONAL}),
            update(t("2026-11-20T05:00"), {"db": MAJOR}),  # after the window: ignored
        ),
    )
    assert segments([record]) == [
        ("20 02:00", "20 03:00", MAINTENANCE, True),
        ("20 03:00", "20 03:30", PARTIAL, True),
    ]
    assert segments([record], "db") == [("20 02:00", "20 04:00", MAINTENANCE, True)]


def test_outage_during_maintenance_is_not_hidden_by_the_window():
    window = maintenance("m", t("2026-11-20T02:00"), t("2026-11-20T04:00"), {"api": MAINTENANCE})
    outage = incident("a", t("2026-11-20T03:00"), {"api": MAJOR}, resolved=t("2026-11-20T03:20"))
    assert segments([window, outage]) == [
        ("20 02:00", "20 03:00", MAINTENANCE, True),
        ("20 03:00", "20 03:20", MAJOR, False),
        ("20 03:20", "20 04:00", MAINTENANCE, True),
    ]


def test_planned_status_wins_only_where_strictly_worse_than_unplanned():
    planned_partial = maintenance(
        "m", t("2026-11-20T02:00"), t("2026-11-20T04:00"), {"api": PARTIAL}
    )
    degraded = incident(
        "a", t("2026-11-20T01:00"), {"api": DEGRADED}, resolved=t("2026-11-20T05:00")
    )
    same = incident("b", t("2026-11-20T03:00"), {"api": PARTIAL}, resolved=t("2026-11-20T03:10"))
    assert segments([planned_partial, degraded, same]) == [
        ("20 01:00", "20 02:00", DEGRADED, False),
        ("20 02:00", "20 03:00", PARTIAL, True),
        ("20 03:00", "20 03:10", PARTIAL, False),
        ("20 03:10", "20 04:00", PARTIAL, True),
        ("20 04:00", "20 05:00", DEGRADED, False),
    ]


def test_nothing_counts_before_monitored_since():
    launched = t("2026-11-20T10:30")
    timelines = build_timelines(
        catalog(("api", launched)),
        [incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))],
        NOW,
    )
    [segment] = timelines["api"].segments()
    assert (segment.start, segment.end) == (launched, t("2026-11-20T11:00"))
    tally = timelines["api"].tally(to_seconds(t("2026-11-20T00:00")), to_seconds(NOW))
    assert tally.observed == to_seconds(NOW) - to_seconds(launched)


def test_build_since_treats_earlier_time_as_unobserved_not_operational():
    old = incident("a", t("2026-11-01T10:00"), {"api": MAJOR}, resolved=t("2026-11-01T11:00"))
    timelines = build_timelines(catalog("api"), [old], NOW, since=t("2026-11-20T00:00"))
    tally = timelines["api"].tally(to_seconds(t("2026-11-01T00:00")), to_seconds(NOW))
    assert tally.observed == int(timedelta(hours=36).total_seconds())
    assert tally.unplanned[MAJOR.severity] == 0


def test_segments_can_be_clipped_to_a_range():
    record = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T12:00"))
    timeline = build_timelines(catalog("api"), [record], NOW)["api"]
    assert timeline.segments(t("2026-11-20T11:00"), t("2026-11-20T11:30")) == [
        Segment(t("2026-11-20T11:00"), t("2026-11-20T11:30"), MAJOR, False)
    ]


def test_incidents_between_names_the_records_that_impaired_a_range():
    long = incident("long", t("2026-11-10T00:00"), {"api": PARTIAL}, resolved=t("2026-11-20T00:00"))
    short = incident("short", t("2026-11-19T10:00"), {"api": MAJOR}, resolved=t("2026-11-19T11:00"))
    other = incident("other", t("2026-11-19T10:00"), {"db": MAJOR}, resolved=t("2026-11-19T11:00"))
    timeline = build_timelines(catalog("api", "db"), [short, long, other], NOW)["api"]
    day = (to_seconds(t("2026-11-19T00:00")), to_seconds(t("2026-11-20T00:00")))
    assert timeline.incidents_between(*day) == ["long", "short"]
    next_day = (day[1], day[1] + 86400)
    assert timeline.incidents_between(*next_day) == []


def test_status_at_an_instant_is_half_open():
    record = incident("a", t("2026-11-21T10:00"), {"api": MAJOR}, resolved=t("2026-11-21T11:00"))
    assert incident_statuses_at(record, t("2026-11-21T10:00")) == {"api": MAJOR}
    assert incident_statuses_at(record, t("2026-11-21T11:00")) == {}
    assert incident_statuses_at(record, t("2026-11-21T09:59:59")) == {}


def test_sub_second_parts_are_floored():
    assert to_seconds(t("2026-11-21T10:00:00.999999")) == to_seconds(t("2026-11-21T10:00"))
    assert from_seconds(to_seconds(NOW)) == NOW


def test_pieces_remember_their_record():
    record = incident("a", t("2026-11-20T10:00"), {"api": MAJOR}, resolved=t("2026-11-20T11:00"))
    [piece] = incident_pieces(record, NOW)
    assert (piece.incident_id, piece.component, piece.planned) == ("a", "api", False)


def test_status_at_reads_the_timeline_at_an_earlier_instant():
    window = maintenance("m", t("2026-11-20T02:00"), t("2026-11-20T04:00"), {"api": MAINTENANCE})
    outage = incident("a", t("2026-11-20T03:00"), {"api": MAJOR}, resolved=t("2026-11-20T03:20"))
    timeline = build_timelines(catalog("api"), [window, outage], NOW)["api"]
    assert timeline.status_at(t("2026-11-20T02:30")) == (MAINTENANCE, True)
    assert timeline.status_at(t("2026-11-20T03:00")) == (MAJOR, False)
    assert timeline.status_at(t("2026-11-20T03:20")) == (MAINTENANCE, True)
    assert timeline.status_at(t("2026-11-20T04:00")) == (OPERATIONAL, False)
