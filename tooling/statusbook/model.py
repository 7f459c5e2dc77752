"""The domain model: what an incident record and the component catalog mean.

Immutable named tuples and string enums. Nothing here reads files, the clock or MkDocs;
every derived fact that depends on time takes ``now`` as a parameter.

Named tuples rather than frozen dataclasses because every command imports this module
before it answers: on Python 3.11 a frozen dataclass compiles six methods when its class
is created (about 1 ms each class), a named tuple one small function, and importing
the eighteen classes here took some 30 ms of the 165 ms ``statusbook list`` took to
answer (``python -m statusbook.benchmarks.startup``). They are as immutable, compare and hash by value the
same way, and change by ``record._replace(field=...)``. Their annotations are evaluated
(no ``from __future__ import annotations`` here): a named tuple turns each annotation
written as text into a compiled forward reference, a millisecond of start-up in all.
"""

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from statusbook.timeutil import zone


class Kind(StrEnum):
    """What sort of event a record describes."""

    OUTAGE = "outage"
    DEGRADATION = "degradation"
    NETWORK = "network"
    BUG = "bug"
    SECURITY = "security"
    DATA_LOSS = "data-loss"
    THIRD_PARTY = "third-party"
    MAINTENANCE = "maintenance"


class Impact(StrEnum):
    """Overall impact, in Statuspage's vocabulary."""

    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _IMPACT_RANK[self]


_IMPACT_RANK = {Impact.NONE: 0, Impact.MINOR: 1, Impact.MAJOR: 2, Impact.CRITICAL: 3}


class ComponentStatus(StrEnum):
    """A component's status, in Statuspage's vocabulary."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def severity(self) -> int:
        """Worse is higher. Planned maintenance ranks below any unplanned trouble."""
        return _STATUS_SEVERITY[self]


_STATUS_SEVERITY = {status: rank for rank, status in enumerate(ComponentStatus)}

#: Statuses an incident or maintenance can put a component in (``operational`` is the way back).
IMPAIRED_STATUSES = tuple(status for status in ComponentStatus if status.severity > 0)


def worst_status(statuses: Iterable[ComponentStatus]) -> ComponentStatus:
    """The most severe of ``statuses``; operational when there are none."""
    return max(statuses, key=_STATUS_SEVERITY.__getitem__, default=ComponentStatus.OPERATIONAL)


class UpdateStatus(StrEnum):
    """The lifecycle status an update announces.

    Incidents move investigating → identified → monitoring → resolved; maintenance moves
    scheduled → in_progress → verifying → completed (or cancelled). ``update`` is a plain
    progress note that leaves the lifecycle where it was.
    """

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    UPDATE = "update"


INCIDENT_UPDATE_STATUSES = (
    UpdateStatus.INVESTIGATING,
    UpdateStatus.IDENTIFIED,
    UpdateStatus.MONITORING,
    UpdateStatus.RESOLVED,
    UpdateStatus.UPDATE,
)
MAINTENANCE_UPDATE_STATUSES = (
    UpdateStatus.SCHEDULED,
    UpdateStatus.IN_PROGRESS,
    UpdateStatus.VERIFYING,
    UpdateStatus.COMPLETED,
    UpdateStatus.CANCELLED,
    UpdateStatus.UPDATE,
)


class MaintenanceState(StrEnum):
    """Where a maintenance window stands at a given instant."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class RecordStatus(StrEnum):
    """Where a record stands at an instant, in Statuspage's incident and maintenance words.

    Derived, never written: :mod:`statusbook.derive.lifecycle` decides it once, and every
    page, feed, API document, badge, message and CLI listing reads it from there.
    """

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Unresolved incidents, and maintenance still to come or running."""
        return self in _OPEN_RECORD_STATUSES


_OPEN_RECORD_STATUSES = frozenset(
    {
        RecordStatus.INVESTIGATING,
        RecordStatus.IDENTIFIED,
        RecordStatus.MONITORING,
        RecordStatus.SCHEDULED,
        RecordStatus.IN_PROGRESS,
        RecordStatus.VERIFYING,
    }
)


class ActionStatus(StrEnum):
    """Progress of a postmortem action item."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Still to be done: open or in progress."""
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Visibility(StrEnum):
    """Who may read a record, an update, a note or a problem record (default public)."""

    PUBLIC = "public"
    INTERNAL = "internal"


