"""Problem records: ``statusbook problem new | link | update | resolve | action | show |
list``, and the recurrence reports ``statusbook problems report | suggest``.

The editing commands are as safe as the incident ones: each plans a round-trip edit with
:mod:`statusbook.edit.problems`, which validates the would-be file (links included) before
anything is written; ``--dry-run`` prints the diff, ``--edit`` opens ``$EDITOR`` on the
result first. The reading commands read the internal snapshot: problem records are the
team's working documents.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import click

from statusbook.cli.common import EXIT_PROBLEMS, AppContext, now_option
from statusbook.cli.editing import (
    Session,
    action_item_options,
    at_option,
    author_option,
    done,
    editing_options,
    finish,
    parse_date,
    refusals,
    session_for,
    tz_option,
    writing_options,
)
from statusbook.derive.lifecycle import ProblemState
from statusbook.derive.recurrence import WITHIN, recurrence_report, suggest_links
from statusbook.derive.snapshot import Snapshot, derive
from statusbook.edit import problems as edit_problems
from statusbook.load.items import problem_id_of
from statusbook.load.problem_records import validate_repository
from statusbook.model import ActionStatus, Audience, ProblemStatus, Visibility
from statusbook.paths import display_path
from statusbook.render.recurrence import FORMATS, render_report, render_suggestions
from statusbook.timeutil import format_timestamp

AUDIENCES = [audience.value for audience in Audience]
audience_option = click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default=Audience.INTERNAL.value,
    show_default=True,
    help="Read as the internal site does (everything) or as the public one.",
)


def repository_snapshot(session: Session, audience: Audience = Audience.INTERNAL) -> Snapshot:
    """The records and problem records at the session's instant, for ``audience``.

    Records with errors are left out and counted on stderr, as ``statusbook list`` does.
    """
    result = validate_repository(None, session.catalog, session.now)
    if result.errors:
        click.echo(
            f"{len({p.path for p in result.errors})} file(s) with errors are left out; run "
            "statusbook validate to see why.",
            err=True,
        )
    return derive(
        session.catalog,
        result.incidents,
        session.now,
        audience=audience,
        problems=result.problem_records,
    )


# --- writing -----------------------------------------------------------------------------------


def _finish(
    session: Session,
    plan: Callable[[], edit_problems.ProblemChange],
    open_editor: bool,
    dry_run: bool,
) -> edit_problems.ProblemChange:
    """:func:`finish`, a person's edit checked as a problem record."""

    def revise(change: edit_problems.ProblemChange, text: str) -> edit_problems.ProblemChange:
        return edit_problems.revise_problem(session.catalog, change, text, now=session.now)

    return finish(session, plan, open_editor, dry_run, revise)


# --- statusbook problem ------------------------------------------------------------------------


@click.group()
def problem() -> None:
    """Problem records: the root causes behind incidents, their workarounds and action items."""


