"""Recording incidents: ``new``, ``update``, ``resolve``, ``postmortem`` and ``action``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from statusbook import edit
from statusbook.cli.common import AppContext
from statusbook.cli.editing import (
    INCIDENT_KINDS,
    OPENING_STATUSES,
    RESOLVED_MESSAGE,
    STATUS_FOR_IMPACT,
    Refused,
    Session,
    at_option,
    author_option,
    done,
    editing_options,
    finish,
    message_option,
    parse_components,
    record_step,
    refusals,
    session_for,
    writing_options,
)
from statusbook.importers.github_issue import SelfServiceError, draft_from_event
from statusbook.model import (
    ActionStatus,
    Impact,
    Kind,
    UpdateStatus,
)
from statusbook.paths import display_path

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
    session = session_for(app, now, tz, prompt)
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
    statuses = parse_components(components, session.catalog, STATUS_FOR_IMPACT[impact_value])
    if manager is None and session.interactive:
        manager = click.prompt("Incident manager", default="", show_default=False) or None
    message = session.ask(message, "--message", "First update for customers")
    at = session.at(at_text)
    began = session.when(started, "--started")
    with refusals():

        def plan() -> edit.Change:
            return edit.new_incident(
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

        change = finish(session, plan, open_editor, dry_run)
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

        def plan() -> edit.Change:
            return edit.create_record(
                session.catalog, draft.fields, body=draft.body, now=session.now
            )

        change = finish(session, plan, open_editor, dry_run)
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
    session = session_for(app, now, tz, prompt)
    if status is None and session.interactive:
        status = click.prompt(
            "Status",
            type=click.Choice([s.value for s in UpdateStatus]),
            default=UpdateStatus.UPDATE.value,
        )
    message = session.ask(message, "--message", "Update for customers")
    statuses = parse_components(components, session.catalog, None)
    at = session.at(at_text)
    with refusals():

        def plan() -> edit.Change:
            return edit.add_update(
                session.catalog,
                record,
                status=UpdateStatus(status or UpdateStatus.UPDATE.value),
                message=message,
                at=at,
                now=session.now,
                author=author,
                components=statuses,
            )

        change = finish(session, plan, open_editor, dry_run)
    changes = ", ".join(f"{c} {s.value}" for c, s in statuses.items())
    done(
        "Updated",
        change,
        f"{status or 'update'} at {session.show(at)}" + (f"; {changes}" if changes else ""),
        dry_run,
    )


resolve = click.command("resolve")(
    record_step(
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
    session = session_for(app, now, None, prompt)
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

        def plan() -> edit.Change:
            return edit.add_postmortem(
                session.catalog, record, now=session.now, summary=summary, root_cause=root_cause
            )

        change = finish(session, plan, open_editor, dry_run)
    done("Added a postmortem to", change, "summary, root cause and action items", dry_run)
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
    session = session_for(app, now, None, prompt)
    with refusals():
        if close_ref is not None:
            final = ActionStatus(status or ActionStatus.DONE.value)

            def plan() -> edit.Change:
                return edit.set_action_status(
                    session.catalog, record, close_ref, now=session.now, status=final
                )

            detail = f"action item {close_ref!r} is {final.value}"
        else:
            title = session.ask(title, "TITLE", "Action item")
            owner = session.ask(owner, "--owner", "Owner")
            new_status = ActionStatus(status or ActionStatus.OPEN.value)
            target = _date(due)

            def plan() -> edit.Change:
                return edit.add_action_item(
                    session.catalog,
                    record,
                    title=title,
                    owner=owner,
                    now=session.now,
                    status=new_status,
                    due=target,
                    link=link,
                )

            detail = f"added action item {title!r} for {owner}"
        change = finish(session, plan, open_editor, dry_run)
    done("Updated", change, detail, dry_run)


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date like 2026-12-01", param_hint="--due"
        ) from None