class Audience(StrEnum):
    """Who a site, a listing or a report is for.

    The public audience reads only what is public; the internal one reads everything. The
    snapshot is derived for one audience (:func:`statusbook.derive.snapshot.derive`), so
    what an audience may not read is never in what the renderers are given.
    """

    PUBLIC = "public"
    INTERNAL = "internal"

    def sees(self, visibility: Visibility) -> bool:
        return self is Audience.INTERNAL or visibility is Visibility.PUBLIC


# --- the catalog ---------------------------------------------------------------------------


class Group(NamedTuple):
    id: str
    name: str
    description: str | None = None


class Component(NamedTuple):
    id: str
    name: str
    monitored_since: datetime
    description: str | None = None
    group: str | None = None
    #: Promised availability in percent (``99.9``); ``None`` when no SLA applies.
    sla_target: float | None = None


class SlaPolicy(NamedTuple):
    """How downtime is counted. Defaults follow Statuspage's uptime weighting."""

    weights: Mapping[ComponentStatus, float] = MappingProxyType(
        {
            ComponentStatus.MAJOR_OUTAGE: 1.0,
            ComponentStatus.PARTIAL_OUTAGE: 0.3,
            ComponentStatus.DEGRADED_PERFORMANCE: 0.0,
            ComponentStatus.UNDER_MAINTENANCE: 0.0,
            ComponentStatus.OPERATIONAL: 0.0,
        }
    )
    #: Planned maintenance leaves the SLA denominator, as cloud SLAs do.
    exclude_maintenance: bool = True


class Demo(NamedTuple):
    """The catalog describes a demonstration: example records fixed in time.

    Example records happened at fixed instants, so a demo built at the clock would drift
    further from what it means to show every day; ``statusbook build`` and ``serve`` build
    it at ``as_of`` unless told otherwise, and the page says it is a demonstration.
    """

    as_of: datetime


class Site(NamedTuple):
    name: str
    url: str | None = None
    language: str = "en"
    time_zone: str = "UTC"
    #: Link prefix for "edit this record", e.g. ``https://github.com/org/status/edit/main/``.
    edit_url: str | None = None
    #: Whether the public site shows "edit this record" links. They are for operators, so
    #: the default is no; the internal site has them either way.
    edit_links: bool = False
    #: Set when the catalog is the examples' (``demo:``); ``statusbook init --remove-examples``
    #: removes it with them.
    demo: Demo | None = None
    #: Where the internal site lives (``statusbook build --audience internal``); its feeds,
    #: API links and sitemap use it, and they are left out when it is not set.
    internal_url: str | None = None
    #: The subscription service (the catalog's top-level ``subscriptions:``). It rides on the
    #: site settings because the page's Subscribe form needs its address and the templates
    #: read the site settings; :attr:`Catalog.subscriptions` is the same value.
    subscriptions: "Subscriptions | None" = None


class Subscriptions(NamedTuple):
    """Where readers subscribe themselves (``statusbook subscriptions serve``).

    Only public facts: the secret that ``notify`` and the service share stays in the
    environment variable named here.
    """

    #: The service's public address, ending in ``/``; the page's form posts to ``subscribe``.
    url: str
    #: The environment variable holding the secret ``notify`` signs its events with.
    secret_env: str = "STATUSBOOK_SUBSCRIPTIONS_SECRET"


class WebhookType(StrEnum):
    """Which chat tool (or generic receiver) a webhook posts to; it decides the body's shape."""

    SLACK = "slack"
    TEAMS = "teams"
    DISCORD = "discord"
    JSON = "json"


class Webhook(NamedTuple):
    """One push subscription. The URL is a secret, so only its variable's name is kept."""

    name: str
    type: WebhookType
    #: The environment variable that holds the webhook URL (never the URL itself).
    url_env: str
    #: Component ids it follows (groups already expanded); empty means every component.
    components: tuple[str, ...] = ()
    #: Incidents below this impact are not sent; ``None`` sends every incident.
    min_impact: Impact | None = None
    #: Whether scheduled maintenance is sent.
    maintenance: bool = True


