"""The interval maths against a brute-force reference that walks time one second at a time.

The reference re-reads the record semantics independently (it shares no code with
statusbook.timeline): for every second it asks each record what it holds then, takes the
worst unplanned and the worst planned status, and counts. Time ranges are a few hours so
that walking them second by second stays fast.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from statusbook.derive.snapshot import derive
from statusbook.derive.timeline import build_timelines
from statusbook.derive.uptime import Period, SlaStatus, judge, measure
from statusbook.model import (
    Catalog,
    Component,
    ComponentStatus,
    Incident,
    MaintenanceState,
    Site,
    SlaPolicy,
)

from .builders import incident, maintenance, update

BASE = datetime(2026, 3, 1, tzinfo=UTC)
SPAN = 4 * 3600  # seconds of generated history
COMPONENTS = ("api", "db")
STATUSES = list(ComponentStatus)
IMPAIRED = [status for status in ComponentStatus if status is not ComponentStatus.OPERATIONAL]


def at(second: int) -> datetime:
    return BASE + timedelta(seconds=second)


seconds = st.integers(min_value=0, max_value=SPAN)
changes = st.dictionaries(st.sampled_from(COMPONENTS), st.sampled_from(STATUSES), max_size=2)


@st.composite
def incidents(draw, index: int) -> Incident:
    started = draw(seconds)
    resolved = draw(st.none() | st.integers(min_value=started, max_value=SPAN + 600))
    last = SPAN + 600 if resolved is None else resolved
    times = sorted(draw(st.lists(st.integers(min_value=started, max_value=last), max_size=3)))
    initial = draw(
        st.dictionaries(st.sampled_from(COMPONENTS), st.sampled_from(IMPAIRED), min_size=1)
    )
    updates = tuple(update(at(moment), draw(changes)) for moment in times)
    return incident(
        f"i{index}",
        at(started),
        initial,
        resolved=None if resolved is None else at(resolved),
        updates=updates or (update(at(started)),),
    )


@st.composite
def maintenances(draw, index: int) -> Incident:
    start = draw(seconds)
    end = draw(st.integers(min_value=start + 1, max_value=SPAN + 600))
    started = draw(st.none() | st.integers(min_value=max(0, start - 900), max_value=end))
    actual = start if started is None else started
    completed = draw(st.none() | st.integers(min_value=actual, max_value=SPAN + 600))
    state = draw(st.none() | st.sampled_from(list(MaintenanceState)))
    times = sorted(draw(st.lists(st.integers(min_value=0, max_value=SPAN + 600), max_size=3)))
    statuses = draw(
        st.dictionaries(
            st.sampled_from(COMPONENTS),
            st.sampled_from([ComponentStatus.UNDER_MAINTENANCE, *IMPAIRED]),
            min_size=1,
        )
    )
    return maintenance(
        f"m{index}",
        at(start),
        at(end),
        statuses,
        started=None if started is None else at(started),
        completed=None if completed is None else at(completed),
        state=state,
        updates=tuple(update(at(moment), draw(changes)) for moment in times),
    )


@st.composite
def records(draw) -> list[Incident]:
    count = draw(st.integers(min_value=0, max_value=5))
    drawn = []
    for index in range(count):
        planned = draw(st.booleans())
        drawn.append(draw(maintenances(index) if planned else incidents(index)))
    return drawn


weights = st.sampled_from([0, 0.1, 0.25, 0.3, 0.5, 1])


@st.composite
def catalogs(draw) -> Catalog:
    policy = SlaPolicy(
        weights={
            ComponentStatus.MAJOR_OUTAGE: draw(weights),
            ComponentStatus.PARTIAL_OUTAGE: draw(weights),
            ComponentStatus.DEGRADED_PERFORMANCE: draw(weights),
            ComponentStatus.UNDER_MAINTENANCE: draw(weights),
        },
        exclude_maintenance=draw(st.booleans()),
    )
    components = tuple(
        Component(
            id=component,
            name=component,
            monitored_since=at(draw(st.integers(min_value=-600, max_value=SPAN // 2))),
            sla_target=draw(st.sampled_from([None, 90.0, 99.0, 99.5, 99.9])),
        )
        for component in COMPONENTS
    )
    return Catalog(site=Site(name="Property"), components=components, sla=policy)


# --- the reference -------------------------------------------------------------------------


def held_at(record: Incident, second: int, now: int) -> dict[str, ComponentStatus]:
    """What ``record`` holds during ``[second, second + 1)``, straight from the rules."""
    if record.maintenance is not None:
        interval = record.maintenance.interval_at(at(now))
        if interval is None:
            return {}
        start, end = (int((moment - BASE).total_seconds()) for moment in interval)
    else:
        start = int((record.started - BASE).total_seconds())
        end = (
            now
            if record.resolved is None
            else min(now, int((record.resolved - BASE).total_seconds()))
        )
    if not start <= second < end:
        return {}
    statuses: dict[str, ComponentStatus] = {}
    for moment, component, status in record.status_changes():
        if max(int((moment - BASE).total_seconds()), start) <= second:
            statuses[component] = status
    return statuses


def second_by_second(
    records: list[Incident], component: str, now: int
) -> dict[int, tuple[ComponentStatus, bool]]:
    """Effective status and planned flag of ``component`` for every second before ``now``."""
    timeline = {}
    for second in range(-900, min(now, SPAN + 900)):
        unplanned = [ComponentStatus.OPERATIONAL]
        planned = [ComponentStatus.OPERATIONAL]
        for record in records:
            status = held_at(record, second, now).get(component)
            if status is not None:
                (planned if record.is_maintenance else unplanned).append(status)
        worst_unplanned = max(unplanned, key=lambda s: s.severity)
        worst_planned = max(planned, key=lambda s: s.severity)
        if worst_planned.severity > worst_unplanned.severity:
            timeline[second] = (worst_planned, True)
        else:
            timeline[second] = (worst_unplanned, False)
    return timeline


def reference_figures(timeline, since: int, low: int, high: int, now: int, policy: SlaPolicy):
    observed = maintenance_seconds = 0
    downtime = Fraction(0)
    for second in range(max(low, since), min(high, now)):
        observed += 1
        status, planned = timeline.get(second, (ComponentStatus.OPERATIONAL, False))
        weight = Fraction(str(policy.weights.get(status, 0)))
        if planned:
            maintenance_seconds += 1
            if not policy.exclude_maintenance:
                downtime += weight
        else:
            downtime += weight
    counted = observed - maintenance_seconds if policy.exclude_maintenance else observed
    return observed, maintenance_seconds, counted, downtime


def offset(moment: datetime) -> int:
    return int((moment - BASE).total_seconds())


# --- the properties --------------------------------------------------------------------------

window_edges = st.integers(min_value=-900, max_value=SPAN + 900)


@settings(deadline=None, max_examples=150)
@given(
    records(),
    catalogs(),
    st.integers(min_value=0, max_value=SPAN + 300),
    st.lists(st.tuples(window_edges, window_edges), min_size=1, max_size=4),
)
def test_uptime_matches_a_second_by_second_count(records, catalog, now, windows):
    timelines = build_timelines(catalog, records, at(now))
    for component in catalog.components:
        reference = second_by_second(records, component.id, now)
        since = offset(component.monitored_since)
        for first, second in windows:
            low, high = min(first, second), max(first, second)
            period = Period("w", "rolling", at(low), at(high))
            figures = measure(timelines[component.id], period, catalog.sla)
            observed, maintenance_seconds, counted, downtime = reference_figures(
                reference, since, low, high, now, catalog.sla
            )
            assert figures.observed_seconds == observed
            assert figures.maintenance_seconds == maintenance_seconds
            assert figures.counted_seconds == counted
            assert figures.downtime_seconds == downtime
            assert sum(figures.seconds.values()) == observed - maintenance_seconds


@settings(deadline=None, max_examples=150)
@given(records(), catalogs(), st.integers(min_value=0, max_value=SPAN + 300))
def test_segments_match_the_reference_and_are_maximal(records, catalog, now):
    timelines = build_timelines(catalog, records, at(now))
    for component in catalog.components:
        reference = second_by_second(records, component.id, now)
        since = offset(component.monitored_since)
        from_segments = {}
        previous = None
        for segment in timelines[component.id].segments():
            start, end = offset(segment.start), offset(segment.end)
            assert start < end
            if previous is not None:
                assert previous[1] <= start
                # adjacent segments differ, otherwise they would have been one
                assert previous[1] < start or previous[2:] != (segment.status, segment.maintenance)
            previous = (start, end, segment.status, segment.maintenance)
            for second in range(start, end):
                from_segments[second] = (segment.status, segment.maintenance)
        expected = {
            second: state
            for second, state in reference.items()
            if second >= since and state[0] is not ComponentStatus.OPERATIONAL
        }
        assert from_segments == expected


def known_window_state(record: Incident, moment: datetime) -> MaintenanceState:
    """A window's state at ``moment`` from what was known then: actual times and a
    ``completed`` state count once they have passed, else the schedule does."""
    window = record.maintenance
    assert window is not None
    started = window.started if window.started and window.started <= moment else None
    completed = window.completed if window.completed and window.completed <= moment else None
    state = window.state
    if state is MaintenanceState.COMPLETED and completed is None:
        state = None
    if state is not None:
        return state
    if moment < (started or window.scheduled_start):
        return MaintenanceState.SCHEDULED
    if moment < (completed or window.scheduled_end):
        return MaintenanceState.IN_PROGRESS
    return MaintenanceState.COMPLETED


def known_changes(
    record: Incident, moment: datetime
) -> list[tuple[datetime, str, ComponentStatus]]:
    """The record's status changes; a window's initial statuses from its start as known."""
    start = record.started
    window = record.maintenance
    if window is not None:
        actual = window.started if window.started and window.started <= moment else None
        start = actual or window.scheduled_start
    changes = [(start, name, status) for name, status in record.components.items()]
    for item in record.updates:
        changes += [(item.at, name, status) for name, status in item.components.items()]
    return changes


@settings(deadline=None, max_examples=150)
@given(records(), catalogs(), st.integers(min_value=0, max_value=SPAN + 300))
def test_status_now_is_what_the_records_hold_at_that_instant(records, catalog, now):
    statuses = derive(catalog, records, at(now)).components
    for component in catalog.component_ids:
        unplanned = [ComponentStatus.OPERATIONAL]
        planned = [ComponentStatus.OPERATIONAL]
        for record in records:
            if record.updates and record.updates[0].at > at(now):
                continue  # nothing of it is published yet
            if record.maintenance is not None:
                if known_window_state(record, at(now)) is not MaintenanceState.IN_PROGRESS:
                    continue
            elif not (
                record.started <= at(now) and (record.resolved is None or record.resolved > at(now))
            ):
                continue
            held = ComponentStatus.OPERATIONAL
            seen = False
            for moment, name, status in known_changes(record, at(now)):
                if name == component and moment <= at(now):
                    held, seen = status, True
            if seen:
                (planned if record.is_maintenance else unplanned).append(held)
        worst_unplanned = max(unplanned, key=lambda s: s.severity)
        worst_planned = max(planned, key=lambda s: s.severity)
        expected = (
            worst_planned if worst_planned.severity > worst_unplanned.severity else worst_unplanned
        )
        assert statuses[component] is expected


@settings(deadline=None, max_examples=100)
@given(
    records(),
    catalogs(),
    st.integers(min_value=0, max_value=SPAN + 300),
    window_edges,
    window_edges,
)
def test_a_finished_period_is_met_exactly_when_uptime_reaches_the_target(
    records, catalog, now, first, second
):
    low, high = min(first, second), min(max(first, second), now)
    period = Period("w", "rolling", at(low), at(high))
    timelines = build_timelines(catalog, records, at(now))
    for component in catalog.components:
        result = judge(component, measure(timelines[component.id], period, catalog.sla), at(now))
        uptime = result.uptime
        if component.sla_target is None:
            assert result.status is SlaStatus.NO_TARGET
        elif uptime.counted_seconds == 0:
            assert result.status is SlaStatus.NO_DATA
        else:
            met = uptime.percent >= Fraction(str(component.sla_target))
            assert result.status is (SlaStatus.MET if met else SlaStatus.BREACHED)
            assert (result.budget.remaining_seconds >= 0) == met


@settings(deadline=None, max_examples=100)
@given(
    records(),
    catalogs(),
    st.integers(min_value=0, max_value=SPAN + 300),
    window_edges,
    window_edges,
    window_edges,
)
def test_splitting_a_period_splits_its_figures(records, catalog, now, a, b, c):
    low, middle, high = sorted((a, b, c))
    timelines = build_timelines(catalog, records, at(now))
    for component in catalog.components:
        parts = [
            measure(timelines[component.id], Period("p", "rolling", at(x), at(y)), catalog.sla)
            for x, y in ((low, middle), (middle, high), (low, high))
        ]
        first, second, whole = parts
        assert first.observed_seconds + second.observed_seconds == whole.observed_seconds
        assert first.maintenance_seconds + second.maintenance_seconds == whole.maintenance_seconds
        assert first.downtime_seconds + second.downtime_seconds == whole.downtime_seconds


@settings(deadline=None, max_examples=100)
@given(
    records(),
    catalogs(),
    st.integers(min_value=0, max_value=SPAN + 300),
    window_edges,
    st.lists(st.tuples(window_edges, window_edges), min_size=1, max_size=3),
)
def test_skipping_old_records_changes_nothing_after_the_cut(records, catalog, now, cut, windows):
    full = build_timelines(catalog, records, at(now))
    recent = build_timelines(catalog, records, at(now), since=at(cut))
    for component in catalog.components:
        for first, second in windows:
            low, high = max(min(first, second), cut), max(first, second, cut)
            period = Period("w", "rolling", at(low), at(high))
            assert measure(recent[component.id], period, catalog.sla) == measure(
                full[component.id], period, catalog.sla
            )
        before = Period("b", "rolling", at(-900), at(cut))
        assert measure(recent[component.id], before, catalog.sla).observed_seconds == 0
