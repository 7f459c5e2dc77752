"""Each component's status over time, derived from the records as known at ``now``.

This is the primitive that uptime, the daily bars and the status roll-up share, so the
rules live here once:

* An incident gives each listed component its status from ``started``; each update's
  ``components`` map sets new statuses from ``update.at`` (``operational`` ends the impact
  on that component early). At ``resolved`` every component returns to operational; an
  unresolved incident runs to ``now``.
* A maintenance record holds its components only during ``maintenance.interval_at(now)``
  (nothing while scheduled or cancelled; up to ``now`` while in progress). Component
  changes in updates posted before the window apply from its start, those inside it from
  their time, those after it not at all.
* Nothing counts after ``now`` or before the component's ``monitored_since``.
* Where records overlap on a component, the worst status at each instant wins, once.
  Planned maintenance wins only where its own status is strictly worse than every
  unplanned status at that instant; an outage during a maintenance window is therefore an
  outage (it counts as downtime), while the rest of the window stays planned.

Instants are whole Unix seconds internally: records are written to the second, and integer
arithmetic makes every total exact. Sub-second parts, if any, are dropped (floored).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from statusbook.model import Catalog, ComponentStatus, Incident, MaintenanceState

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)

#: Statuses indexed by severity, so a severity number maps back to its status.
BY_SEVERITY: tuple[ComponentStatus, ...] = tuple(
    sorted(ComponentStatus, key=lambda status: status.severity)
)
_LEVELS = len(BY_SEVERITY)


def to_seconds(value: datetime) -> int:
    """Whole Unix seconds (floored), the unit every sum in statusbook is exact in."""
    return (value - EPOCH) // _SECOND


def from_seconds(value: int) -> datetime:
    return EPOCH + timedelta(seconds=value)


class Piece(NamedTuple):
    """What one record says about one component over one stretch of time (Unix seconds)."""

    component: str
    start: int
    end: int
    status: ComponentStatus
    planned: bool
    incident_id: str


class Segment(NamedTuple):
    """A stretch of time with one effective status; ``maintenance`` when it is planned."""

    start: datetime
    end: datetime
    status: ComponentStatus
    maintenance: bool

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class Tally(NamedTuple):
    """Seconds per status in a range, split by whether planned maintenance owned them.

    Both lists are indexed by severity (see :data:`BY_SEVERITY`); ``unplanned[0]`` is the
    operational time. ``worst`` is the worst effective status seen (operational if none).
    """

    unplanned: list[int]
    planned: list[int]
    worst: ComponentStatus

    @property
    def observed(self) -> int:
        return sum(self.unplanned) + sum(self.planned)

    @property
    def maintenance(self) -> int:
        return sum(self.planned)


# --- what one record says ------------------------------------------------------------------


def incident_pieces(incident: Incident, now: datetime) -> list[Piece]:
    """The impaired stretches ``incident`` gives each component, clipped to ``now``."""
    if incident.maintenance is not None:
        interval = incident.maintenance.interval_at(now)
        if interval is None:
            return []
        start, end = to_seconds(interval[0]), to_seconds(interval[1])
        planned = True
    else:
        start = to_seconds(incident.started)
        end = to_seconds(min(incident.resolved or now, now))
        planned = False
    if end <= start:
        return []
    return list(_pieces(incident, start, end, planned))


def _pieces(incident: Incident, start: int, end: int, planned: bool) -> Iterator[Piece]:
    """Turn the record's ordered status changes into stretches inside ``[start, end)``."""
    current: dict[str, tuple[int, ComponentStatus]] = {}
    for at, component, status in incident.status_changes():
        moment = max(to_seconds(at), start)
        if moment >= end:
            continue
        previous = current.get(component)
        if previous is not None and previous[1] is not status:
            yield from _piece(incident, component, previous, moment, planned)
        if previous is None or previous[1] is not status:
            current[component] = (moment, status)
    for component, held in current.items():
        yield from _piece(incident, component, held, end, planned)


def _piece(
    incident: Incident,
    component: str,
    held: tuple[int, ComponentStatus],
    end: int,
    planned: bool,
) -> Iterator[Piece]:
    begin, status = held
    if end > begin and status is not ComponentStatus.OPERATIONAL:
        yield Piece(component, begin, end, status, planned, incident.id)