class Notifications(NamedTuple):
    webhooks: tuple[Webhook, ...] = ()


class Reminders(NamedTuple):
    """When ``statusbook validate`` nudges the people running an incident (``reminders:``)."""

    #: An open incident whose latest update is older than this has left customers without
    #: news (SB310). Statuspage's guidance is an update at least every hour or two.
    stale_after: timedelta = timedelta(hours=2)


class Catalog(NamedTuple):
    """The single source of truth for components, groups, SLA policy and site settings."""

    site: Site
    components: tuple[Component, ...]
    groups: tuple[Group, ...] = ()
    sla: SlaPolicy = SlaPolicy()
    #: Where the records live, resolved against the catalog file's folder.
    records_dir: Path = Path("incidents")
    #: The catalog file itself, for messages.
    path: Path | None = None
    #: Where changes are pushed (``statusbook notify``).
    notifications: Notifications = Notifications()
    #: Reminders for the people running incidents (``reminders:``).
    reminders: Reminders = Reminders()
    #: Where the problem records live (``problems:``), resolved against the catalog's folder;
    #: a folder that does not exist means no problem records.
    problems_dir: Path = Path("problems")

    @property
    def subscriptions(self) -> Subscriptions | None:
        """The subscription service, if the catalog has one (see :attr:`Site.subscriptions`)."""
        return self.site.subscriptions

    def for_audience(self, audience: Audience) -> "Catalog":
        """The catalog as the site for ``audience`` is built from it: the internal site lives
        at its own address, so nothing it publishes points readers at the public one."""
        if audience is Audience.PUBLIC:
            return self
        return self._replace(site=self.site._replace(url=self.site.internal_url))

    def today(self, now: datetime) -> date:
        """The calendar day at ``now`` in the site's zone: what due dates are compared with."""
        return now.astimezone(zone(self.site.time_zone)).date()

    def component(self, component_id: str) -> Component | None:
        for component in self.components:
            if component.id == component_id:
                return component
        return None

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(component.id for component in self.components)


# --- the record ----------------------------------------------------------------------------


class Update(NamedTuple):
    """One post on an incident's timeline."""

    at: datetime
    status: UpdateStatus
    message: str
    author: str | None = None
    #: Component statuses this update sets, in the order written.
    components: Mapping[str, ComponentStatus] = MappingProxyType({})
    #: An internal update is shown on the internal site only (it never changes statuses).
    visibility: Visibility = Visibility.PUBLIC


class ActionItem(NamedTuple):
    title: str
    owner: str
    status: ActionStatus = ActionStatus.OPEN
    due: date | None = None
    link: str | None = None

    def overdue_on(self, today: date) -> bool:
        """Still open after its due date: the one rule ``validate``, ``actions`` and the
        internal site's actions page share."""
        return self.status.is_open and self.due is not None and self.due < today


class Postmortem(NamedTuple):
    """How the incident happened and what stops it happening again."""

    summary: str
    root_cause: str
    action_items: tuple[ActionItem, ...] = ()
    published: datetime | None = None


class Correction(NamedTuple):
    """A published fact that was changed after the fact, said openly.

    Updates are a public record: rewriting one (a typo, a wrong time) is allowed only
    together with a correction that says what changed and when.
    """

    at: datetime
    note: str


class Note(NamedTuple):
    """A remark on a record that is not a status update: context for readers, or (marked
    internal) for the team only — what was tried, who was called, what to check next."""

    at: datetime
    text: str
    author: str | None = None
    visibility: Visibility = Visibility.PUBLIC


