"""Scheduling and running maintenance: ``maintenance new|start|complete|cancel``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click

from statusbook import edit
from statusbook.cli.common import AppContext
from statusbook.cli.editing import (
    CANCELLED_MESSAGE,
    COMPLETED_MESSAGE,
    STARTED_MESSAGE,
    WINDOW_COMPONENT_STATUSES,
    Session,
    author_option,
    components_answer,
    finish,
    message_option,
    parse_components,
    record_step,
    refusals,
    session_for,
    writing_options,
)
from statusbook.edit.when import WhenError, parse_when, zone_label
from statusbook.model import (
    ComponentStatus,
)
from statusbook.paths import display_path

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
    session = session_for(app, now, tz, prompt)
    # Options first, then questions, each answer checked as it is typed.
    announced = session.at(at_text)
    start = session.when(start_text, "--start", "future")
    end = session.when(end_text, "--end", "future")
    parse_components(components, session.catalog, ComponentStatus.UNDER_MAINTENANCE, HELD)
    title = session.ask(title, "--title", "Title")
    zone = zone_label(session.zone)
    if start is None:
        start = _when(
            session, session.ask(None, "--start", f"Planned start ({zone})", _time(session))
        )
    if end is None:
        end = _when(session, session.ask(None, "--end", f"Planned end ({zone})", _time(session)))
    if components or not session.interactive:
        statuses = parse_components(
            components, session.catalog, ComponentStatus.UNDER_MAINTENANCE, HELD
        )
    else:
        statuses = components_answer(
            session,
            f"Components held ({', '.join(session.catalog.component_ids)}; a bare id is "
            f"{ComponentStatus.UNDER_MAINTENANCE.value})",
            ComponentStatus.UNDER_MAINTENANCE,
            HELD,
        )
    message = session.ask(message, "--message", "Announcement for customers")
    with refusals(session):
        change = finish(
            session,
            lambda: edit.new_maintenance(
                session.catalog,
                title=title,
                scheduled_start=start,
                scheduled_end=end,
                components=statuses,
                message=message,
                at=announced,
                now=session.now,
                author=author,
                manager=manager,
                body=body or "",
            ),
            open_editor,
            dry_run,
        )
    window = f"{change.incident.id} from {session.show(start)} to {session.show(end)}"
    if dry_run:
        click.echo(f"Would schedule {window} (dry run, not written)", err=True)
        return
    click.echo(display_path(change.path))
    click.echo(f"Scheduled {window}", err=True)


#: The statuses a window can hold its components in.
HELD = WINDOW_COMPONENT_STATUSES


def _time(session: Session) -> Callable[[str], str | None]:
    """An answer check: a time statusbook reads (the window is in the future)."""

    def check(answer: str) -> str | None:
        try:
            parse_when(answer, now=session.now, zone=session.zone, direction="future")
        except WhenError as error:
            return str(error)
        return None

    return check


def _when(session: Session, answer: str) -> datetime:
    return parse_when(answer, now=session.now, zone=session.zone, direction="future")


for _name, _done_word, _operation, _message in (
    ("start", "Started", edit.start_maintenance, STARTED_MESSAGE),
    ("complete", "Completed", edit.complete_maintenance, COMPLETED_MESSAGE),
    ("cancel", "Cancelled", edit.cancel_maintenance, CANCELLED_MESSAGE),
):
    maintenance.command(_name)(
        record_step(
            _done_word,
            _operation,
            _message,
            f"{_name.capitalize()} the maintenance RECORD: sets the time and posts an update.",
            maintenance=True,
        )
    )
