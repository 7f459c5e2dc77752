"""``statusbook validate`` and ``statusbook schema``."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statusbook.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AppContext,
    now_option,
    parse_now,
)
from statusbook.derive.snapshot import active_incidents
from statusbook.load.catalog import catalog_warnings
from statusbook.load.problem_records import validate_repository
from statusbook.load.records import discover
from statusbook.load.rules import stale_incidents
from statusbook.load.schema import catalog_json_schema, problem_json_schema, record_json_schema
from statusbook.model import Catalog, Incident
from statusbook.problems import Problem
from statusbook.render.problem_report import FORMATS, render

if TYPE_CHECKING:
    # Only --base needs git and the history guard; a plain validate should start at once.
    from statusbook.load.guard import Escapes


class HistoryError(click.ClickException):
    exit_code = EXIT_USAGE


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, github for pull-request annotations, json for tools.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as failures too.")
@click.option(
    "--fail-overdue",
    is_flag=True,
    help="Report action items still open after their due date as errors (SB812), not "
    "warnings (SB811).",
)
@now_option
@click.option(
    "--base",
    metavar="REV",
    help="Also guard the history: compare every record with git revision REV (e.g. "
    "origin/main) and report published updates deleted, moved or rewritten without a "
    "correction, and published records deleted or renamed.",
)
@click.option(
    "--allow-removal",
    "allow_removal",
    metavar="ID",
    multiple=True,
    help="With --base: allow deleting or renaming the published record ID (its file name "
    "without .md). Repeatable.",
)
@click.option(
    "--allow-history-rewrite",
    is_flag=True,
    help="With --base: allow every change to published history (for a reviewed pull "
    "request labelled history-rewrite).",
)
@click.pass_obj
def validate(
    app: AppContext,
    paths: tuple[Path, ...],
    output_format: str,
    strict: bool,
    fail_overdue: bool,
    now: str | None,
    base: str | None,
    allow_removal: tuple[str, ...],
    allow_history_rewrite: bool,
) -> None:
    """Check records (default: every record) and the catalog.

    With --base, published history is checked too; a published update may be changed
    when the same change appends an entry to the record's 'corrections:'.

    Exits 0 when clean, 1 when problems were found, 2 on usage or configuration errors.
    """
    if base is None and (allow_removal or allow_history_rewrite):
        raise click.UsageError("--allow-removal and --allow-history-rewrite need --base REV")
    catalog = app.catalog(output_format)
    result = validate_repository(list(paths), catalog, parse_now(now), fail_overdue=fail_overdue)
    reminders = _reminders(catalog, result.incidents, parse_now(now))
    problems = sorted(
        [*catalog_warnings(catalog), *result.problems, *reminders], key=Problem.sort_key
    )
    if base is not None:
        from statusbook.load.guard import Escapes

        escapes = Escapes(frozenset(map(_record_id, allow_removal)), allow_history_rewrite)
        history = _history(catalog, base, escapes, parse_now(now))
        problems = sorted([*problems, *history], key=Problem.sort_key)
    click.echo(render(problems, result.files, output_format, color=sys.stdout.isatty()))
    failing = problems if strict else [problem for problem in problems if problem.is_error]
    sys.exit(EXIT_PROBLEMS if failing else EXIT_OK)


def _reminders(catalog: Catalog, incidents: list[Incident], now: datetime) -> list[Problem]:
    """SB310 for the open incidents whose customers have waited too long for news: open,
    and the latest post readers have, as the snapshot says (the one answer to both)."""
    active = active_incidents(catalog, incidents, now)
    latest = [(state.record, state.latest.at) for state in active if state.latest]
    return stale_incidents(latest, now, catalog.reminders.stale_after)


def _history(catalog: Catalog, base: str, escapes: Escapes, now: datetime) -> list[Problem]:
    """Compare the whole records folder with what ``base`` published: a deleted record has
    no path to name, so the history guard never narrows to the PATHS given. The base's
    records are read through the base's own catalog, so a change that moves, copies or
    narrows ``records:`` cannot hide what it rewrites or deletes."""
    from statusbook.cli.base_revision import CatalogMoved, read_base
    from statusbook.io.git import GitError
    from statusbook.load.guard import Folders, compare

    try:
        published = read_base(catalog, base, follow_moved_catalog=False)
    except CatalogMoved as error:
        if escapes.rewrite:
            return []
        raise HistoryError(f"--base {base}: {error}") from None
    except GitError as error:
        raise HistoryError(f"--base {base}: {error}") from None
    current: dict[Path, bytes] = {}
    for path in discover([catalog.records_dir]):
        try:
            current[path.resolve()] = path.read_bytes()
        except OSError:
            continue  # validation has reported it (SB001)
    folders = Folders(published.records_dir, catalog.records_dir)
    return compare(published.files, current, escapes, now=now, folders=folders)


def _record_id(value: str) -> str:
    """Accept ``2026-11-20-x``, ``2026-11-20-x.md`` or a path to the file."""
    return Path(value).name.removesuffix(".md")


@click.command()
@click.argument("document", type=click.Choice(["record", "catalog", "problem"]), default="record")
def schema(document: str) -> None:
    """Print the JSON Schema of record or problem record front matter, or of the catalog."""
    generated = {
        "record": record_json_schema,
        "catalog": catalog_json_schema,
        "problem": problem_json_schema,
    }[document]()
    import json  # schema's alone: validate imports this module too

    click.echo(json.dumps(generated, indent=2))
