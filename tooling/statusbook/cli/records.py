"""Recording incidents: ``new``, ``update``, ``resolve``, ``maintenance``, ``postmortem``,
``action``, ``list`` and ``show``.

A thin layer over :mod:`statusbook.edit`: it turns what a person typed (or a script
passed) into values, asks for what is missing when a person is at a terminal, and maps
domain errors to messages and exit codes — 0 done, 1 refused (the validator's problems are
printed, nothing is written), 2 usage.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

import click

from statusbook import edit
from statusbook.cli.common import EXIT_PROBLEMS, AppContext, now_option, parse_now
from statusbook.derive.lifecycle import RecordState
from statusbook.derive.snapshot import derive
from statusbook.edit.when import HELP as WHEN_HELP
from statusbook.edit.when import Direction, WhenError, describe, parse_when, zone_label, zone_named
from statusbook.importers.github_issue import SelfServiceError, draft_from_event
from statusbook.load.records import read_source
from statusbook.load.rules import check_record, validate_paths
from statusbook.model import (
    ActionStatus,
    Catalog,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    UpdateStatus,
)
from statusbook.paths import display_path
from statusbook.render.problem_report import render
from statusbook.timeutil import format_timestamp

F = TypeVar("F", bound=Callable[..., Any])

INCIDENT_KINDS = [kind.value for kind in Kind if kind is not Kind.MAINTENANCE]
OPENING_STATUSES = [
    status.value
    for status in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED, UpdateStatus.MONITORING)
]
#: The component status an impact suggests when only the component id is given.
STATUS_FOR_IMPACT = {
    Impact.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
    Impact.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Impact.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Impact.NONE: ComponentStatus.DEGRADED_PERFORMANCE,
}
RESOLVED_MESSAGE = "This incident has been resolved."
STARTED_MESSAGE = "The scheduled maintenance is in progress."
COMPLETED_MESSAGE = "The scheduled maintenance has been completed."
CANCELLED_MESSAGE = "This scheduled maintenance has been cancelled."


class Refused(click.ClickException):
    """The core refused; its problems were already printed. Exit code 1."""

    exit_code = EXIT_PROBLEMS


# --- shared options ---------------------------------------------------------------------------


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


at_option = click.option(
    "--at", "at_text", metavar="WHEN", help=f"When it happened (default: now). {WHEN_HELP}."
)
author_option = click.option(
    "--author", envvar="STATUSBOOK_AUTHOR", help="Who writes the update [env STATUSBOOK_AUTHOR]."
)
message_option = click.option("-m", "--message", help="What customers read (Markdown).")
tz_option = click.option(
    "--tz",
    metavar="ZONE",
    help="Read and show times in this IANA zone (default: the site's time_zone).",
)
editing_options = _options(
    click.option("--edit", "open_editor", is_flag=True, help="Review the record in $EDITOR first."),
    click.option("--dry-run", is_flag=True, help="Print the diff; write nothing."),
    click.option(
        "--prompt/--no-prompt",
        "prompt",
        default=None,
        help="Ask for missing values (default: when run in a terminal).",
    ),
    now_option,
)
#: For commands that take times.
writing_options = _options(tz_option, editing_options)


@dataclass
class Session:
    """What every command works with: the catalog, the instant, the zone, and how to ask."""

    catalog: Catalog
    now: datetime
    zone: tzinfo
    interactive: bool

    def when(self, text: str | None, option: str, direction: Direction = "past") -> datetime | None:
        if text is None:
            return None
        try:
            return parse_when(text, now=self.now, zone=self.zone, direction=direction)
        except WhenError as error:
            raise click.BadParameter(str(error), param_hint=option) from None

    def at(self, text: str | None) -> datetime:
        return self.when(text, "--at") or self.now

    def show(self, instant: datetime) -> str:
        return describe(instant, self.zone)

    def ask(self, value: str | None, option: str, question: str, **prompt: Any) -> str:
        """``value``, or the answer to ``question`` at a terminal; a usage error otherwise."""
        if value is not None and value.strip():
            return value
        if not self.interactive:
            raise click.UsageError(f"missing {option} (or run in a terminal to be asked)")
        return str(click.prompt(question, **prompt))


def _session(
    app: AppContext, now: str | None, tz: str | None, prompt: bool | None = None
) -> Session:
    current = parse_now(now)
    catalog = app.catalog()
    try:
        zone = zone_named(tz or catalog.site.time_zone)
    except WhenError as error:
        raise click.BadParameter(str(error), param_hint="--tz") from None
    interactive = prompt if prompt is not None else sys.stdin.isatty() and sys.stdout.isatty()
    return Session(catalog, current, zone, interactive)


@contextmanager
def refusals() -> Iterator[None]:
    """Domain errors → a message on stderr and exit 1; never a traceback."""
    try:
        yield
    except edit.EditError as error:
        if error.problems:
            click.echo(render(error.problems, 1, "text", color=sys.stderr.isatty()), err=True)
        raise Refused(error.message) from None
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        raise Refused(
            f"cannot save{where}: {error.strerror or error}; the old file is unchanged"
        ) from None


def _parse_components(
    values: Sequence[str], catalog: Catalog, default: ComponentStatus | None
) -> dict[str, ComponentStatus]:
    """``api=major_outage``, ``api`` (with ``default``) or ``api=down,dashboard``; names work too."""
    names = {component.name.casefold(): component.id for component in catalog.components}
    statuses = {status.value for status in ComponentStatus}
    result: dict[str, ComponentStatus] = {}
    for value in values:
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            component, _, status = (item.strip() for item in part.partition("="))
            component = names.get(component.casefold(), component)
            if not status:
                if default is None:
                    raise click.BadParameter(
                        f"{part!r} needs a status, e.g. {component}=operational",
                        param_hint="--component",
                    )
                result[component] = default
            elif status in statuses:
                result[component] = ComponentStatus(status)
            else:
                raise click.BadParameter(
                    f"{status!r} is not a component status; use one of: {', '.join(sorted(statuses))}",
                    param_hint="--component",
                )
    return result


def _finish(session: Session, change: edit.Change, open_editor: bool, dry_run: bool) -> edit.Change:
    """Review in $EDITOR if asked, then print the diff (dry run) or write the change."""
    if open_editor:
        change = _review(session, change)
    if change.warnings:
        click.echo(render(change.warnings, 1, "text", color=sys.stderr.isatty()), err=True)
    if dry_run:
        click.echo(change.diff(), nl=False)
        click.echo("Dry run: nothing was written.", err=True)
        return change
    try:
        edit.write(change)
    except (edit.ConflictError, OSError) as error:
        if open_editor:
            saved = f"your edited text is saved in {_rescue(change.after.decode('utf-8'))}"
            if isinstance(error, edit.ConflictError):
                error.message += f"; {saved}"
            else:
                click.echo(saved, err=True)
        raise
    return change


def _review(session: Session, change: edit.Change) -> edit.Change:
    edited = click.edit(change.after.decode("utf-8"), extension=".md", require_save=False)
    if edited is None:
        return change
    try:
        return edit.revise(session.catalog, change, edited, now=session.now)
    except edit.EditRefused as error:
        rescue = _rescue(edited)
        error.message += f"; your edited text is saved in {rescue}"
        raise


def _rescue(text: str) -> str:
    """Keep a person's refused text somewhere safe (never lose what they typed)."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", prefix="statusbook-", suffix=".md", delete=False
    ) as handle:
        handle.write(text)
    return handle.name


