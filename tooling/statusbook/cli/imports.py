"""``statusbook import statuspage|cstate``: migrate history from other status pages."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from statusbook.cli.common import EXIT_OK, EXIT_PROBLEMS, AppContext, now_option, parse_now
from statusbook.cli.editing import refusals
from statusbook.importers import (
    ImportPlan,
    Reading,
    apply_plan,
    plan_import,
    read_cstate_folder,
    read_statuspage_files,
)
from statusbook.paths import display_path
from statusbook.render.problem_report import render

dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the diffs (records and catalog); write nothing."
)


@click.group("import")
def import_group() -> None:
    """Import incidents from other status page tools.

    Importing is idempotent: records imported before are recognised and left alone.
    Everything that could not be mapped is listed, never silently dropped.

    Exits 0 when everything read was imported, 1 when a file could not be read, nothing
    could be read at all, or a record was refused; 2 on usage or configuration errors.
    """


@import_group.command("statuspage")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@dry_run_option
@now_option
@click.pass_obj
def statuspage(app: AppContext, paths: tuple[Path, ...], dry_run: bool, now: str | None) -> None:
    """Import Atlassian Statuspage v2 JSON: incidents.json lists or {page, incident} files.

    Components are matched to the catalog by name; missing ones are added to it.
    """
    instant = parse_now(now)
    _run(app, read_statuspage_files(list(paths)), dry_run, instant)


@import_group.command("cstate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@dry_run_option
@now_option
@click.pass_obj
def cstate(app: AppContext, folder: Path, dry_run: bool, now: str | None) -> None:
    """Import cState issues from FOLDER (a cState site, or its content/issues folder)."""
    instant = parse_now(now)
    _run(app, read_cstate_folder(folder, now=instant), dry_run, instant)


def _run(app: AppContext, reading: Reading, dry_run: bool, now: datetime) -> None:
    """Import what could be read; fail (exit 1) when anything could not be, so a migration
    that read nothing — a wrong path, an unreadable export — never looks like a success."""
    catalog = app.catalog()
    with refusals():
        plan = plan_import(reading.drafts, catalog, now=now, notes=reading.notes)
        if dry_run:
            _print_diffs(plan)
        else:
            apply_plan(plan)
    _print_report(plan, dry_run)
    for line in reading.unreadable:
        click.echo(f"Could not read {line}", err=True)
    if not reading.documents:
        click.echo("Nothing could be read, so nothing was imported.", err=True)
    failed = plan.report.refused or reading.unreadable or not reading.documents
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _print_diffs(plan: ImportPlan) -> None:
    if plan.catalog_change is not None:
        click.echo(plan.catalog_change.diff(), nl=False)
    for change in plan.changes:
        click.echo(change.diff(), nl=False)


def _print_report(plan: ImportPlan, dry_run: bool) -> None:
    report = plan.report
    would = "Would create" if dry_run else "Created"
    out = sys.stderr if dry_run else sys.stdout
    lines = [f"{would} {len(report.created)} record(s)."]
    lines += [f"  {display_path(path)}" for path in report.created]
    if report.components_added:
        added = ", ".join(f"{c.id} ({c.name})" for c in report.components_added)
        verb = "Would add" if dry_run else "Added"
        lines.append(f"{verb} {len(report.components_added)} component(s) to the catalog: {added}")
    if report.unchanged:
        lines.append(f"{len(report.unchanged)} record(s) imported before and unchanged.")
    if report.kept:
        lines.append(
            f"{len(report.kept)} record(s) imported before differ from the source now; "
            "left as they are (they may have been edited):"
        )
        lines += [f"  {display_path(path)}" for path in report.kept]
    if report.notes:
        lines.append(f"Could not map {len(report.notes)} thing(s):")
        lines += [f"  - {note}" for note in report.notes]
    click.echo("\n".join(lines), file=out)
    for source, problems in report.refused:
        click.echo(f"Refused {source}: it would not be a valid record.", err=True)
        if problems:
            click.echo(render(problems, 1, "text", color=sys.stderr.isatty()), err=True)
