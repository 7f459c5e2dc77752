"""A record's page data: how it is listed, and its own page with facts true at ``now``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.model import ActionItem, Incident, Note, RecordStatus, Visibility
from statusbook.render.pages.labels import Labels
from statusbook.render.pages.views import (
    ActionItemView,
    Fact,
    IncidentPage,
    IncidentSummary,
    Label,
    Moment,
    NoteView,
    PostmortemView,
    ProblemLink,
    StatusChange,
    UpdateView,
)
from statusbook.render.text import render_markdown
from statusbook.render.urls import incident_url


class RecordViews:
    """Summaries and pages of records, in one language."""

    def __init__(
        self,
        labels: Labels,
        *,
        edit_root: str | None,
        paths: dict[str, str],
        problems: Mapping[str, ProblemLink] | None = None,
        now: datetime | None = None,
    ) -> None:
        self.labels = labels
        self.t = labels.t
        self.edit_root = edit_root
        self.paths = paths
        #: The problems the audience knows, by id: an incident page links to its own.
        self.problems = problems or {}
        self.now = now

    def post(self, post: Post) -> UpdateView:
        labels = self.labels
        return UpdateView(
            key=post.key,
            at=labels.moment(post.at),
            status=labels.post_status(post),
            html=render_markdown(labels.post_message(post)),
            author=post.author,
            changes=tuple(
                StatusChange(labels.component_name(component), labels.status(new))
                for component, (_old, new) in post.changes.items()
            ),
            internal=post.visibility is Visibility.INTERNAL,
        )

    def summary(self, state: RecordState) -> IncidentSummary:
        record = state.record
        latest = self.post(state.latest) if state.latest is not None else None
        duration = None
        if not state.is_maintenance and state.ended is not None and state.duration is not None:
            duration = self.t.duration(state.duration)
        return IncidentSummary(
            id=record.id,
            url=incident_url(record.id),
            title=record.title,
            kind=Label(record.kind.value, self.t(f"kind.{record.kind.value}")),
            impact=Label(record.impact.value, self.t(f"impact.{record.impact.value}")),
            state=self.labels.record_status(state),
            when=self._when(state),
            duration=duration,
            components=tuple(self.labels.component_name(c) for c in record.affected_components),
            latest=latest,
            is_maintenance=state.is_maintenance,
            sort_key=self.labels.moment(record.started).iso,
        )

    def _when(self, state: RecordState) -> tuple[Moment, ...]:
        window = state.record.maintenance
        if window is None:
            return (self.labels.moment(state.record.started),)
        start = state.started or window.scheduled_start
        end = window.scheduled_end
        if state.status is RecordStatus.COMPLETED and state.ended is not None:
            end = state.ended
        return self.labels.window(start, max(end, start))

    def page(self, state: RecordState, summary: IncidentSummary) -> IncidentPage:
        record = state.record
        path = self.paths.get(record.id)
        return IncidentPage(
            summary=summary,
            facts=tuple(self._window_facts(state) if state.is_maintenance else self._facts(state)),
            affected=self._affected(state),
            timeline=tuple(self.post(post) for post in reversed(state.posts)),
            postmortem=self._postmortem(record),
            edit_url=f"{self.edit_root}{path}" if self.edit_root and path else None,
            corrections=tuple((self.labels.moment(c.at), c.note) for c in record.corrections),
            problem=self.problems.get(record.problem or ""),
            notes=self.notes(record.notes),
        )

    def notes(self, notes: Iterable[Note]) -> tuple[NoteView, ...]:
        return tuple(
            NoteView(
                self.labels.moment(note.at),
                render_markdown(note.text),
                note.author,
                note.visibility is Visibility.INTERNAL,
            )
            for note in notes
        )

    def _affected(self, state: RecordState) -> tuple[StatusChange, ...]:
        """Each component with its status in this record now; a window that has not run
        (yet) names its components only, since it holds none of them."""
        planned = state.status in (RecordStatus.SCHEDULED, RecordStatus.CANCELLED)
        return tuple(
            StatusChange(
                self.labels.component_name(component),
                None if planned else self.labels.status(status),
            )
            for component, status in state.current.items()
        )

    def _facts(self, state: RecordState) -> list[Fact]:
        t, moment = self.t, self.labels.moment
        facts = [Fact(t("incident.started"), (moment(state.record.started),))]
        if state.ended is not None:
            facts.append(Fact(t("incident.resolved"), (moment(state.ended),)))
        if state.duration is not None:
            key = "incident.duration" if state.ended is not None else "incident.duration_so_far"
            facts.append(Fact(t(key), text=t.duration(state.duration)))
        if state.record.manager:
            facts.append(Fact(t("incident.manager"), text=state.record.manager))
        return facts

    def _window_facts(self, state: RecordState) -> list[Fact]:
        t, moment = self.t, self.labels.moment
        window = state.record.maintenance
        assert window is not None
        facts = [
            Fact(
                t("maintenance.scheduled_for"),
                self.labels.window(window.scheduled_start, window.scheduled_end),
            )
        ]
        if state.started is not None:
            facts.append(Fact(t("maintenance.started_at"), (moment(state.started),)))
        if state.ended is not None:
            key = (
                "maintenance.cancelled_at"
                if state.status is RecordStatus.CANCELLED
                else "maintenance.completed_at"
            )
            facts.append(Fact(t(key), (moment(state.ended),)))
        if state.record.manager:
            facts.append(Fact(t("maintenance.manager"), text=state.record.manager))
        return facts

    def _postmortem(self, record: Incident) -> PostmortemView | None:
        pm = record.postmortem
        if pm is None:
            return None
        return PostmortemView(
            summary_html=render_markdown(pm.summary),
            root_cause_html=render_markdown(pm.root_cause),
            published=self.labels.moment(pm.published) if pm.published else None,
            draft=pm.published is None or (self.now is not None and pm.published > self.now),
            action_items=tuple(self.action_item(item) for item in pm.action_items),
        )

    def action_item(self, item: ActionItem) -> ActionItemView:
        """An action item as a postmortem, a problem record and the actions page show it."""
        return ActionItemView(
            title=item.title,
            owner=item.owner,
            status=Label(item.status.value, self.t(f"action.{item.status.value}")),
            due=None
            if item.due is None
            else f"{item.due.day} {self.t.short_months[item.due.month - 1]} {item.due.year}",
            link=item.link,
        )
