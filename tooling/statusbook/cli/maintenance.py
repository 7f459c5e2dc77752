"""Scheduling and running maintenance: ``maintenance new|start|complete|cancel``."""

from __future__ import annotations

import click

from statusbook import edit
from statusbook.cli.common import AppContext
from statusbook.cli.editing import (
    CANCELLED_MESSAGE,
    COMPLETED_MESSAGE,
    STARTED_MESSAGE,
    author_option,
    finish,
    message_option,
    parse_components,
    record_step,
    refusals,
    session_for,
    writing_options,
)
from statusbook.edit.when import zone_label
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
    statuses = parse_components(components, session.catalog, ComponentStatus.UNDER_MAINTENANCE)
    message = session.ask(message, "--message", "Announcement for customers")
    start = session.when(start_text, "--start", "future")
    end = session.when(end_text, "--end", "future")
    assert start is not None and end is not None
    with refusals():

        def plan() -> edit.Change:
            return edit.new_maintenance(
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

        change = finish(session, plan, open_editor, dry_run)
    if not dry_run:
        click.echo(display_path(change.path))
        click.echo(
            f"Scheduled {change.incident.id} from {session.show(start)} to {session.show(end)}",
            err=True,
        )


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
        )
    )
