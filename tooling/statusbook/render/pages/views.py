"""What each page shows, as plain data for templates.

Nothing here knows MkDocs; the plugin hands these objects to Jinja templates, and any
other renderer could. Texts are already translated; HTML is only ever
:class:`statusbook.render.text.SafeHTML` (sanitised), everything else is escaped by the
templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from statusbook.derive.lifecycle import RecordState


@dataclass(frozen=True)
class Moment:
    """An instant for a ``<time>`` element: machine value, and text in the site's zone."""

    iso: str
    text: str


@dataclass(frozen=True)
class Label:
    """A status-like value with its translated text and icon (colour is never alone)."""

    value: str
    text: str
    icon: str = ""


@dataclass(frozen=True)
class Fact:
    """One line of a record's facts: a label and either instants or a text."""

    label: str
    moments: tuple[Moment, ...] = ()
    text: str | None = None


@dataclass(frozen=True)
class Bar:
    """A stretch of the daily bars: one day with something to tell, or a run of quiet days
    (every day clean, or every day before monitoring began) drawn as that many bars.

    Each is an entry in the component page's list of days (``anchor``). The strip of bars
    is a picture, not a row of links (a bar is far narrower than a finger): a day with
    something to tell carries its words (``details``) for statusbook.js to show in place,
    and without script the row links to the list, which has every day."""

    #: The first day (ISO date, in the site's zone); the anchor is ``day-<day>``.
    day: str
    #: How many days it covers (more than one only for quiet runs).
    days: int
    #: ``operational``, ``degraded``, ``partial``, ``major``, ``maintenance`` or ``none``
    #: (not monitored yet): the worst status of the day, as the legend says.
    level: str
    #: The date or dates, the status and the figures: "2 Sep 2026: Partial outage, 59 min downtime".
    text: str
    #: ``(title, url)`` of each record that impaired the component that day.
    incidents: tuple[tuple[str, str], ...] = ()
    #: Before the most recent days a phone shows.
    early: bool = False

    @property
    def anchor(self) -> str:
        return f"day-{self.day}"

    @property
    def quiet(self) -> bool:
        """Nothing to tell but the date: a clean day, or one before monitoring began."""
        return not self.incidents and self.level in ("operational", "none")

    @property
    def details(self) -> str:
        """The day in words with the records of the day: what a tap on its bar shows."""
        titles = "; ".join(title for title, _ in self.incidents)
        return f"{self.text} — {titles}" if titles else self.text


@dataclass(frozen=True)
class LegendEntry:
    level: str
    text: str


@dataclass(frozen=True)
class BarsFigure:
    """The legend under the bars for one screen width: the first day shown and the uptime
    of exactly the days shown."""

    days: int
    since: str
    text: str


@dataclass(frozen=True)
class ComponentRow:
    id: str
    name: str
    description: str | None
    status: Label
    url: str
    #: Oldest first; together they cover every day of the series.
    bars: tuple[Bar, ...]
    #: Wide screens first (every bar), then narrow ones (the most recent bars).
    figures: tuple[BarsFigure, ...]
    #: How many days had an incident or maintenance touching the component.
    trouble_days: int


@dataclass(frozen=True)
class GroupRows:
    name: str | None
    components: tuple[ComponentRow, ...]


@dataclass(frozen=True)
class StatusChange:
    component: str
    #: ``None`` where the component's status is not the point (a window still to come).
    status: Label | None


@dataclass(frozen=True)
class UpdateView:
    #: The post's key (``u3``, ``started``): its anchor on the record's page.
    key: str
    at: Moment
    status: Label
    html: str
    author: str | None
    changes: tuple[StatusChange, ...]
    #: Shown on the internal site only, and marked so there.
    internal: bool = False


@dataclass(frozen=True)
class NoteView:
    """A note on a record or a problem: when, by whom, the sanitised text."""

    at: Moment
    html: str
    author: str | None
    internal: bool = False


@dataclass(frozen=True)
class ProblemLink:
    """The problem record an incident is a symptom of, as its page links to it."""

    id: str
    title: str
    url: str
    status: Label


@dataclass(frozen=True)
class ActionItemView:
    title: str
    owner: str
    status: Label
    due: str | None
    link: str | None


@dataclass(frozen=True)
class PostmortemView:
    summary_html: str
    root_cause_html: str
    published: Moment | None
    action_items: tuple[ActionItemView, ...]
    #: Not published yet: only the internal site shows it.
    draft: bool = False


@dataclass(frozen=True)
class IncidentSummary:
    """A record as listed on the home, history and component pages."""

    id: str
    url: str
    title: str
    kind: Label
    impact: Label
    state: Label
    #: When it happened: the start, or a window's start and end.
    when: tuple[Moment, ...]
    #: How long it lasted, once it is over.
    duration: str | None
    components: tuple[str, ...]
    latest: UpdateView | None
    is_maintenance: bool
    #: The start used for ordering lists (ISO 8601).
    sort_key: str


