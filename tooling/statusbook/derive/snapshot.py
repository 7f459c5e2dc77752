"""Derive once at ``now``: the snapshot every page, feed, API document, badge, message and
CLI listing reads, so that none of them can disagree with another.

:func:`derive` turns the validated records, the catalog and one instant into a
:class:`Snapshot`: each record's standing (:mod:`statusbook.derive.lifecycle`), every
component's status, the overall indicator, what is active, running and upcoming, and the
per-component timelines (:mod:`statusbook.derive.timeline`) behind every uptime figure and
daily bar — all built from the records as known at ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from statusbook.derive.lifecycle import RecordState, standing
from statusbook.derive.status import OverallStatus, component_statuses, overall_status
from statusbook.derive.timeline import ComponentTimeline, build_timelines
from statusbook.model import Catalog, ComponentStatus, Incident, RecordStatus

_RUNNING = (RecordStatus.IN_PROGRESS, RecordStatus.VERIFYING)


@dataclass(frozen=True)
class Snapshot:
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
    _timelines: dict[datetime | None, dict[str, ComponentTimeline]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def incidents(self) -> tuple[Incident, ...]:
        """The records as known at ``now``."""
        return tuple(state.record for state in self.records)

    def timelines(self, since: datetime | None = None) -> dict[str, ComponentTimeline]:
        """Every component's timeline up to ``now`` (records that ended before ``since``
        skipped: earlier time then counts as unobserved). Built once per ``since``."""
        if since not in self._timelines:
            self._timelines[since] = build_timelines(
                self.catalog, self.incidents, self.now, since=since
            )
        return self._timelines[since]


def derive(catalog: Catalog, records: Iterable[Incident], now: datetime) -> Snapshot:
    """The snapshot of ``records`` at ``now``."""
    states: list[RecordState] = []
    pending: list[Incident] = []
    for record in records:
        state = standing(record, now)
        if state is None:
            pending.append(record)
        else:
            states.append(state)
    states.sort(key=lambda state: (state.record.started, state.id))
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
    )
