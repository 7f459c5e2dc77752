"""Where one record stands at an instant ``now``: the one rule every output reads.

A record file may hold facts stamped after ``now`` — within the validator's clock-drift
tolerance, or because a page is built for an earlier instant. At ``now`` those have not
happened yet, so :func:`known_at` keeps only what was true and published by then:

* the updates posted at or before ``now``; a record none of whose updates is posted yet
  does not exist for readers at all;
* the resolution, once ``resolved`` is at or before ``now``;
* a maintenance window's actual start and end once they have passed; ``state: completed``
  only once ``completed`` has; ``state: cancelled`` only once the update announcing it is
  posted (a cancellation without such an update has no time, so it always holds);
* the postmortem once its ``published`` time has passed (without one it is a draft);
* the corrections and notes made by then.

It also keeps only what the audience may read (:class:`~statusbook.model.Audience`). For the
public one, an internal record does not exist at all, and a public record loses its internal
updates and notes — as if they had never been written, so nothing downstream (pages, feeds,
the API, badges, the search index, messages) can show them; its posts are numbered among the
public updates. The internal audience reads everything, draft postmortems included (a draft
is internal text until it is published). Problem records get the same treatment in
:func:`problem_known_at`: the public reads only their public fields.

:func:`standing` then derives what every reader is told: the lifecycle status at ``now``
in Statuspage's vocabulary, whether the record is open, when it began and ended, its
timeline (:class:`Post`) with the component status changes each post made — including
the posts the clock makes when a maintenance window starts or ends without anyone writing
an update, as Statuspage's automatic transitions do — and the statuses it holds at ``now``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from statusbook.derive.timeline import incident_statuses_at
from statusbook.model import (
    Audience,
    ComponentStatus,
    Incident,
    MaintenanceState,
    MaintenanceWindow,
    ProblemRecord,
    ProblemStatus,
    RecordStatus,
    Update,
    UpdateStatus,
    Visibility,
)

Changes = Mapping[str, tuple[ComponentStatus, ComponentStatus]]
_OPERATIONAL = ComponentStatus.OPERATIONAL

#: The lifecycle status an update announces, as a record status (plain notes announce none).
_ANNOUNCED: dict[UpdateStatus, RecordStatus] = {
    UpdateStatus.INVESTIGATING: RecordStatus.INVESTIGATING,
    UpdateStatus.IDENTIFIED: RecordStatus.IDENTIFIED,
    UpdateStatus.MONITORING: RecordStatus.MONITORING,
    UpdateStatus.RESOLVED: RecordStatus.RESOLVED,
    UpdateStatus.SCHEDULED: RecordStatus.SCHEDULED,
    UpdateStatus.IN_PROGRESS: RecordStatus.IN_PROGRESS,
    UpdateStatus.VERIFYING: RecordStatus.VERIFYING,
    UpdateStatus.COMPLETED: RecordStatus.COMPLETED,
    UpdateStatus.CANCELLED: RecordStatus.CANCELLED,
}
_WINDOW_STATUS: dict[MaintenanceState, RecordStatus] = {
    MaintenanceState.SCHEDULED: RecordStatus.SCHEDULED,
    MaintenanceState.IN_PROGRESS: RecordStatus.IN_PROGRESS,
    MaintenanceState.COMPLETED: RecordStatus.COMPLETED,
    MaintenanceState.CANCELLED: RecordStatus.CANCELLED,
}


class Post(NamedTuple):
    """One entry on a record's public timeline: a written update, or the clock's transition."""

    #: Stable within the record: ``u<n>`` for update ``n`` (from 1), ``started`` or
    #: ``completed`` for a window the clock started or ended.
    key: str
    at: datetime
    #: What the post announces; a derived post announces ``in_progress`` or ``completed``.
    status: UpdateStatus
    #: The record's lifecycle status once this post is out.
    lifecycle: RecordStatus
    #: Markdown written by a person; empty for a derived post (renderers word it).
    message: str
    author: str | None
    #: The statuses this post changed within its record, ``{component: (old, new)}``.
    changes: Changes
    #: The 1-based number of the written update; ``None`` for a derived post.
    number: int | None = None
    #: Internal posts reach the internal site only (the public snapshot has none).
    visibility: Visibility = Visibility.PUBLIC

    @property
    def derived(self) -> bool:
        return self.number is None


class RecordState(NamedTuple):
    """A record as readers see it at ``now``."""

    #: The record with only the facts true at ``now`` (see :func:`known_at`).
    record: Incident
    status: RecordStatus
    #: Written updates and derived transitions, oldest first.
    posts: tuple[Post, ...]
    #: When impact began, or when a window actually began; ``None`` before that.
    started: datetime | None
    #: When it was resolved, completed or cancelled; ``None`` while it is not (or unknown).
    ended: datetime | None
    #: From ``started`` to ``ended`` (or to ``now`` while open); ``None`` before it began.
    duration: timedelta | None
    #: Impaired statuses the record holds at ``now`` (empty unless it is running).
    held: Mapping[str, ComponentStatus]
    #: Each affected component's status in this record as last set (operational once over).
    current: Mapping[str, ComponentStatus]
    first_posted: datetime
    #: The latest published change: a post, the resolution, the postmortem, a correction.
    last_changed: datetime

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def is_maintenance(self) -> bool:
        return self.record.is_maintenance

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def latest(self) -> Post | None:
        return self.posts[-1] if self.posts else None


# --- what is known at now ------------------------------------------------------------------


def published_at(record: Incident) -> datetime | None:
    """When readers first heard of the record: its first update (``None``: it has none)."""
    return record.updates[0].at if record.updates else None


def known_at(
    record: Incident, now: datetime, audience: Audience = Audience.PUBLIC
) -> Incident | None:
    """``record`` with only what is true and published at ``now`` and what ``audience`` may
    read; ``None`` before that, or when the audience may read none of it."""
    readable = for_audience(record, audience)
    if readable is None:
        return None
    record = readable
    first = published_at(record)
    if first is not None and first > now:
        return None
    if _settled(record, now):
        return record
    updates = tuple(update for update in record.updates if update.at <= now)
    postmortem = record.postmortem
    draft = postmortem is not None and (postmortem.published is None or postmortem.published > now)
    if draft and audience is Audience.PUBLIC:
        postmortem = None
    window = record.maintenance
    known_window = None if window is None else _window_known_at(window, record.updates, now)
    started = record.started
    if known_window is not None:
        started = known_window.started or known_window.scheduled_start
    return record._replace(
        updates=updates,
        resolved=_resolution_known(record.resolved, updates, now),
        postmortem=postmortem,
        corrections=tuple(c for c in record.corrections if c.at <= now),
        maintenance=known_window,
        started=started,
        notes=tuple(note for note in record.notes if note.at <= now),
    )


def for_audience(record: Incident, audience: Audience) -> Incident | None:
    """``record`` as ``audience`` may read it: ``None`` when the record is hidden from it, or
    when every update is (a public record readers would see with no update at all)."""
    if audience is Audience.INTERNAL:
        return record
    if record.visibility is not Visibility.PUBLIC:
        return None
    public = Visibility.PUBLIC
    if all(u.visibility is public for u in record.updates) and all(
        n.visibility is public for n in record.notes
    ):
        return record
    updates = tuple(update for update in record.updates if update.visibility is public)
    if record.updates and not updates:
        return None
    notes = tuple(note for note in record.notes if note.visibility is public)
    return record._replace(updates=updates, notes=notes)


def _resolution_known(
    resolved: datetime | None, updates: tuple[Update, ...], now: datetime
) -> datetime | None:
    """The resolution, once it has happened and the update announcing it is posted: service
    may recover at 12:00 and be announced at 12:03, and at 12:01 nobody has said so yet."""
    if resolved is None or resolved > now:
        return None
    announced = any(update.status is UpdateStatus.RESOLVED for update in updates)
    return resolved if announced else None


def _settled(record: Incident, now: datetime) -> bool:
    """Nothing in the record lies after ``now``: it can be used as it is (the common case)."""
    window = record.maintenance
    postmortem = record.postmortem
    return (
        all(update.at <= now for update in record.updates)
        and all(correction.at <= now for correction in record.corrections)
        and all(note.at <= now for note in record.notes)
        and (record.resolved is None or record.resolved <= now)
        and (
            postmortem is None or (postmortem.published is not None and postmortem.published <= now)
        )
        and (
            window is None
            or (
                all(
                    moment is None or moment <= now for moment in (window.started, window.completed)
                )
                and (window.state is not MaintenanceState.COMPLETED or window.completed is not None)
            )
        )
    )


def _window_known_at(
    window: MaintenanceWindow, updates: tuple[Update, ...], now: datetime
) -> MaintenanceWindow:
    started = window.started if window.started and window.started <= now else None
    completed = window.completed if window.completed and window.completed <= now else None
    state = window.state
    if state is MaintenanceState.COMPLETED and completed is None:
        state = None
    if state is MaintenanceState.CANCELLED:
        announcements = [u.at for u in updates if u.status is UpdateStatus.CANCELLED]
        if announcements and min(announcements) > now:
            state = None
    return window._replace(started=started, completed=completed, state=state)


# --- the standing at now -------------------------------------------------------------------


def standing(
    record: Incident, now: datetime, audience: Audience = Audience.PUBLIC
) -> RecordState | None:
    """Where ``record`` stands at ``now`` for ``audience``; ``None`` while nothing of it is
    published (or the audience may read none of it)."""
    known = known_at(record, now, audience)
    if known is None:
        return None
    if known.maintenance is not None:
        return _window_standing(known, known.maintenance, now)
    return _incident_standing(known, now)


def _incident_standing(record: Incident, now: datetime) -> RecordState:
    posts = tuple(_incident_posts(record))
    if record.resolved is not None:
        published = _published_postmortem(record, now)
        status = RecordStatus.POSTMORTEM if published else RecordStatus.RESOLVED
    else:
        status = _open_lifecycle(record)
    current = _after(posts, record)
    held = incident_statuses_at(record, now)
    return _state(record, status, posts, record.started, record.resolved, held, current, now)


def _published_postmortem(record: Incident, now: datetime) -> bool:
    """A postmortem readers have been given (the internal audience also sees drafts)."""
    postmortem = record.postmortem
    return (
        postmortem is not None and postmortem.published is not None and postmortem.published <= now
    )


def _open_lifecycle(record: Incident) -> RecordStatus:
    """The latest open status announced; an open incident never reads as resolved."""
    for update in reversed(record.updates):
        announced = _ANNOUNCED.get(update.status)
        if announced is not None and announced.is_open:
            return announced
    return RecordStatus.INVESTIGATING


def _incident_posts(record: Incident) -> Iterator[Post]:
    """Each update with its changes: the first carries the initial statuses, the resolving
    one returns every still-impaired component to operational."""
    held: dict[str, ComponentStatus] = {}
    lifecycle = open_so_far = RecordStatus.INVESTIGATING
    for index, update in enumerate(record.updates):
        sets = list(record.components.items()) if index == 0 else []
        changes: Changes = _apply(held, [*sets, *update.components.items()])
        announced = _ANNOUNCED.get(update.status)
        if announced is not None and announced.is_open:
            lifecycle = open_so_far = announced
        elif announced is RecordStatus.RESOLVED:
            # A resolution stamped after ``now`` has not happened yet.
            lifecycle = RecordStatus.RESOLVED if record.resolved is not None else open_so_far
            if record.resolved is not None:
                changes = _merge(changes, _apply(held, _recovery(held)))
        yield _post(update, index, lifecycle, changes)


def _window_standing(record: Incident, window: MaintenanceWindow, now: datetime) -> RecordState:
    state = window.state_at(now)
    status = _WINDOW_STATUS[state]
    if status is RecordStatus.IN_PROGRESS and _last_announced(record) is RecordStatus.VERIFYING:
        status = RecordStatus.VERIFYING
    start = window.started or window.scheduled_start
    running = state in (MaintenanceState.IN_PROGRESS, MaintenanceState.COMPLETED)
    # A window set in progress by hand before its start has no start to show yet.
    began = start if running and start <= now else None
    ended: datetime | None = None
    if state is MaintenanceState.COMPLETED:
        ended = max(window.completed or window.scheduled_end, start)
    elif state is MaintenanceState.CANCELLED:
        ended = next(
            (u.at for u in record.updates if u.status is UpdateStatus.CANCELLED),
            record.updates[-1].at if record.updates else None,
        )
    posts = tuple(_window_posts(record, state, began, ended))
    current = _after(posts, record)
    held = incident_statuses_at(record, now)
    return _state(record, status, posts, began, ended, held, current, now)


def _last_announced(record: Incident) -> RecordStatus | None:
    for update in reversed(record.updates):
        if update.status in _ANNOUNCED:
            return _ANNOUNCED[update.status]
    return None


def _window_posts(
    record: Incident,
    state: MaintenanceState,
    began: datetime | None,
    ended: datetime | None,
) -> Iterator[Post]:
    """A window holds its components only while it runs: statuses written before the start
    wait for it, the start (written, or the clock's) sets them, the end returns them, and
    statuses written after the end change nothing."""
    announced = {update.status for update in record.updates}
    clock: list[Post] = []
    if began is not None and UpdateStatus.IN_PROGRESS not in announced:
        clock.append(_clock_post("started", began, RecordStatus.IN_PROGRESS))
    if state is MaintenanceState.COMPLETED and ended and UpdateStatus.COMPLETED not in announced:
        clock.append(_clock_post("completed", ended, RecordStatus.COMPLETED))
    pending = dict(record.components)
    held: dict[str, ComponentStatus] = {}
    phase = "before"
    lifecycle = RecordStatus.SCHEDULED
    for item in _by_time(record.updates, clock):
        written = None if isinstance(item, Post) else item
        status = item.status if isinstance(item, Post) else item[1].status
        sets = list(written[1].components.items()) if written else []
        changes: Changes = {}
        if phase == "running":
            changes = _apply(held, sets)
        elif phase == "before":
            pending.update(sets)
        if status is UpdateStatus.IN_PROGRESS and phase == "before":
            phase = "running"
            changes = _apply(held, list(pending.items()))
        elif status is UpdateStatus.COMPLETED and phase == "running":
            phase = "after"
            changes = _merge(changes, _apply(held, _recovery(held)))
        if written is None:
            assert isinstance(item, Post)
            lifecycle = item.lifecycle
            yield item._replace(changes=changes)
        else:
            lifecycle = _ANNOUNCED.get(status, lifecycle)
            yield _post(written[1], written[0], lifecycle, changes)


def _by_time(updates: tuple[Update, ...], clock: list[Post]) -> Iterator[tuple[int, Update] | Post]:
    """Written updates (numbered) in their order, each clock post after those up to its time."""
    pending = list(clock)
    for index, update in enumerate(updates):
        while pending and pending[0].at < update.at:
            yield pending.pop(0)
        yield index, update
    yield from pending


def _clock_post(key: str, at: datetime, lifecycle: RecordStatus) -> Post:
    status = UpdateStatus.IN_PROGRESS if key == "started" else UpdateStatus.COMPLETED
    return Post(key, at, status, lifecycle, "", None, {})


def _post(update: Update, index: int, lifecycle: RecordStatus, changes: Changes) -> Post:
    return Post(
        f"u{index + 1}",
        update.at,
        update.status,
        lifecycle,
        update.message,
        update.author,
        changes,
        index + 1,
        update.visibility,
    )


# --- component statuses within a record ----------------------------------------------------


def _apply(
    held: dict[str, ComponentStatus], sets: list[tuple[str, ComponentStatus]]
) -> dict[str, tuple[ComponentStatus, ComponentStatus]]:
    """Set statuses in ``held``; the changes made, first old status and last new one."""
    changes: dict[str, tuple[ComponentStatus, ComponentStatus]] = {}
    for component, status in sets:
        old = held.get(component, _OPERATIONAL)
        changes[component] = (changes.get(component, (old, status))[0], status)
        held[component] = status
    return {c: (old, new) for c, (old, new) in changes.items() if old is not new}


def _recovery(held: Mapping[str, ComponentStatus]) -> list[tuple[str, ComponentStatus]]:
    return [(component, _OPERATIONAL) for component, s in held.items() if s is not _OPERATIONAL]


def _merge(first: Changes, second: Changes) -> Changes:
    merged = dict(first)
    for component, (old, new) in second.items():
        merged[component] = (merged.get(component, (old, new))[0], new)
    return {c: (old, new) for c, (old, new) in merged.items() if old is not new}


def _after(posts: tuple[Post, ...], record: Incident) -> dict[str, ComponentStatus]:
    """Each affected component's status in the record once every post is out."""
    current = dict.fromkeys(record.affected_components, _OPERATIONAL)
    for post in posts:
        current.update({component: new for component, (_old, new) in post.changes.items()})
    return current


def _state(
    record: Incident,
    status: RecordStatus,
    posts: tuple[Post, ...],
    started: datetime | None,
    ended: datetime | None,
    held: Mapping[str, ComponentStatus],
    current: Mapping[str, ComponentStatus],
    now: datetime,
) -> RecordState:
    duration = None
    if started is not None:
        duration = max((ended or now) - started, timedelta(0))
    first = posts[0].at if posts else record.started
    moments = [post.at for post in posts]
    moments += [correction.at for correction in record.corrections]
    if record.resolved is not None:
        moments.append(record.resolved)
    if _published_postmortem(record, now):
        assert record.postmortem is not None and record.postmortem.published is not None
        moments.append(record.postmortem.published)
    if record.maintenance is None:
        moments.append(record.started)
    return RecordState(
        record=record,
        status=status,
        posts=posts,
        started=started,
        ended=ended,
        duration=duration,
        held=held,
        current=current,
        first_posted=first,
        last_changed=max(moments, default=first).astimezone(UTC),
    )


# --- problem records -------------------------------------------------------------------------


class ProblemState(NamedTuple):
    """A problem record as the audience knows it at ``now``, with the incidents it caused."""

    #: Only the facts true at ``now`` and readable by the audience (see :func:`problem_known_at`).
    record: ProblemRecord
    status: ProblemStatus
    #: The linked incidents in the snapshot, by start: the problem's ``incidents:`` and
    #: every incident naming it with ``problem:``.
    incidents: tuple[RecordState, ...]

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def is_open(self) -> bool:
        return self.status is not ProblemStatus.RESOLVED


def problem_known_at(
    problem: ProblemRecord, now: datetime, audience: Audience = Audience.PUBLIC
) -> ProblemRecord | None:
    """``problem`` with what is true at ``now`` and readable by ``audience``.

    Not opened yet, or internal for the public: ``None``. Identification and resolution
    count once their times have passed. The public reads the title, status, times,
    summary, workaround, links and public notes; the root cause, owner, action items,
    internal notes and body are left out here, so no page can show them.
    """
    if not audience.sees(problem.visibility) or problem.opened > now:
        return None
    notes = tuple(n for n in problem.notes if n.at <= now and audience.sees(n.visibility))
    known = problem._replace(
        identified=problem.identified if problem.identified and problem.identified <= now else None,
        resolved=problem.resolved if problem.resolved and problem.resolved <= now else None,
        notes=notes,
    )
    if audience is Audience.PUBLIC:
        known = known._replace(root_cause=None, owner=None, action_items=(), body="")
    return known._replace(status=known.status_at())
