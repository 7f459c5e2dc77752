"""Derive once at ``now``: the snapshot every page, feed, API document, badge, message and
CLI listing reads, so that none of them can disagree with another.

:func:`derive` turns the validated records, the catalog and one instant into a
:class:`Snapshot`: each record's standing (:mod:`statusbook.derive.lifecycle`), every
component's status, the overall indicator, what is active, running and upcoming, and the
per-component timelines (:mod:`statusbook.derive.timeline`) behind every uptime figure and
daily bar — all built from the records as known at ``now``.

A snapshot is derived for one audience. The public snapshot holds no internal record,
update or note and no internal field of a problem record: they are dropped here, in
:func:`~statusbook.derive.lifecycle.known_at`, before anything is rendered, so every page,
feed, calendar, API document and badge built from it is public by construction. The
internal snapshot holds everything, and its catalog carries the internal site's address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from statusbook.derive.lifecycle import (
    ProblemState,
    RecordState,
    for_audience,
    problem_known_at,
    standing,
)
from statusbook.derive.status import OverallStatus, component_statuses, overall_status
from statusbook.derive.timeline import ComponentTimeline, build_timelines
from statusbook.model import (
    Audience,
    Catalog,
    ComponentStatus,
    Incident,
    ProblemRecord,
    RecordStatus,
)

_RUNNING = (RecordStatus.IN_PROGRESS, RecordStatus.VERIFYING)


class Snapshot(NamedTuple):
    """Everything readers are told at ``now``."""

    catalog: Catalog
    now: datetime
    #: Every record published by ``now``, by start (``started``, or the planned start), then id.
    records: tuple[RecordState, ...]
    #: Records none of whose updates is posted yet at ``now`` (readers do not see them).
    pending: tuple[Incident, ...]
    #: Every catalog component's status at ``now``, in catalog order.
    components: Mapping[str, ComponentStatus]
    overall: OverallStatus
    #: Open incidents, newest first.
    active: tuple[RecordState, ...]
    #: Maintenance running at ``now``, earliest start first.
    maintenance_now: tuple[RecordState, ...]
    #: Maintenance still to come, soonest first.
    maintenance_next: tuple[RecordState, ...]
    by_id: Mapping[str, RecordState]
    #: :meth:`timelines` by ``since``, filled as they are asked for.
    timeline_cache: dict[datetime | None, dict[str, ComponentTimeline]]
    audience: Audience
    #: The problem records the audience knows at ``now``, by id.
    problems: tuple[ProblemState, ...]
    #: Incident id → the id of the problem it is linked to (either side of the link).
    problem_of: Mapping[str, str]

    def problem(self, problem_id: str) -> ProblemState | None:
        return next((state for state in self.problems if state.id == problem_id), None)

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """The records as known at ``now``."""
        return tuple(state.record for state in self.records)

    def timelines(self, since: datetime | None = None) -> dict[str, ComponentTimeline]:
        """Every component's timeline up to ``now`` (records that ended before ``since``
        skipped: earlier time then counts as unobserved). Built once per ``since``."""
        if since not in self.timeline_cache:
            self.timeline_cache[since] = build_timelines(
                self.catalog, self.incidents, self.now, since=since
            )
        return self.timeline_cache[since]


def derive(
    catalog: Catalog,
    records: Iterable[Incident],
    now: datetime,
    *,
    audience: Audience = Audience.PUBLIC,
    problems: Iterable[ProblemRecord] = (),
) -> Snapshot:
    """The snapshot of ``records`` (and problem records) at ``now``, for ``audience``."""
    catalog = catalog.for_audience(audience)
    states: list[RecordState] = []
    pending: list[Incident] = []
    for record in records:
        state = standing(record, now, audience)
        if state is not None:
            states.append(state)
        elif for_audience(record, audience) is not None:
            pending.append(record)
    states.sort(key=lambda state: (state.record.started, state.id))
    known, problem_of = _problems(problems, states, now, audience)
    if problem_of or any(state.record.problem for state in states):
        states = [_linked(state, problem_of) for state in states]
    linked: dict[str, list[RecordState]] = {}
    for state in states:
        if state.id in problem_of:
            linked.setdefault(problem_of[state.id], []).append(state)
    problem_states = tuple(
        ProblemState(problem, problem.status, tuple(linked.get(problem.id, ())))
        for problem in known
    )
    active = sorted(
        (s for s in states if s.is_open and not s.is_maintenance),
        key=lambda s: (s.record.started, s.id),
        reverse=True,
    )
    running = [s for s in states if s.status in _RUNNING]
    upcoming = [s for s in states if s.status is RecordStatus.SCHEDULED]
    statuses = component_statuses(catalog, states)
    return Snapshot(
        catalog=catalog,
        now=now,
        records=tuple(states),
        pending=tuple(pending),
        components=statuses,
        overall=overall_status(statuses, active),
        active=tuple(active),
        maintenance_now=tuple(running),
        maintenance_next=tuple(upcoming),
        by_id={state.id: state for state in states},
        timeline_cache={},
        audience=audience,
        problems=problem_states,
        problem_of=problem_of,
    )


def active_incidents(
    catalog: Catalog,
    records: Iterable[Incident],
    now: datetime,
    *,
    audience: Audience = Audience.PUBLIC,
) -> tuple[RecordState, ...]:
    """The open incidents at ``now``, newest first — :attr:`Snapshot.active` of the same
    records — without working out the standing of incidents long over: one whose resolution
    and every update lie at or before ``now`` is closed whatever else it says, and a record's
    standing does not depend on the others."""
    candidates = [record for record in records if not _settled_closed(record, now)]
    return derive(catalog, candidates, now, audience=audience).active


def _settled_closed(record: Incident, now: datetime) -> bool:
    return record.maintenance is not None or (
        record.resolved is not None
        and record.resolved <= now
        and all(update.at <= now for update in record.updates)
    )


def _problems(
    problems: Iterable[ProblemRecord],
    states: list[RecordState],
    now: datetime,
    audience: Audience,
) -> tuple[list[ProblemRecord], dict[str, str]]:
    """Each problem the audience knows, and which incidents are linked to which, on either
    side of the link (an incident's own ``problem:`` first, then the first problem to list
    it: the validator allows one)."""
    known = [k for k in (problem_known_at(p, now, audience) for p in problems) if k is not None]
    known.sort(key=lambda problem: problem.id)
    by_id = {state.id: state for state in states}
    ids = {problem.id for problem in known}
    problem_of: dict[str, str] = {}
    for state in states:
        if state.record.problem in ids and not state.is_maintenance:
            problem_of[state.id] = state.record.problem
    for problem in known:
        for incident_id in problem.incidents:
            if incident_id in by_id and not by_id[incident_id].is_maintenance:
                problem_of.setdefault(incident_id, problem.id)
    return known, problem_of


def _linked(state: RecordState, problem_of: Mapping[str, str]) -> RecordState:
    """The record names its problem only when the audience knows that problem."""
    problem = problem_of.get(state.id)
    if state.record.problem == problem:
        return state
    return state._replace(record=state.record._replace(problem=problem))