def incident_statuses_at(incident: Incident, now: datetime) -> dict[str, ComponentStatus]:
    """The impaired statuses ``incident`` holds at the instant ``now`` (half-open: a record
    resolved at ``now`` holds nothing, one started at ``now`` holds its initial statuses)."""
    if incident.maintenance is not None:
        if incident.maintenance.state_at(now) is not MaintenanceState.IN_PROGRESS:
            return {}
    elif incident.started > now or (incident.resolved is not None and incident.resolved <= now):
        return {}
    held: dict[str, ComponentStatus] = {}
    for at, component, status in incident.status_changes():
        if at <= now:
            held[component] = status
    return {c: s for c, s in held.items() if s is not ComponentStatus.OPERATIONAL}


def effective_status(
    unplanned: Iterable[ComponentStatus], planned: Iterable[ComponentStatus]
) -> tuple[ComponentStatus, bool]:
    """The status that counts when several records hold one component, and whether it is
    planned maintenance (planned wins only where strictly worse than all unplanned)."""
    worst_unplanned = max((s.severity for s in unplanned), default=0)
    worst_planned = max((s.severity for s in planned), default=0)
    if worst_planned > worst_unplanned:
        return BY_SEVERITY[worst_planned], True
    return BY_SEVERITY[worst_unplanned], False


def statuses_at(
    incidents: Iterable[Incident], now: datetime
) -> dict[str, tuple[ComponentStatus, bool]]:
    """Effective status and planned flag at ``now`` of every component some record holds."""
    unplanned: dict[str, list[ComponentStatus]] = {}
    planned: dict[str, list[ComponentStatus]] = {}
    for incident in incidents:
        target = planned if incident.is_maintenance else unplanned
        for component, status in incident_statuses_at(incident, now).items():
            target.setdefault(component, []).append(status)
    return {
        component: effective_status(unplanned.get(component, ()), planned.get(component, ()))
        for component in dict.fromkeys([*unplanned, *planned])
    }


# --- a component's whole timeline ----------------------------------------------------------


class ComponentTimeline:
    """The non-operational segments of one component over ``[since, now)``.

    ``since`` is the component's ``monitored_since`` (or the build's ``since`` if later):
    time before it is not observed at all, rather than operational.

    Operational time is the gaps. Segments are disjoint and sorted, so a range query is a
    binary search plus a walk over the segments it touches.
    """

    __slots__ = (
        "_ends",
        "_longest",
        "_piece_starts",
        "_planned",
        "_severities",
        "_starts",
        "component",
        "now",
        "pieces",
        "since",
    )

    def __init__(self, component: str, since: int, now: int, pieces: list[Piece]) -> None:
        self.component = component
        self.since = since
        self.now = now
        #: The records' own stretches (clipped), sorted by start: who touched which time.
        self.pieces = sorted(pieces, key=lambda piece: (piece.start, piece.end, piece.incident_id))
        self._piece_starts = [piece.start for piece in self.pieces]
        self._longest = max((piece.end - piece.start for piece in self.pieces), default=0)
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._severities: list[int] = []
        self._planned: list[bool] = []
        self._sweep()

    def _sweep(self) -> None:
        """Walk the pieces' edges in time order, keeping a count per (severity, planned)."""
        events: list[tuple[int, int, int]] = []
        for piece in self.pieces:
            code = piece.status.severity * 2 + piece.planned
            events.append((piece.start, code, 1))
            events.append((piece.end, code, -1))
        events.sort()
        counts = [0] * (_LEVELS * 2)
        current: tuple[int, bool] | None = None
        opened = 0
        index, total = 0, len(events)
        while index < total:
            moment = events[index][0]
            while index < total and events[index][0] == moment:
                counts[events[index][1]] += events[index][2]
                index += 1
            state = _state(counts)
            if state != current:
                if current is not None:
                    self._append(opened, moment, current)
                current, opened = state, moment

    def _append(self, start: int, end: int, state: tuple[int, bool]) -> None:
        self._starts.append(start)
        self._ends.append(end)
        self._severities.append(state[0])
        self._planned.append(state[1])

    def segments(self, start: datetime | None = None, end: datetime | None = None) -> list[Segment]:
        """Non-operational segments, clipped to ``[start, end)`` when given."""
        low = self.since if start is None else to_seconds(start)
        high = self.now if end is None else to_seconds(end)
        return [
            Segment(from_seconds(s), from_seconds(e), BY_SEVERITY[severity], planned)
            for s, e, severity, planned in self._between(low, high)
        ]

    def _between(self, low: int, high: int) -> Iterator[tuple[int, int, int, bool]]:
        index = bisect_right(self._ends, low)
        while index < len(self._starts) and self._starts[index] < high:
            yield (
                max(self._starts[index], low),
                min(self._ends[index], high),
                self._severities[index],
                self._planned[index],
            )
            index += 1

    def tally(self, start: int, end: int) -> Tally:
        """Seconds per effective status in ``[start, end)`` (Unix seconds), clipped to the
        monitored range ``[since, now)``."""
        low, high = max(start, self.since), min(end, self.now)
        unplanned = [0] * _LEVELS
        planned = [0] * _LEVELS
        worst = 0
        if high > low:
            impaired = 0
            for s, e, severity, is_planned in self._between(low, high):
                (planned if is_planned else unplanned)[severity] += e - s
                impaired += e - s
                worst = max(worst, severity)
            unplanned[0] += high - low - impaired
        return Tally(unplanned, planned, BY_SEVERITY[worst])

    def status_at(self, moment: datetime) -> tuple[ComponentStatus, bool]:
        """Effective status inside the timeline (for instants before ``now``)."""
        second = to_seconds(moment)
        index = bisect_right(self._starts, second) - 1
        if index >= 0 and self._ends[index] > second:
            return BY_SEVERITY[self._severities[index]], self._planned[index]
        return ComponentStatus.OPERATIONAL, False

    def incidents_between(self, start: int, end: int) -> list[str]:
        """Ids of records that impaired the component in ``[start, end)``, by start."""
        index = bisect_left(self._piece_starts, start - self._longest)
        seen: dict[str, None] = {}
        for piece in self.pieces[index:]:
            if piece.start >= end:
                break
            if piece.end > start:
                seen.setdefault(piece.incident_id)
        return list(seen)


