"""Problem records' page data: the Known issues page, a page per problem, and (internal
site) the list of every action item.

Everything comes from the snapshot, which is derived for one audience: on the public site
a problem record holds only its public fields (title, status, times, summary, workaround,
links, public notes) because :func:`statusbook.derive.lifecycle.problem_known_at` left the
rest out; these views show whatever the record holds, and mark internal things as such.
"""

from __future__ import annotations

from collections.abc import Mapping

from statusbook.derive.actions import ActionRow, Source, action_rows
from statusbook.derive.lifecycle import ProblemState
from statusbook.derive.recurrence import Recurrence, recurrence_report
from statusbook.derive.snapshot import Snapshot
from statusbook.model import Audience, ProblemStatus, Visibility
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.records import RecordViews
from statusbook.render.pages.views import (
    ActionRowView,
    ActionsPage,
    Fact,
    IncidentSummary,
    KnownIssuesPage,
    Label,
    ProblemLink,
    ProblemPage,
    ProblemSummary,
)
from statusbook.render.text import render_markdown
from statusbook.render.urls import incident_url, problem_url

PROBLEM_ICONS = {
    ProblemStatus.INVESTIGATING: "●",
    ProblemStatus.KNOWN_ERROR: "▲",
    ProblemStatus.RESOLVED: "✓",
}


def problem_status(labels: Labels, status: ProblemStatus) -> Label:
    return Label(status.value, labels.t(f"problem.status.{status.value}"), PROBLEM_ICONS[status])


def problem_links(snapshot: Snapshot, labels: Labels) -> dict[str, ProblemLink]:
    """What an incident page needs to link to its problem, for every problem known."""
    return {
        state.id: ProblemLink(
            state.id,
            state.record.title,
            problem_url(state.id),
            problem_status(labels, state.status),
        )
        for state in snapshot.problems
    }


class ProblemViews:
    """The Known issues page and the problem pages of one snapshot."""

    def __init__(
        self,
        snapshot: Snapshot,
        labels: Labels,
        records: RecordViews,
        summaries: Mapping[str, IncidentSummary],
        *,
        edit_root: str | None = None,
        paths: Mapping[str, str] | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.labels = labels
        self.t = labels.t
        self.records = records
        self.summaries = summaries
        self.internal = snapshot.audience is Audience.INTERNAL
        self.edit_root = edit_root if self.internal else None
        self.paths = paths or {}
        self.report = recurrence_report(snapshot) if self.internal and snapshot.problems else None
        self.recurrence: dict[str, Recurrence] = (
            {item.key: item for item in self.report.problems} if self.report else {}
        )

    def summary(self, state: ProblemState) -> ProblemSummary:
        record, moment = state.record, self.labels.moment
        components = dict.fromkeys(record.components)
        for incident in state.incidents:
            components.update(dict.fromkeys(incident.record.affected_components))
        return ProblemSummary(
            id=record.id,
            url=problem_url(record.id),
            title=record.title,
            status=problem_status(self.labels, state.status),
            summary_html=render_markdown(record.summary) if record.summary else None,
            workaround_html=render_markdown(record.workaround) if record.workaround else None,
            opened=moment(record.opened),
            identified=moment(record.identified) if record.identified else None,
            resolved=moment(record.resolved) if record.resolved else None,
            incidents=tuple(self.summaries[s.id] for s in reversed(state.incidents)),
            components=tuple(self.labels.component_name(c) for c in components),
            owner=record.owner if self.internal else None,
            internal=record.visibility is Visibility.INTERNAL,
        )

    def known_issues(self) -> KnownIssuesPage | None:
        """Known errors first (what customers can act on), then those under investigation,
        then resolved ones, newest first in each; ``None`` when there are none at all."""
        if not self.snapshot.problems:
            return None
        by_status: dict[ProblemStatus, list[ProblemSummary]] = {
            status: [] for status in ProblemStatus
        }
        for state in sorted(
            self.snapshot.problems, key=lambda s: (s.record.opened, s.id), reverse=True
        ):
            by_status[state.status].append(self.summary(state))
        return KnownIssuesPage(
            self.t("known.intro"),
            tuple(by_status[ProblemStatus.KNOWN_ERROR]),
            tuple(by_status[ProblemStatus.INVESTIGATING]),
            tuple(by_status[ProblemStatus.RESOLVED]),
        )

    def pages(self) -> dict[str, ProblemPage]:
        return {state.id: self.page(state) for state in self.snapshot.problems}

    def page(self, state: ProblemState) -> ProblemPage:
        record = state.record
        path = self.paths.get(record.id)
        return ProblemPage(
            summary=self.summary(state),
            notes=self.records.notes(record.notes),
            root_cause_html=render_markdown(record.root_cause) if record.root_cause else None,
            action_items=tuple(self.records.action_item(item) for item in record.action_items),
            recurrence=self._recurrence(record.id),
            edit_url=f"{self.edit_root}{path}" if self.edit_root and path else None,
        )

    def _recurrence(self, problem_id: str) -> tuple[Fact, ...]:
        figures = self.recurrence.get(problem_id)
        if figures is None or not figures.count or self.report is None:
            return ()
        t = self.t
        facts = [Fact(t("problem.incidents"), text=str(figures.count))]
        facts.append(Fact(t("problem.downtime"), text=t.duration(figures.downtime)))
        if figures.mtbf is not None:
            facts.append(Fact(t("problem.mtbf"), text=t.duration(figures.mtbf)))
        if figures.last is not None:
            facts.append(Fact(t("problem.last"), (self.labels.moment(figures.last),)))
        quarters = " · ".join(
            f"{period.key}: {count}"
            for period, count in zip(self.report.quarters, figures.per_quarter, strict=True)
        )
        facts.append(Fact(t("problem.per_quarter"), text=quarters))
        facts.append(Fact(t("problem.trend"), text=t(f"problem.trend.{figures.trend.value}")))
        return tuple(facts)


def actions_page(snapshot: Snapshot, labels: Labels, records: RecordViews) -> ActionsPage:
    """Every action item: the overdue ones first (the latest first), then the open ones by
    due date, then the closed ones."""
    t = labels.t
    rows = action_rows(snapshot)
    rows.sort(key=_urgency)
    open_count = sum(1 for row in rows if row.item.status.is_open)
    overdue = sum(1 for row in rows if row.is_overdue)
    return ActionsPage(
        t("actions.intro"),
        t("actions.summary", open=open_count, overdue=overdue),
        tuple(
            ActionRowView(
                f"{row.source_id} — {row.source_title}"
                if row.source is Source.PROBLEM
                else row.source_title,
                problem_url(row.source_id)
                if row.source is Source.PROBLEM
                else incident_url(row.source_id),
                records.action_item(row.item),
                t("actions.overdue", days=row.overdue_days) if row.is_overdue else None,
            )
            for row in rows
        ),
    )


def _urgency(row: ActionRow) -> tuple[int, int, str, str, int]:
    due = row.item.due.isoformat() if row.item.due else "9999-12-31"
    if row.is_overdue:
        assert row.overdue_days is not None
        return (0, -row.overdue_days, due, row.source_id, row.number)
    return (1 if row.item.status.is_open else 2, 0, due, row.source_id, row.number)
