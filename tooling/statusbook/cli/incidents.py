"""Recording incidents: ``new``, ``update``, ``resolve``, ``postmortem`` and ``action``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from statusbook import edit
from statusbook.cli.common import AppContext
from statusbook.cli.editing import (
    INCIDENT_COMPONENT_STATUSES,
    INCIDENT_KINDS,
    OPENING_STATUSES,
    RESOLVED_MESSAGE,
    STATUS_COMMANDS,
    STATUS_FOR_IMPACT,
    UPDATE_STATUSES,
    Refused,
    Session,
    action_item_options,
    at_option,
    author_option,
    components_answer,
    done,
    editing_options,
    find,
    finish,
    message_option,
    parse_components,
    parse_date,
    record_step,
    refusals,
    session_for,
    writing_options,
)
from statusbook.edit.naming import is_maintenance
from statusbook.edit.records import REOPEN_STATUSES
from statusbook.edit.records import reopen as reopen_incident
from statusbook.edit.when import HELP as WHEN_HELP
from statusbook.i18n import is_placeholder
from statusbook.importers.github_issue import SelfServiceError, draft_from_event
from statusbook.load.records import read_source
from statusbook.load.schema import suggest
from statusbook.model import (
    ActionStatus,
    ComponentStatus,
    Impact,
    Kind,
    UpdateStatus,
)
from statusbook.paths import display_path


def _statuses(maintenance: bool) -> str:
    """The statuses ``update`` posts on an incident or on maintenance, for help texts."""
    return ", ".join(status.value for status in UPDATE_STATUSES[maintenance])


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
    callback=lambda _ctx, _param, values: _impaired_statuses(values),
    help="An affected component and its status: "
    + ", ".join(s.value for s in INCIDENT_COMPONENT_STATUSES)
    + " (default from --impact); repeatable.",
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
    # What the options say is checked before anything is asked, so nobody types a title
    # and a message only to be told a flag was wrong.
    at = session.at(at_text)
    began = session.when(started, "--started")
    parse_components(components, session.catalog, ComponentStatus.MAJOR_OUTAGE, ALLOWED)
    title = session.ask(title, "--title", "Title", _one_line)
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
    suggested = STATUS_FOR_IMPACT[impact_value]
    if components or not session.interactive:
        statuses = parse_components(components, session.catalog, suggested, ALLOWED)
    else:
        statuses = components_answer(
            session,
            f"Affected components, as id=status separated by commas "
            f"({', '.join(session.catalog.component_ids)}; statuses "
            f"{', '.join(s.value for s in ALLOWED)}; a bare id is {suggested.value})",
            suggested,
            ALLOWED,
        )
    if manager is None and session.interactive:
        manager = session.ask_checked("Incident manager", _any, default="", show_default=False)
    message = session.ask(message, "--message", "First update for customers")
    with refusals(session):
        change = finish(
            session,
            lambda: edit.new_incident(
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
                manager=manager or None,
                started=began,
                body=body or "",
            ),
            open_editor,
            dry_run,
        )
    _created(session, change, dry_run)


#: The statuses a new incident's components can be in.
ALLOWED = INCIDENT_COMPONENT_STATUSES


def _impaired_statuses(values: tuple[str, ...]) -> tuple[str, ...]:
    """``-c`` of ``new``: each status given must be one an incident can cause (the ids are
    checked against the catalog once it is read)."""
    allowed = {status.value for status in ALLOWED}
    for value in values:
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            _component, _, status = (item.strip() for item in part.partition("="))
            if status and status not in allowed:
                reason = (
                    "an incident's components are impaired (operational means no impact)"
                    if status == ComponentStatus.OPERATIONAL.value
                    else "planned work is scheduled with statusbook maintenance new"
                    if status == ComponentStatus.UNDER_MAINTENANCE.value
                    else "it is not a component status"
                )
                raise click.BadParameter(
                    f"{part!r}: {reason}; use one of: {', '.join(sorted(allowed))}"
                )
    return values


def _one_line(answer: str) -> str | None:
    return "one line, please" if "\n" in answer.strip() else None


def _any(_answer: str) -> str | None:
    return None


def _created(session: Session, change: edit.Change, dry_run: bool) -> None:
    opened = (
        f"{change.incident.id}: {change.incident.kind.value}, impact "
        f"{change.incident.impact.value}, started {session.show(change.incident.started)}"
    )
    if dry_run:
        click.echo(f"Would open {opened} (dry run, not written)", err=True)
        return
    click.echo(display_path(change.path))
    click.echo(f"Opened {opened}", err=True)


def _new_from_event(session: Session, event_path: Path, open_editor: bool, dry_run: bool) -> None:
    try:
        payload = json.loads(event_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.BadParameter(
            f"cannot read the event payload: {error}", param_hint="--from-github-event"
        ) from None
    except RecursionError:
        raise click.BadParameter(
            "the event payload is nested too deeply to be a GitHub event",
            param_hint="--from-github-event",
        ) from None
    with refusals(session):
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
    metavar="STATUS",
    help="The status this update announces (default: update, a progress note). For an "
    f"incident: {_statuses(False)}; for maintenance: {_statuses(True)}. Resolving, "
    "starting, completing and cancelling have their own commands.",
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
    path = find(session, record)
    maintenance = is_maintenance(path)
    allowed = [choice.value for choice in UPDATE_STATUSES[maintenance]]
    if status is not None:
        _check_status(status, maintenance)
    statuses = parse_components(components, session.catalog, None)
    at = session.at(at_text)
    if status is None and session.interactive:
        status = session.ask_checked(
            "Status", _any, type=click.Choice(allowed), default=UpdateStatus.UPDATE.value
        )
    message = session.ask(message, "--message", "Update for customers")
    with refusals(session):
        change = finish(
            session,
            lambda: edit.add_update(
                session.catalog,
                str(path),
                status=UpdateStatus(status or UpdateStatus.UPDATE.value),
                message=message,
                at=at,
                now=session.now,
                author=author,
                components=statuses,
            ),
            open_editor,
            dry_run,
        )
    changes = ", ".join(f"{c} {s.value}" for c, s in statuses.items())
    done(
        "Updated",
        change,
        f"{status or 'update'} at {session.show(at)}" + (f"; {changes}" if changes else ""),
        dry_run,
    )


def _check_status(status: str, maintenance: bool) -> None:
    """``--status`` must be one this kind of record is updated with; else say what is."""
    allowed = UPDATE_STATUSES[maintenance]
    if status in {choice.value for choice in allowed}:
        return
    record = "maintenance record" if maintenance else "incident"
    known = {choice.value: choice for choice in UpdateStatus}
    if status in known and known[status] in STATUS_COMMANDS:
        where = f"; to post {status!r}, use {STATUS_COMMANDS[known[status]]}"
    else:
        hint = suggest(status, [choice.value for choice in allowed])
        where = f" ({hint})" if hint else ""
    raise click.BadParameter(
        f"{status!r} is not a status for updates on this {record}: use "
        f"{_statuses(maintenance)}{where}",
        param_hint="--status",
    )


resolve = click.command("resolve")(
    record_step(
        "Resolved",
        edit.resolve,
        RESOLVED_MESSAGE,
        "Resolve RECORD: a closing update, the resolution time, components back to operational.",
        maintenance=False,
        prompt_label="Closing message",
    )
)


@click.command()
@click.argument("record")
@message_option
@click.option(
    "--status",
    type=click.Choice([status.value for status in REOPEN_STATUSES]),
    default=UpdateStatus.INVESTIGATING.value,
    show_default=True,
    help="The status the incident is back in.",
)
@click.option(
    "-c",
    "--component",
    "components",
    multiple=True,
    metavar="ID=STATUS",
    help="A component status the reopening sets; repeatable (default: the statuses the "
    "resolution ended).",
)
@author_option
@at_option
@writing_options
@click.pass_obj
def reopen(
    app: AppContext,
    record: str,
    message: str | None,
    status: str,
    components: tuple[str, ...],
    author: str | None,
    at_text: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Reopen the resolved incident RECORD: an update saying it is back, 'resolved' removed."""
    session = session_for(app, now, tz, prompt)
    statuses = parse_components(components, session.catalog, None)
    at = session.at(at_text)
    message = session.ask(message, "--message", "What customers should know")
    with refusals(session):
        change = finish(
            session,
            lambda: reopen_incident(
                session.catalog,
                record,
                message=message,
                at=at,
                now=session.now,
                status=UpdateStatus(status),
                author=author,
                components=statuses,
            ),
            open_editor,
            dry_run,
        )
    held = change.incident.updates[-1].components
    moved = ", ".join(f"{c} {s.value}" for c, s in held.items())
    done(
        "Reopened",
        change,
        f"{status} at {session.show(at)}" + (f"; {moved}" if moved else ""),
        dry_run,
    )


