"""Incident metrics: how often things break and how quickly the team responds.

Only unplanned incidents count (maintenance is planned work, not failure). An incident is
in scope when it started in ``[start, min(end, now)]``; for a component, when the component
is among its affected components (initial or set by any update).

count, by kind, by impact
    incidents in scope; every non-maintenance kind and every impact appears, zeros included,
    so the shape is stable.
MTTA, mean time to acknowledge
    mean of first update − ``started`` over incidents with an update: how long customers
    waited for the first word.
MTTR, mean time to resolve
    mean of ``resolved`` − ``started`` over resolved incidents only (an ongoing incident
    has no resolution time yet, and counting it to ``now`` would understate the mean).
MTBF, mean time between failures
    each incident is a failure from ``started`` to ``resolved`` (or ``now``); failures that
    overlap or touch merge into one. MTBF is the mean operating gap from the end of one
    failure to the start of the next, so it needs at least two failures. Unlike
    "period ÷ failures" it does not depend on where the period happens to begin.
longest
    the incident with the longest ``started`` → ``resolved`` (ongoing ones up to ``now``,
    flagged); ties go to the earlier start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from statusbook.model import Catalog, Impact, Incident, Kind

UNPLANNED_KINDS = tuple(kind for kind in Kind if kind is not Kind.MAINTENANCE)


@dataclass(frozen=True, slots=True)
class Longest:
    incident_id: str
    duration: timedelta
    ongoing: bool


@dataclass(frozen=True, slots=True)
class IncidentMetrics:
    """Metrics for one component, or for all (``component`` is ``None``)."""

    component: str | None
    count: int
    resolved: int
    by_kind: dict[str, int]
    by_impact: dict[str, int]
    mtta: timedelta | None
    mttr: timedelta | None
    mtbf: timedelta | None
    longest: Longest | None


@dataclass(frozen=True, slots=True)
class MetricsReport:
    start: datetime | None
    end: datetime
    overall: IncidentMetrics
    components: dict[str, IncidentMetrics]


def incident_metrics(
    catalog: Catalog,
    incidents: Iterable[Incident],
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> MetricsReport:
    """Metrics overall and for every catalog component (catalog order)."""
    until = now if end is None else min(end, now)
    chosen = [
        incident
        for incident in incidents
        if not incident.is_maintenance
        and incident.started <= until
        and (start is None or incident.started >= start)
    ]
    per_component = {
        component: metrics_for(
            [i for i in chosen if component in i.affected_components], now, component
        )
        for component in catalog.component_ids
    }
    return MetricsReport(start, until, metrics_for(chosen, now), per_component)


def metrics_for(
    incidents: Sequence[Incident], now: datetime, component: str | None = None
) -> IncidentMetrics:
    """Metrics of exactly these incidents (already chosen by the caller)."""
    acknowledged = [i.updates[0].at - i.started for i in incidents if i.updates]
    resolved = [i.resolved - i.started for i in incidents if i.resolved is not None]
    return IncidentMetrics(
        component=component,
        count=len(incidents),
        resolved=len(resolved),
        by_kind=_count((i.kind.value for i in incidents), (k.value for k in UNPLANNED_KINDS)),
        by_impact=_count((i.impact.value for i in incidents), (i.value for i in Impact)),
        mtta=_mean([max(delta, timedelta(0)) for delta in acknowledged]),
        mttr=_mean(resolved),
        mtbf=_mean(operating_gaps(incidents, now)),
        longest=_longest(incidents, now),
    )


def _count(values: Iterable[str], keys: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(keys, 0)
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _mean(deltas: Sequence[timedelta]) -> timedelta | None:
    if not deltas:
        return None
    return sum(deltas, timedelta(0)) / len(deltas)


def _end(incident: Incident, now: datetime) -> datetime:
    return now if incident.resolved is None else min(incident.resolved, now)


def operating_gaps(incidents: Iterable[Incident], now: datetime) -> list[timedelta]:
    """Gaps between failures, after merging overlapping or touching incidents."""
    spans = sorted((i.started, max(i.started, _end(i, now))) for i in incidents)
    gaps: list[timedelta] = []
    merged_end: datetime | None = None
    for began, ended in spans:
        if merged_end is not None and began > merged_end:
            gaps.append(began - merged_end)
        merged_end = ended if merged_end is None else max(merged_end, ended)
    return gaps


def _longest(incidents: Sequence[Incident], now: datetime) -> Longest | None:
    best: Longest | None = None
    for incident in sorted(incidents, key=lambda i: (i.started, i.id)):
        duration = max(_end(incident, now) - incident.started, timedelta(0))
        if best is None or duration > best.duration:
            ongoing = incident.resolved is None or incident.resolved > now
            best = Longest(incident.id, duration, ongoing)
    return best