def _done(verb: str, change: edit.Change, detail: str, dry_run: bool) -> None:
    if not dry_run:
        click.echo(f"{verb} {display_path(change.path)}: {detail}")


# --- new ---------------------------------------------------------------------------------------


@click.command()
@click.option("--title", help="A short headline customers understand.")
@click.option("--kind", type=click.Choice(INCIDENT_KINDS), help="What sort of incident.")
@click.option("--impact", type=click.Choice([impact.value for impact in Impact]))
@click.option(
    "-c",
    "--component",
    "components",
    multiple=True,
    metavar="ID[=STATUS]",
    help="An affected component and its status (default from --impact); repeatable.",
)
@click.option("--manager", help="The incident manager.")
@message_option
@click.option(
    "--status",
    type=click.Choice(OPENING_STATUSES),
    default=UpdateStatus.INVESTIGATING.value,
    show_default=True,
    help="Status of the first update.",
)
@author_option
@at_option
@click.option("--started", metavar="WHEN", help="When impact began (default: --at).")
@click.option("--body", help="Markdown text after the front matter.")
@click.option(
    "--from-github-event",
    "event_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Draft the record from a GitHub issue-form event payload (self-service reports).",
)
@writing_options
@click.pass_obj
def new(
    app: AppContext,
    title: str | None,
    kind: str | None,
    impact: str | None,
    components: tuple[str, ...],
    manager: str | None,
    message: str | None,
    status: str,
    author: str | None,
    at_text: str | None,
    started: str | None,
    body: str | None,
    event_path: Path | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Open an incident; prints the new record's path.

    Takes flags when scripted and asks for what is missing when run in a terminal.
    """
    session = _session(app, now, tz, prompt)
    if event_path is not None:
        _new_from_event(session, event_path, open_editor, dry_run)
        return
    catalog_ids = ", ".join(session.catalog.component_ids)
    title = session.ask(title, "--title", "Title")
    kind = session.ask(kind, "--kind", "Kind", type=click.Choice(INCIDENT_KINDS), default="outage")
    impact_value = Impact(
        session.ask(
            impact,
            "--impact",
            "Impact",
            type=click.Choice([i.value for i in Impact]),
            default="minor",
        )
    )
    if not components and session.interactive:
        answer = click.prompt(
            f"Affected components, as id=status separated by commas ({catalog_ids})",
            default="",
            show_default=False,
        )
        components = (answer,)
    statuses = _parse_components(components, session.catalog, STATUS_FOR_IMPACT[impact_value])
    if manager is None and session.interactive:
        manager = click.prompt("Incident manager", default="", show_default=False) or None
    message = session.ask(message, "--message", "First update for customers")
    at = session.at(at_text)
    began = session.when(started, "--started")
    with refusals():
        change = edit.new_incident(
            session.catalog,
            title=title,
            kind=Kind(kind),
            impact=impact_value,
            components=statuses,
            message=message,
            at=at,
            now=session.now,
            status=UpdateStatus(status),
            author=author,
            manager=manager,
            started=began,
            body=body or "",
        )
        change = _finish(session, change, open_editor, dry_run)
    _created(session, change, dry_run)


def _created(session: Session, change: edit.Change, dry_run: bool) -> None:
    if dry_run:
        return
    click.echo(display_path(change.path))
    click.echo(
        f"Opened {change.incident.id}: {change.incident.kind.value}, impact "
        f"{change.incident.impact.value}, started {session.show(change.incident.started)}",
        err=True,
    )


def _new_from_event(session: Session, event_path: Path, open_editor: bool, dry_run: bool) -> None:
    try:
        payload = json.loads(event_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.BadParameter(
            f"cannot read the event payload: {error}", param_hint="--from-github-event"
        ) from None
    with refusals():
        try:
            draft = draft_from_event(payload, session.catalog, now=session.now, zone=session.zone)
        except SelfServiceError as error:
            raise Refused(str(error)) from None
        change = edit.create_record(session.catalog, draft.fields, body=draft.body, now=session.now)
        change = _finish(session, change, open_editor, dry_run)
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    _created(session, change, dry_run)


# --- update and resolve ---------------------------------------------------------------------


@click.command()
@click.argument("record")
@click.option(
    "--status",
    type=click.Choice([status.value for status in UpdateStatus]),
    help="The status this update announces (default: update, a progress note).",
)
@message_option
@click.option(
    "-c",
    "--component",
    "components",
    multiple=True,
    metavar="ID=STATUS",
    help="A component status this update sets; repeatable.",
)
@author_option
@at_option
@writing_options
@click.pass_obj
def update(
    app: AppContext,
    record: str,
    status: str | None,
    message: str | None,
    components: tuple[str, ...],
    author: str | None,
    at_text: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Post an update on RECORD (its id, or an unambiguous part of it)."""
    session = _session(app, now, tz, prompt)
    if status is None and session.interactive:
        status = click.prompt(
            "Status",
            type=click.Choice([s.value for s in UpdateStatus]),
            default=UpdateStatus.UPDATE.value,
        )
    message = session.ask(message, "--message", "Update for customers")
    statuses = _parse_components(components, session.catalog, None)
    at = session.at(at_text)
    with refusals():
        change = edit.add_update(
            session.catalog,
            record,
            status=UpdateStatus(status or UpdateStatus.UPDATE.value),
            message=message,
            at=at,
            now=session.now,
            author=author,
            components=statuses,
        )
        change = _finish(session, change, open_editor, dry_run)
    changes = ", ".join(f"{c} {s.value}" for c, s in statuses.items())
    _done(
        "Updated",
        change,
        f"{status or 'update'} at {session.show(at)}" + (f"; {changes}" if changes else ""),
        dry_run,
    )


# --- maintenance ------------------------------------------------------------------------------


@click.group()
def maintenance() -> None:
    """Schedule maintenance and record its start, completion or cancellation."""


@maintenance.command("new")
@click.option("--title", help="What the maintenance is, for customers.")
@click.option("--start", "start_text", metavar="WHEN", help="Planned start.")
@click.option("--end", "end_text", metavar="WHEN", help="Planned end.")
@click.option(
    "-c",
    "--component",
    "components",
    multiple=True,
    metavar="ID[=STATUS]",
    help="A component held by the window (default status under_maintenance); repeatable.",
)
@click.option("--manager", help="Who runs the maintenance.")
@message_option
@author_option
@click.option("--at", "at_text", metavar="WHEN", help="When it is announced (default: now).")
@click.option("--body", help="Markdown text after the front matter.")
@writing_options
@click.pass_obj
def maintenance_new(
    app: AppContext,
    title: str | None,
    start_text: str | None,
    end_text: str | None,
    components: tuple[str, ...],
    manager: str | None,
    message: str | None,
    author: str | None,
    at_text: str | None,
    body: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Schedule a maintenance window; prints the new record's path."""
    session = _session(app, now, tz, prompt)
    title = session.ask(title, "--title", "Title")
    start_text = session.ask(start_text, "--start", f"Planned start ({zone_label(session.zone)})")
    end_text = session.ask(end_text, "--end", f"Planned end ({zone_label(session.zone)})")
    if not components and session.interactive:
        components = (
            click.prompt(
                f"Components held ({', '.join(session.catalog.component_ids)})",
                default="",
                show_default=False,
            ),
        )
    statuses = _parse_components(components, session.catalog, ComponentStatus.UNDER_MAINTENANCE)
    message = session.ask(message, "--message", "Announcement for customers")
    start = session.when(start_text, "--start", "future")
    end = session.when(end_text, "--end", "future")
    assert start is not None and end is not None
    with refusals():
        change = edit.new_maintenance(
            session.catalog,
            title=title,
            scheduled_start=start,
            scheduled_end=end,
            components=statuses,
            message=message,
            at=session.at(at_text),
            now=session.now,
            author=author,
            manager=manager,
            body=body or "",
        )
        change = _finish(session, change, open_editor, dry_run)
    if not dry_run:
        click.echo(display_path(change.path))
        click.echo(
            f"Scheduled {change.incident.id} from {session.show(start)} to {session.show(end)}",
            err=True,
        )


def _record_step(
    done: str,
    operation: Callable[..., edit.Change],
    default_message: str,
    doc: str,
    *,
    prompt_label: str = "Message",
) -> Callable[..., None]:
    """A command that posts one closing or lifecycle update on RECORD (resolve, maintenance
    start/complete/cancel): the same options, prompts and output for each."""

    @click.argument("record")
    @message_option
    @author_option
    @at_option
    @writing_options
    @click.pass_obj
    def command(
        app: AppContext,
        record: str,
        message: str | None,
        author: str | None,
        at_text: str | None,
        tz: str | None,
        open_editor: bool,
        dry_run: bool,
        prompt: bool | None,
        now: str | None,
    ) -> None:
        session = _session(app, now, tz, prompt)
        if message is None:
            message = (
                click.prompt(prompt_label, default=default_message)
                if session.interactive
                else default_message
            )
        at = session.at(at_text)
        with refusals():
            change = operation(
                session.catalog, record, message=message, at=at, now=session.now, author=author
            )
            change = _finish(session, change, open_editor, dry_run)
        _done(done, change, f"at {session.show(at)}", dry_run)

    command.__doc__ = doc
    return command


for _name, _done_word, _operation, _message in (
    ("start", "Started", edit.start_maintenance, STARTED_MESSAGE),
    ("complete", "Completed", edit.complete_maintenance, COMPLETED_MESSAGE),
    ("cancel", "Cancelled", edit.cancel_maintenance, CANCELLED_MESSAGE),
):
    maintenance.command(_name)(
        _record_step(
            _done_word,
            _operation,
            _message,
            f"{_name.capitalize()} the maintenance RECORD: sets the time and posts an update.",
        )
    )

resolve = click.command("resolve")(
    _record_step(
        "Resolved",
        edit.resolve,
        RESOLVED_MESSAGE,
        "Resolve RECORD: a closing update, the resolution time, components back to operational.",
        prompt_label="Closing message",
    )
)


# --- postmortem and action items ------------------------------------------------------------


@click.command()
@click.argument("record")
@click.option("--summary", help="What happened, in a few sentences.")
@click.option("--root-cause", help="Why it happened.")
@editing_options
@click.pass_obj
def postmortem(
    app: AppContext,
    record: str,
    summary: str | None,
    root_cause: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Add the postmortem structure (summary, root cause, action items) to RECORD."""
    session = _session(app, now, None, prompt)
    if session.interactive:
        if summary is None:
            summary = click.prompt(
                "Summary (empty to fill in later)", default="", show_default=False
            )
        if root_cause is None:
            root_cause = click.prompt(
                "Root cause (empty to fill in later)", default="", show_default=False
            )
    with refusals():
        change = edit.add_postmortem(
            session.catalog, record, now=session.now, summary=summary, root_cause=root_cause
        )
        change = _finish(session, change, open_editor, dry_run)
    _done("Added a postmortem to", change, "summary, root cause and action items", dry_run)
    if not (summary and summary.strip() and root_cause and root_cause.strip()):
        click.echo(
            "The summary and root cause are placeholders: write them before publishing.", err=True
        )


@click.command()
@click.argument("record")
@click.argument("title", required=False)
@click.option("--owner", help="Who is accountable for a new item.")
@click.option("--due", metavar="YYYY-MM-DD", help="Target date of a new item.")
@click.option("--link", metavar="URL", help="Ticket or pull request of a new item.")
@click.option(
    "--close",
    "close_ref",
    metavar="N|TEXT",
    help="Close the item with this number (1 = first) or whose title contains TEXT.",
)
@click.option(
    "--status",
    type=click.Choice([status.value for status in ActionStatus]),
    help="Status for a new item (default open) or for --close (default done).",
)
@editing_options
@click.pass_obj
def action(
    app: AppContext,
    record: str,
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
    """Add a postmortem action item TITLE to RECORD, or close one with --close."""
    if title and close_ref:
        raise click.UsageError("give either a TITLE to add or --close to close, not both")
    session = _session(app, now, None, prompt)
    with refusals():
        if close_ref is not None:
            final = ActionStatus(status or ActionStatus.DONE.value)
            change = edit.set_action_status(
                session.catalog, record, close_ref, now=session.now, status=final
            )
            detail = f"action item {close_ref!r} is {final.value}"
        else:
            title = session.ask(title, "TITLE", "Action item")
            owner = session.ask(owner, "--owner", "Owner")
            change = edit.add_action_item(
                session.catalog,
                record,
                title=title,
                owner=owner,
                now=session.now,
                status=ActionStatus(status or ActionStatus.OPEN.value),
                due=_date(due),
                link=link,
            )
            detail = f"added action item {title!r} for {owner}"
        change = _finish(session, change, open_editor, dry_run)
    _done("Updated", change, detail, dry_run)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date like 2026-12-01", param_hint="--due"
        ) from None


# --- list and show ----------------------------------------------------------------------------


@click.command("list")
@click.option(
    "--open",
    "only_open",
    is_flag=True,
    help="Only unresolved incidents and upcoming or running maintenance.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([kind.value for kind in Kind]),
    help="Only this kind; repeatable.",
)
@click.option(
    "--component",
    "components",
    multiple=True,
    metavar="ID",
    help="Only records touching this component; repeatable.",
)
@click.option(
    "--since",
    metavar="WHEN",
    help=f"Only records that started at or after this time. {WHEN_HELP}, or -7d.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--tz", metavar="ZONE", help="Show times in this IANA zone (default: the site's).")
@now_option
@click.pass_obj
def list_records(
    app: AppContext,
    only_open: bool,
    kinds: tuple[str, ...],
    components: tuple[str, ...],
    since: str | None,
    output_format: str,
    tz: str | None,
    now: str | None,
) -> None:
    """List records, newest first."""
    session = _session(app, now, tz, prompt=False)
    after = session.when(since, "--since")
    result = validate_paths(None, session.catalog, session.now)
    snapshot = derive(session.catalog, result.incidents, session.now)
    listed: list[Listed] = [*snapshot.records, *snapshot.pending]
    chosen = [
        item
        for item in listed
        if (not only_open or (isinstance(item, RecordState) and item.is_open))
        and (not kinds or _record(item).kind.value in kinds)
        and (not components or set(components) & set(_record(item).affected_components))
        and (after is None or _record(item).started >= after)
    ]
    chosen.sort(key=lambda item: (_record(item).started, _record(item).id), reverse=True)
    if output_format == "json":
        click.echo(json.dumps([_summary(item) for item in chosen], indent=2, ensure_ascii=False))
    else:
        _print_table(session, chosen)
    skipped = result.files - len(result.incidents)
    if skipped:
        click.echo(
            f"{skipped} record(s) with errors are not listed; run statusbook validate to see why.",
            err=True,
        )


#: A record as ``list`` shows it: its standing, or the record itself while nothing of it
#: is published yet.
Listed = RecordState | Incident
#: How ``list`` and ``show`` name a record none of whose updates is posted yet.
PENDING = "not yet published"


def _record(item: Listed) -> Incident:
    return item.record if isinstance(item, RecordState) else item


def _status(item: Listed) -> str:
    return item.status.value if isinstance(item, RecordState) else PENDING


def _summary(item: Listed) -> dict[str, Any]:
    incident = _record(item)
    ended = item.ended if isinstance(item, RecordState) and not item.is_open else None
    return {
        "id": incident.id,
        "path": display_path(incident.path) if incident.path else None,
        "title": incident.title,
        "kind": incident.kind.value,
        "impact": incident.impact.value,
        "status": _status(item),
        "open": isinstance(item, RecordState) and item.is_open,
        "started": format_timestamp(incident.started),
        "resolved": format_timestamp(ended) if ended else None,
        "components": list(incident.affected_components),
    }


def _print_table(session: Session, items: Sequence[Listed]) -> None:
    if not items:
        click.echo("No records match.")
        return
    rows = [("ID", "STATUS", "KIND", "IMPACT", f"STARTED ({zone_label(session.zone)})", "TITLE")]
    for item in items:
        incident = _record(item)
        rows.append(
            (
                incident.id,
                _status(item),
                incident.kind.value,
                incident.impact.value,
                f"{incident.started.astimezone(session.zone):%Y-%m-%d %H:%M}",
                incident.title,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[5]
        )


@click.command()
@click.argument("record")
@click.option("--tz", metavar="ZONE", help="Show times in this IANA zone (default: the site's).")
@now_option
@click.pass_obj
def show(app: AppContext, record: str, tz: str | None, now: str | None) -> None:
    """Show RECORD as readers see it at --now: status, components, timeline, postmortem."""
    session = _session(app, now, tz, prompt=False)
    with refusals():
        path = edit.find_record(session.catalog, record)
    source = read_source(path)
    incident = check_record(source, session.catalog, session.now)
    if incident is None:
        click.echo(render(source.problems, 1, "text", color=sys.stderr.isatty()), err=True)
        raise Refused(f"{display_path(path)} has errors; fix them to show it")
    state = derive(session.catalog, [incident], session.now).by_id.get(incident.id)
    for line in _describe(session, incident, state):
        click.echo(line)


def _describe(session: Session, incident: Incident, state: RecordState | None) -> Iterator[str]:
    local = session.show
    yield incident.title
    yield f"  id:         {incident.id}  ({display_path(incident.path) if incident.path else ''})"
    yield f"  kind:       {incident.kind.value}, impact {incident.impact.value}"
    if state is None:
        first = incident.updates[0].at if incident.updates else incident.started
        yield f"  status:     {PENDING} (its first update is dated {local(first)})"
        return
    yield f"  status:     {state.status.value}"
    if incident.manager:
        yield f"  manager:    {incident.manager}"
    window = incident.maintenance
    if window is not None:
        yield f"  scheduled:  {local(window.scheduled_start)} → {local(window.scheduled_end)}"
        if state.started:
            yield f"  started:    {local(state.started)}"
        if state.ended:
            yield f"  {state.status.value + ':':<11} {local(state.ended)}"
    else:
        yield f"  started:    {local(incident.started)}"
        if state.ended:
            yield f"  resolved:   {local(state.ended)}"
    if state.current:
        yield "  components: " + ", ".join(f"{c} {s.value}" for c, s in state.current.items())
    yield ""
    yield "Updates"
    for post in state.posts:
        by = f" — {post.author}" if post.author else ""
        moved = ", ".join(f"{c} → {new.value}" for c, (_old, new) in post.changes.items())
        clock = " (by the clock)" if post.derived else ""
        yield f"  {local(post.at)}  {post.status.value}{clock}{by}"
        if moved:
            yield f"    components: {moved}"
        for line in post.message.rstrip().splitlines():
            yield f"    {line}"
    later = len(incident.updates) - sum(1 for post in state.posts if not post.derived)
    if later:
        yield f"  ({later} later update(s) dated after {local(session.now)} are not published yet)"
    yield from _describe_postmortem(session, incident)


def _describe_postmortem(session: Session, incident: Incident) -> Iterator[str]:
    pm = incident.postmortem
    if pm is None:
        return
    local = session.show
    published = pm.published is not None and pm.published <= session.now
    yield ""
    yield "Postmortem" + (
        f" (published {local(pm.published)})" if published and pm.published else " (not published)"
    )
    yield "  Summary:"
    yield from (f"    {line}" for line in pm.summary.rstrip().splitlines())
    yield "  Root cause:"
    yield from (f"    {line}" for line in pm.root_cause.rstrip().splitlines())
    if pm.action_items:
        yield "  Action items:"
        for number, item in enumerate(pm.action_items, start=1):
            due = f", due {item.due.isoformat()}" if item.due else ""
            yield f"    {number}. [{item.status.value}] {item.title} — {item.owner}{due}"


COMMANDS: tuple[click.Command, ...] = (
    new,
    update,
    resolve,
    maintenance,
    postmortem,
    action,
    list_records,
    show,
)