# --- postmortem and action items ------------------------------------------------------------


@click.command()
@click.argument("record")
@click.option("--summary", help="What happened, in a few sentences.")
@click.option("--root-cause", help="Why it happened.")
@click.option(
    "--publish",
    is_flag=True,
    help="Publish it (sets 'published'; its summary and root cause must be written). "
    "Without it the postmortem is a draft readers do not see.",
)
@click.option(
    "--at",
    "at_text",
    metavar="WHEN",
    help=f"With --publish: when it was published (default: now). {WHEN_HELP}.",
)
@writing_options
@click.pass_obj
def postmortem(
    app: AppContext,
    record: str,
    summary: str | None,
    root_cause: str | None,
    publish: bool,
    at_text: str | None,
    tz: str | None,
    open_editor: bool,
    dry_run: bool,
    prompt: bool | None,
    now: str | None,
) -> None:
    """Add a postmortem (summary, root cause, action items) to RECORD, or publish it.

    A postmortem is a draft until published: the first run writes what it is given and
    placeholders for the rest; --publish, with or after the text, puts it on the page.
    """
    if at_text is not None and not publish:
        raise click.UsageError("--at is the publication time; give it with --publish")
    session = session_for(app, now, tz, prompt)
    published = session.at(at_text) if publish else None
    path = find(session, record)
    drafting = _postmortem_of(path) is None
    if session.interactive and drafting:
        later = "" if publish else " (empty to fill in later)"
        blank = {"default": "", "show_default": False}
        if summary is None:
            summary = session.ask_checked(f"Summary{later}", _written(publish), **blank)
        if root_cause is None:
            root_cause = session.ask_checked(f"Root cause{later}", _written(publish), **blank)
    with refusals(session):
        change = finish(
            session,
            lambda: edit.add_postmortem(
                session.catalog,
                str(path),
                now=session.now,
                summary=summary,
                root_cause=root_cause,
                published=published,
            ),
            open_editor,
            dry_run,
        )
    pm = change.incident.postmortem
    assert pm is not None
    if pm.published is not None:
        done("Published the postmortem of", change, f"at {session.show(pm.published)}", dry_run)
        return
    verb = "Added a draft postmortem to" if drafting else "Updated the draft postmortem of"
    done(verb, change, "summary, root cause and action items", dry_run)
    waiting = [
        words
        for words, value in (("summary", pm.summary), ("root cause", pm.root_cause))
        if is_placeholder(value)
    ]
    todo = f"write the {' and '.join(waiting)}, then " if waiting else ""
    click.echo(
        f"Readers do not see a draft: {todo}publish it with "
        f"statusbook postmortem {change.incident.id} --publish",
        err=True,
    )