@problem.command("new")
@click.option("--title", help="The underlying problem, in a line.")
@click.option(
    "--status",
    type=click.Choice([ProblemStatus.INVESTIGATING.value, ProblemStatus.KNOWN_ERROR.value]),
    default=ProblemStatus.INVESTIGATING.value,
    show_default=True,
)
@click.option("--summary", help="What customers notice (public).")
@click.option("--workaround", help="What customers can do meanwhile (public).")
@click.option("--root-cause", help="Why it happens (internal).")
@click.option("--owner", help="Who is accountable (internal).")
@click.option(
    "-i", "--incident", "incidents", multiple=True, metavar="RECORD", help="A linked incident."
)
@click.option(
    "-c", "--component", "components", multiple=True, metavar="ID", help="An affected component."
)
@click.option("--internal", is_flag=True, help="Show the problem on the internal site only.")
@click.option("--opened", metavar="WHEN", help="When the problem was opened (default: now).")
@click.option("--body", help="Markdown notes after the front matter (internal).")
@writing_options
@click.pass_obj
def new(
    app: AppContext,
    title: str | None,
    status: str,
    summary: str | None,
    workaround: str | None,
    root_cause: str | None,
    owner: str | None,
    incidents: tuple[str, ...],
    components: tuple[str, ...],
    internal: bool,
    opened: str | None,
    body: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Open a problem record (problems/PRB-NNNN-slug.md); prints its path."""
    session = session_for(app, now, tz, prompt)
    title = session.ask(title, "--title", "Title")
    when = session.when(opened, "--opened")
    with refusals(session):
        change = _finish(
            session,
            lambda: edit_problems.new_problem(
                session.catalog,
                title=title,
                now=session.now,
                opened=when,
                status=ProblemStatus(status),
                summary=summary,
                workaround=workaround,
                root_cause=root_cause,
                owner=owner,
                incidents=incidents,
                components=components,
                visibility=Visibility.INTERNAL if internal else None,
                body=body or "",
            ),
            open_editor,
            dry_run,
        )
    if not dry_run:
        click.echo(display_path(change.path))
        click.echo(f"Opened {change.problem.id}: {change.problem.status.value}", err=True)


@problem.command("link")
@click.argument("problem_ref", metavar="PROBLEM")
@click.argument("incidents", nargs=-1, required=True, metavar="INCIDENT...")
@click.option("--unlink", is_flag=True, help="Take the incidents off the problem instead.")
@editing_options
@click.pass_obj
def link(
    app: AppContext,
    problem_ref: str,
    incidents: tuple[str, ...],
    unlink: bool,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Link INCIDENT records (ids or parts of them) to PROBLEM, or unlink them."""
    session = session_for(app, now, None, prompt)
    with refusals(session):
        change = _finish(
            session,
            lambda: edit_problems.link_incidents(
                session.catalog, problem_ref, incidents, now=session.now, unlink=unlink
            ),
            open_editor,
            dry_run,
        )
    linked = ", ".join(change.problem.incidents) or "no incidents"
    done("Updated", change, f"{change.problem.id} links {linked}", dry_run)


@problem.command("update")
@click.argument("problem_ref", metavar="PROBLEM")
@click.option(
    "--status",
    type=click.Choice([ProblemStatus.INVESTIGATING.value, ProblemStatus.KNOWN_ERROR.value]),
    help="known_error records when the root cause was found (--at); either reopens a resolved problem.",
)
@click.option("--title")
@click.option("--summary", help="What customers notice (public).")
@click.option("--workaround", help="What customers can do meanwhile (public).")
@click.option("--root-cause", help="Why it happens (internal).")
@click.option("--owner", help="Who is accountable (internal).")
@click.option("--visibility", type=click.Choice([v.value for v in Visibility]))
@click.option("--note", help="Add a note (Markdown).")
@click.option("--internal-note", is_flag=True, help="The note is for the internal site only.")
@author_option
@at_option
@writing_options
@click.pass_obj
def update(
    app: AppContext,
    problem_ref: str,
    status: str | None,
    title: str | None,
    summary: str | None,
    workaround: str | None,
    root_cause: str | None,
    owner: str | None,
    visibility: str | None,
    note: str | None,
    internal_note: bool,
    author: str | None,
    at_text: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Change PROBLEM's status, text or visibility, or add a note to it."""
    session = session_for(app, now, tz, prompt)
    at = session.at(at_text)
    fields = {
        "title": title,
        "summary": summary,
        "workaround": workaround,
        "root_cause": root_cause,
        "owner": owner,
    }
    if not (status or visibility or note or any(fields.values())):
        raise click.UsageError("nothing to change: give --status, a text option or --note")

    def plan() -> edit_problems.ProblemChange:
        return edit_problems.update_problem(
            session.catalog,
            problem_ref,
            now=session.now,
            at=at,
            status=ProblemStatus(status) if status else None,
            fields=fields,
            visibility=Visibility(visibility) if visibility else None,
            note=note,
            author=author,
            note_visibility=Visibility.INTERNAL if internal_note else None,
        )

    with refusals(session):
        change = _finish(session, plan, open_editor, dry_run)
    done("Updated", change, f"{change.problem.id} is {change.problem.status.value}", dry_run)


@problem.command("resolve")
@click.argument("problem_ref", metavar="PROBLEM")
@click.option("-m", "--message", "note", help="A note saying what fixed it.")
@at_option
@writing_options
@click.pass_obj
def resolve(
    app: AppContext,
    problem_ref: str,
    note: str | None,
    at_text: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Resolve PROBLEM: the fix removed the root cause (every action item must be closed)."""
    session = session_for(app, now, tz, prompt)
    at = session.at(at_text)
    with refusals(session):
        change = _finish(
            session,
            lambda: edit_problems.resolve_problem(
                session.catalog, problem_ref, at=at, now=session.now, note=note
            ),
            open_editor,
            dry_run,
        )
    done("Resolved", change, f"{change.problem.id} at {session.show(at)}", dry_run)


@problem.command("action")
@click.argument("problem_ref", metavar="PROBLEM")
@click.argument("title", required=False)
@action_item_options
@editing_options
@click.pass_obj
def action(
    app: AppContext,
    problem_ref: str,
    title: str | None,
    owner: str | None,
    due: str | None,
    link: str | None,
    close_ref: str | None,
    status: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Add an action item TITLE to PROBLEM, or close one with --close."""
    if title and close_ref:
        raise click.UsageError("give either a TITLE to add or --close to close, not both")
    session = session_for(app, now, None, prompt)
    if close_ref is not None:
        final = ActionStatus(status or ActionStatus.DONE.value)

        def plan() -> edit_problems.ProblemChange:
            return edit_problems.set_problem_action_status(
                session.catalog, problem_ref, close_ref, now=session.now, status=final
            )

        detail = f"action item {close_ref!r} is {final.value}"
    else:
        title = session.ask(title, "TITLE", "Action item")
        owner = session.ask(owner, "--owner", "Owner")
        due_date = parse_date(due, "--due")
        item_title, item_owner = title, owner

        def plan() -> edit_problems.ProblemChange:
            return edit_problems.add_problem_action(
                session.catalog,
                problem_ref,
                title=item_title,
                owner=item_owner,
                now=session.now,
                status=ActionStatus(status or ActionStatus.OPEN.value),
                due=due_date,
                link=link,
            )

        detail = f"added action item {title!r} for {owner}"
    with refusals(session):
        change = _finish(session, plan, open_editor, dry_run)
    done("Updated", change, detail, dry_run)


@problem.command("show")
@click.argument("problem_ref", metavar="PROBLEM")
@audience_option
@tz_option
@now_option
@click.pass_obj
def show(app: AppContext, problem_ref: str, audience: str, tz: str | None, now: str | None) -> None:
    """Show PROBLEM as the internal site (or --audience public) has it at --now."""
    session = session_for(app, now, tz, prompt=False)
    with refusals():
        path = edit_problems.find_problem(session.catalog, problem_ref)
    snapshot = repository_snapshot(session, Audience(audience))
    state = snapshot.problem(problem_id_of(path.name) or "")
    if state is None:
        click.echo(
            f"{display_path(path)} is not shown to the {audience} audience at "
            f"{session.show(session.now)} (it has errors, is internal, or was opened later)",
            err=True,
        )
        sys.exit(EXIT_PROBLEMS)
    for line in _describe(session, snapshot, state):
        click.echo(line)


def _describe(session: Session, snapshot: Snapshot, state: ProblemState) -> Iterator[str]:
    record, local = state.record, session.show
    yield f"{record.id}: {record.title}"
    yield f"  status:     {state.status.value}" + (
        "  (internal)" if record.visibility is Visibility.INTERNAL else ""
    )
    yield f"  opened:     {local(record.opened)}"
    if record.identified:
        yield f"  identified: {local(record.identified)}"
    if record.resolved:
        yield f"  resolved:   {local(record.resolved)}"
    if record.owner:
        yield f"  owner:      {record.owner}"
    if record.path:
        yield f"  file:       {display_path(record.path)}"
    for label, value in (
        ("Summary", record.summary),
        ("Workaround", record.workaround),
        ("Root cause", record.root_cause),
    ):
        if value:
            yield ""
            yield f"{label}:"
            yield from (f"  {line}" for line in value.rstrip().splitlines())
    yield ""
    yield "Incidents" + ("" if state.incidents else ": none linked")
    for incident in state.incidents:
        yield f"  {incident.id}  {incident.status.value}  {incident.record.title}"
    report = recurrence_report(snapshot)
    figures = next((item for item in report.problems if item.key == record.id), None)
    if figures is not None and figures.count:
        quarters = ", ".join(
            f"{p.key} {n}" for p, n in zip(report.quarters, figures.per_quarter, strict=True)
        )
        mtbf = str(figures.mtbf) if figures.mtbf else "—"
        yield f"  downtime {figures.downtime}, MTBF {mtbf}; {quarters}: {figures.trend.value}"
    if record.action_items:
        yield ""
        yield "Action items"
        today = snapshot.catalog.today(snapshot.now)
        for number, item in enumerate(record.action_items, start=1):
            due = f", due {item.due.isoformat()}" if item.due else ""
            late = " (OVERDUE)" if item.overdue_on(today) else ""
            yield f"  {number}. [{item.status.value}] {item.title} — {item.owner}{due}{late}"
    if record.notes:
        yield ""
        yield "Notes"
        for note in record.notes:
            mark = " (internal)" if note.visibility is Visibility.INTERNAL else ""
            by = f" — {note.author}" if note.author else ""
            yield f"  {local(note.at)}{by}{mark}"
            yield from (f"    {line}" for line in note.text.rstrip().splitlines())


@problem.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([status.value for status in ProblemStatus]),
    help="Only this status; repeatable.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@audience_option
@tz_option
@now_option
@click.pass_obj
def list_problems(
    app: AppContext,
    statuses: tuple[str, ...],
    output_format: str,
    audience: str,
    tz: str | None,
    now: str | None,
) -> None:
    """List problem records: status, linked incidents, open and overdue action items."""
    session = session_for(app, now, tz, prompt=False)
    snapshot = repository_snapshot(session, Audience(audience))
    today = snapshot.catalog.today(snapshot.now)
    chosen = [s for s in snapshot.problems if not statuses or s.status.value in statuses]
    rows = [_listed(state, today) for state in chosen]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No problem records match.")
        return
    table = [("ID", "STATUS", "INCIDENTS", "OPEN", "OVERDUE", "OPENED", "TITLE")]
    for row in rows:
        table.append(
            (
                row["id"],
                row["status"],
                str(len(row["incidents"])),
                str(row["open_actions"]),
                str(row["overdue_actions"]),
                row["opened"][:10],
                row["title"],
            )
        )
    widths = [max(len(line[column]) for line in table) for column in range(6)]
    for line in table:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
            + "  "
            + line[6]
        )


def _listed(state: ProblemState, today: date) -> dict[str, Any]:
    record = state.record
    return {
        "id": record.id,
        "title": record.title,
        "status": state.status.value,
        "visibility": record.visibility.value,
        "opened": format_timestamp(record.opened),
        "identified": format_timestamp(record.identified) if record.identified else None,
        "resolved": format_timestamp(record.resolved) if record.resolved else None,
        "owner": record.owner,
        "incidents": [incident.id for incident in state.incidents],
        "open_actions": sum(1 for item in record.action_items if item.status.is_open),
        "overdue_actions": sum(1 for item in record.action_items if item.overdue_on(today)),
        "path": display_path(record.path) if record.path else None,
    }


# --- statusbook problems -----------------------------------------------------------------------


@click.group("problems")
def problems_group() -> None:
    """Recurrence across problem records: a report, and incidents that look like a problem."""


@problems_group.command("report")
@click.option(
    "--quarters", type=click.IntRange(2, 12), default=4, show_default=True, help="Quarters shown."
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
@audience_option
@now_option
@click.pass_obj
def report(
    app: AppContext, quarters: int, output_format: str, audience: str, now: str | None
) -> None:
    """Per problem and per component: incidents, downtime, MTBF, last occurrence, trend."""
    session = session_for(app, now, None, prompt=False)
    snapshot = repository_snapshot(session, Audience(audience))
    click.echo(render_report(recurrence_report(snapshot, quarters), output_format))


@problems_group.command("suggest")
@click.option(
    "--within",
    "within_days",
    type=click.IntRange(1),
    default=WITHIN.days,
    show_default=True,
    metavar="DAYS",
    help="Only incidents this many days from a problem's own incidents or its opening.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Leave out weaker likenesses (0 to 1).",
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True
)
@now_option
@click.pass_obj
def suggest(
    app: AppContext, within_days: int, min_score: float, output_format: str, now: str | None
) -> None:
    """Unlinked incidents that look like a known problem, best first, to confirm with link."""
    session = session_for(app, now, None, prompt=False)
    snapshot = repository_snapshot(session)
    found = suggest_links(snapshot, within=timedelta(days=within_days), minimum=min_score)
    click.echo(render_suggestions(found, output_format))