def _state(counts: list[int]) -> tuple[int, bool] | None:
    """The effective (severity, planned) for the current counts; ``None`` when operational."""
    worst_unplanned = worst_planned = 0
    for severity in range(_LEVELS - 1, 0, -1):
        if counts[severity * 2]:
            worst_unplanned = severity
            break
    for severity in range(_LEVELS - 1, 0, -1):
        if counts[severity * 2 + 1]:
            worst_planned = severity
            break
    if worst_planned > worst_unplanned:
        return worst_planned, True
    if worst_unplanned:
        return worst_unplanned, False
    return None


def build_timelines(
    catalog: Catalog,
    incidents: Iterable[Incident],
    now: datetime,
    *,
    since: datetime | None = None,
    components: Iterable[str] | None = None,
) -> dict[str, ComponentTimeline]:
    """Timelines for the catalog's components (or ``components``), in catalog order.

    ``since`` skips records that ended before it: a speed-up when only recent windows are
    wanted. The timelines then start at ``since``, so earlier time counts as unobserved,
    never as silently operational.
    """
    wanted = set(catalog.component_ids if components is None else components)
    now_s = to_seconds(now)
    floor = None if since is None else to_seconds(since)
    starts: dict[str, int] = {}
    for component in catalog.components:
        if component.id in wanted:
            monitored = to_seconds(component.monitored_since)
            starts[component.id] = monitored if floor is None else max(monitored, floor)
    pieces: dict[str, list[Piece]] = {component: [] for component in starts}
    for incident in incidents:
        if floor is not None and _ended_before(incident, floor):
            continue
        for piece in incident_pieces(incident, now):
            bucket = pieces.get(piece.component)
            if bucket is None:
                continue
            clipped = _clip(piece, starts[piece.component])
            if clipped is not None:
                bucket.append(clipped)
    return {
        component: ComponentTimeline(component, starts[component], now_s, bucket)
        for component, bucket in pieces.items()
    }


def _ended_before(incident: Incident, floor: int) -> bool:
    """Cheap pre-filter: a resolved incident or finished window that ended before ``floor``."""
    if incident.maintenance is not None:
        window = incident.maintenance
        if window.state is not None:
            return False
        return to_seconds(window.completed or window.scheduled_end) < floor
    return incident.resolved is not None and to_seconds(incident.resolved) < floor


def _clip(piece: Piece, low: int) -> Piece | None:
    if piece.end <= low:
        return None
    if piece.start >= low:
        return piece
    return Piece(piece.component, low, piece.end, piece.status, piece.planned, piece.incident_id)