def _postmortem_of(path: Path) -> object:
    data = read_source(path).data
    return data.get("postmortem") if isinstance(data, dict) else None


def _written(required: bool) -> Callable[[str], str | None]:
    """An answer check: published text must be written (a draft may leave it for later)."""

    def check(answer: str) -> str | None:
        if required and not answer.strip():
            return "a published postmortem needs it; write a sentence or two"
        return None

    return check


@click.command()
@click.argument("record")
@click.argument("title", required=False)
@action_item_options
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
    path = str(find(session, record))
    if close_ref is not None:
        final = ActionStatus(status or ActionStatus.DONE.value)
        with refusals(session):
            change = finish(
                session,
                lambda: edit.set_action_status(
                    session.catalog, path, close_ref, now=session.now, status=final
                ),
                open_editor,
                dry_run,
            )
        done("Updated", change, f"action item {change.subject} is {final.value}", dry_run)
        return
    target = parse_date(due, "--due")
    title = session.ask(title, "TITLE", "Action item", _one_line)
    owner = session.ask(owner, "--owner", "Owner", _one_line)
    with refusals(session):
        change = finish(
            session,
            lambda: edit.add_action_item(
                session.catalog,
                path,
                title=title,
                owner=owner,
                now=session.now,
                status=ActionStatus(status or ActionStatus.OPEN.value),
                due=target,
                link=link,
            ),
            open_editor,
            dry_run,
        )
    done("Updated", change, f"added action item {title!r} for {owner}", dry_run)