@dataclass(frozen=True)
class IncidentPage:
    summary: IncidentSummary
    #: Only facts true at the build's instant, worded for the record's kind.
    facts: tuple[Fact, ...]
    #: Each affected component with its current status in this record.
    affected: tuple[StatusChange, ...]
    timeline: tuple[UpdateView, ...]
    postmortem: PostmortemView | None
    edit_url: str | None
    corrections: tuple[tuple[Moment, str], ...] = ()
    problem: ProblemLink | None = None
    notes: tuple[NoteView, ...] = ()


@dataclass(frozen=True)
class HomePage:
    overall: Label
    groups: tuple[GroupRows, ...]
    active: tuple[IncidentSummary, ...]
    maintenance_now: tuple[IncidentSummary, ...]
    maintenance_next: tuple[IncidentSummary, ...]
    recent: tuple[IncidentSummary, ...]
    last_updated: Moment
    legend: tuple[LegendEntry, ...] = ()
    statuses: tuple[Label, ...] = ()
    banners: tuple[Label, ...] = ()


@dataclass(frozen=True)
class MonthGroup:
    key: str
    title: str
    incidents: tuple[IncidentSummary, ...]


@dataclass(frozen=True)
class HistoryPage:
    key: str
    title: str
    url: str
    months: tuple[MonthGroup, ...]
    newer: tuple[str, str] | None = None
    older: tuple[str, str] | None = None


@dataclass(frozen=True)
class SlaCell:
    """One month of one component: its uptime judged against the SLA."""

    #: ``2026-11``: the anchor of its row in the month-by-month table.
    key: str
    #: "November 2026", and "Nov" with the year apart, for the compact strip.
    period: str
    short: str
    year: str
    uptime: str
    verdict: Label
    #: What is left of the month's error budget: "12 min of 21 min", "none, 1 h 3 min over".
    budget_left: str
    downtime: str
    in_progress: bool


@dataclass(frozen=True)
class UptimeRow:
    component: ComponentRow
    target: str | None
    windows: tuple[tuple[str, str], ...]
    months: tuple[SlaCell, ...]


@dataclass(frozen=True)
class UptimePage:
    intro: str
    rows: tuple[UptimeRow, ...]


@dataclass(frozen=True)
class ComponentPage:
    row: ComponentRow
    uptime: UptimeRow
    sla: str | None
    monitored_since: str
    incidents: tuple[IncidentSummary, ...]
    more: bool
    legend: tuple[LegendEntry, ...] = ()


# --- problem records and the internal site's pages ---------------------------------------------


@dataclass(frozen=True)
class ProblemSummary:
    """A problem record as the Known issues page lists it (public fields, unless internal)."""

    id: str
    url: str
    title: str
    status: Label
    summary_html: str | None
    workaround_html: str | None
    opened: Moment
    identified: Moment | None
    resolved: Moment | None
    incidents: tuple[IncidentSummary, ...]
    components: tuple[str, ...]
    #: Internal site only.
    owner: str | None = None
    internal: bool = False


@dataclass(frozen=True)
class KnownIssuesPage:
    intro: str
    known_errors: tuple[ProblemSummary, ...]
    investigating: tuple[ProblemSummary, ...]
    resolved: tuple[ProblemSummary, ...]


@dataclass(frozen=True)
class ProblemPage:
    summary: ProblemSummary
    notes: tuple[NoteView, ...]
    #: Internal site only: the root cause, action items, recurrence figures, body, edit link.
    root_cause_html: str | None = None
    action_items: tuple[ActionItemView, ...] = ()
    recurrence: tuple[Fact, ...] = ()
    edit_url: str | None = None


@dataclass(frozen=True)
class ActionRowView:
    record_title: str
    record_url: str
    item: ActionItemView
    #: "3 d overdue", or ``None``.
    overdue: str | None


@dataclass(frozen=True)
class ActionsPage:
    intro: str
    summary: str
    rows: tuple[ActionRowView, ...]


@dataclass(frozen=True)
class MetricsRow:
    label: str
    count: int
    resolved: int
    mtta: str
    mttr: str
    mtbf: str
    longest: str


@dataclass(frozen=True)
class QuarterRow:
    label: str
    count: int
    #: ``(label, count)`` for every impact and every unplanned kind, zeros included.
    by_impact: tuple[tuple[str, int], ...]
    by_kind: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class MetricsPage:
    intro: str
    windows: tuple[MetricsRow, ...]
    quarters: tuple[QuarterRow, ...]
    components: tuple[MetricsRow, ...]


@dataclass
class SiteViews:
    """Every page's data, computed once per build."""

    home: HomePage
    incidents: dict[str, IncidentPage]
    history: list[HistoryPage]
    uptime: UptimePage
    components: dict[str, ComponentPage]
    records: dict[str, RecordState] = field(default_factory=dict)
    #: ``None`` when the audience knows no problem record (the page and its link are left out).
    known_issues: KnownIssuesPage | None = None
    problems: dict[str, ProblemPage] = field(default_factory=dict)
    #: The internal site's own pages; ``None`` on the public site.
    actions: ActionsPage | None = None
    metrics: MetricsPage | None = None
    #: ``internal`` on the internal site, for its banner and marks.
    audience: str = "public"
    #: Problem id → its body (Markdown), for the internal site's problem pages.
    problem_bodies: dict[str, str] = field(default_factory=dict)
