"""``statusbook validate`` and ``statusbook schema``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..reporting import FORMATS, render
from ..schema import catalog_json_schema, record_json_schema
from ..validate import validate_paths
from .common import EXIT_OK, EXIT_PROBLEMS, AppContext, now_option, parse_now


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
@now_option
@click.pass_obj
def validate(
    app: AppContext, paths: tuple[Path, ...], output_format: str, strict: bool, now: str | None
) -> None:
    """Check records (default: every record) and the catalog.

    Exits 0 when clean, 1 when problems were found, 2 on usage or configuration errors.
    """
    catalog = app.catalog(output_format)
    result = validate_paths(list(paths), catalog, parse_now(now))
    click.echo(render(result.problems, result.files, output_format, color=sys.stdout.isatty()))
    failing = result.problems if strict else result.errors
    sys.exit(EXIT_PROBLEMS if failing else EXIT_OK)


@click.command()
@click.argument("document", type=click.Choice(["record", "catalog"]), default="record")
def schema(document: str) -> None:
    """Print the JSON Schema of record front matter or of the catalog."""
    generated = record_json_schema() if document == "record" else catalog_json_schema()
    click.echo(json.dumps(generated, indent=2))