class MaintenanceWindow(NamedTuple):
    """Planned times, the actual ones once known, and an optional manual state."""

    scheduled_start: datetime
    scheduled_end: datetime
    started: datetime | None = None
    completed: datetime | None = None
    #: A state set by hand (``cancelled``, or ``in_progress`` for an overrun); wins over time.
    state: MaintenanceState | None = None

    def state_at(self, now: datetime) -> MaintenanceState:
        if self.state is not None:
            return self.state
        start = self.started or self.scheduled_start
        end = self.completed or self.scheduled_end
        if now < start:
            return MaintenanceState.SCHEDULED
        if now < end:
            return MaintenanceState.IN_PROGRESS
        return MaintenanceState.COMPLETED

    def interval_at(self, now: datetime) -> tuple[datetime, datetime] | None:
        """When the window actually held components, as known at ``now`` (clipped to it)."""
        state = self.state_at(now)
        if state in (MaintenanceState.CANCELLED, MaintenanceState.SCHEDULED):
            return None
        start = self.started or self.scheduled_start
        planned_end = self.completed or self.scheduled_end
        end = now if state is MaintenanceState.IN_PROGRESS else min(planned_end, now)
        return (start, end) if start < end else None


class Incident(NamedTuple):
    """One record: an incident, or (``kind: maintenance``) a scheduled maintenance."""

    id: str
    title: str
    kind: Kind
    impact: Impact
    #: When impact began; each affected component starts in the status given here.
    started: datetime
    components: Mapping[str, ComponentStatus]
    updates: tuple[Update, ...]
    resolved: datetime | None = None
    manager: str | None = None
    postmortem: Postmortem | None = None
    maintenance: MaintenanceWindow | None = None
    corrections: tuple[Correction, ...] = ()
    #: The Markdown narrative after the front matter.
    body: str = ""
    path: Path | None = None
    #: ``internal``: the whole record is for the internal site only.
    visibility: Visibility = Visibility.PUBLIC
    #: The id of the problem record this incident is a symptom of (``PRB-0001``).
    problem: str | None = None
    notes: tuple[Note, ...] = ()

    @property
    def is_maintenance(self) -> bool:
        return self.maintenance is not None

    @property
    def affected_components(self) -> tuple[str, ...]:
        """Every component the record touches, in first-mentioned order."""
        seen = dict.fromkeys(self.components)
        for update in self.updates:
            seen.update(dict.fromkeys(update.components))
        return tuple(seen)

    @property
    def lifecycle_status(self) -> UpdateStatus | None:
        """The status the latest non-plain update announced."""
        for update in reversed(self.updates):
            if update.status is not UpdateStatus.UPDATE:
                return update.status
        return None

    @property
    def is_resolved(self) -> bool:
        return self.resolved is not None

    def status_changes(self) -> Iterator[tuple[datetime, str, ComponentStatus]]:
        """Component status changes in time order: the initial statuses, then each update's.

        The return to operational at the end (``resolved``, or the end of a maintenance
        window) is not included: when that happens can depend on ``now``.
        """
        for component, status in self.components.items():
            yield self.started, component, status
        for update in self.updates:
            for component, status in update.components.items():
                yield update.at, component, status


# --- problem records -------------------------------------------------------------------------


class ProblemStatus(StrEnum):
    """Where a problem record stands: ITIL's problem lifecycle, shortened.

    A *known error* has a documented root cause and a workaround customers can use until
    the fix ships.
    """

    INVESTIGATING = "investigating"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"


class ProblemRecord(NamedTuple):
    """The root cause behind one or more incidents (``problems/PRB-0001-slug.md``).

    Public fields — title, status, the times, summary, workaround, the linked incidents —
    may appear on the public site's Known issues page; root cause, owner, action items,
    notes marked internal and the Markdown body are for the internal site only.
    """

    id: str
    title: str
    status: ProblemStatus
    opened: datetime
    identified: datetime | None = None
    resolved: datetime | None = None
    #: What customers notice, in a sentence or two (Markdown; public).
    summary: str | None = None
    #: What customers can do meanwhile (Markdown; public).
    workaround: str | None = None
    root_cause: str | None = None
    owner: str | None = None
    #: Incident ids this problem lists (incidents may also name it with ``problem:``).
    incidents: tuple[str, ...] = ()
    #: Components it affects, besides those of its incidents (for new problems).
    components: tuple[str, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    notes: tuple[Note, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    body: str = ""
    path: Path | None = None

    def status_at(self) -> ProblemStatus:
        """The status its times say (the validator holds ``status`` to them)."""
        if self.resolved is not None:
            return ProblemStatus.RESOLVED
        if self.identified is not None:
            return ProblemStatus.KNOWN_ERROR
        return ProblemStatus.INVESTIGATING
