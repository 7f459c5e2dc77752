"""Reading records at ``--now``: ``list`` and ``show`` print what the snapshot says."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from statusbook import edit
from statusbook.cli.common import AppContext, now_option
from statusbook.cli.editing import (
    Refused,
    Session,
    component_id,
    refusals,
    session_for,
)
from statusbook.derive.lifecycle import RecordState
from statusbook.derive.snapshot import derive
from statusbook.edit.when import HELP as WHEN_HELP
from statusbook.edit.when import zone_label
from statusbook.load.records import read_source
from statusbook.load.rules import check_record, validate_paths
from statusbook.model import Audience, Incident, Kind, Visibility
from statusbook.paths import display_path
from statusbook.render.problem_report import render
from statusbook.timeutil import format_timestamp

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
    session = session_for(app, now, tz, prompt=False)
    after = session.when(since, "--since")
    # An unknown id would match nothing and read as "no records": say what was meant.
    components = tuple(component_id(typed, session.catalog) for typed in components)
    result = validate_paths(None, session.catalog, session.now)
    # Operators read everything: internal records and updates too (marked as such).
    snapshot = derive(session.catalog, result.incidents, session.now, audience=Audience.INTERNAL)
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
        import json  # for this format only: list answers at once in text

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
        "visibility": incident.visibility.value,
        "kind": incident.kind.value,
        "impact": incident.impact.value,
        "status": _status(item),
        "open": isinstance(item, RecordState) and item.is_open,
        "started": format_timestamp(incident.started),
        "resolved": format_timestamp(ended) if ended else None,
        "components": list(incident.affected_components),
    }


def _internal(incident: Incident) -> str:
    """A mark for records the public page does not show."""
    return "[internal] " if incident.visibility is Visibility.INTERNAL else ""


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
                _internal(incident) + incident.title,
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
    session = session_for(app, now, tz, prompt=False)
    with refusals():
        path = edit.find_record(session.catalog, record)
    source = read_source(path)
    incident = check_record(source, session.catalog, session.now)
    if incident is None:
        click.echo(render(source.problems, 1, "text", color=sys.stderr.isatty()), err=True)
        raise Refused(f"{display_path(path)} has errors; fix them to show it")
    state = derive(session.catalog, [incident], session.now, audience=Audience.INTERNAL).by_id.get(
        incident.id
    )
    for line in _describe(session, incident, state):
        click.echo(line)


def _describe(session: Session, incident: Incident, state: RecordState | None) -> Iterator[str]:
    local = session.show
    yield incident.title
    yield f"  id:         {incident.id}  ({display_path(incident.path) if incident.path else ''})"
    yield f"  kind:       {incident.kind.value}, impact {incident.impact.value}"
    if incident.visibility is Visibility.INTERNAL:
        yield "  visibility: internal (the public page does not show it)"
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
        internal = " [internal]" if post.visibility is Visibility.INTERNAL else ""
        yield f"  {local(post.at)}  {post.status.value}{clock}{internal}{by}"
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
