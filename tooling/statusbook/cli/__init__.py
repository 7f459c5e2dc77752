"""The ``statusbook`` command: a thin Click layer over the core.

Each command lives in its own module; domain errors become messages and exit codes in
this package and nowhere else: 0 clean, 1 problems found, 2 usage or configuration errors.
"""

from __future__ import annotations

from pathlib import Path

import click

from statusbook import __version__
from statusbook.cli.common import AppContext
from statusbook.cli.imports import import_group
from statusbook.cli.incidents import action, new, postmortem, resolve, update
from statusbook.cli.init import init
from statusbook.cli.listing import list_records, show
from statusbook.cli.maintenance import maintenance
from statusbook.cli.notify import notify
from statusbook.cli.site import build, serve
from statusbook.cli.sla import sla
from statusbook.cli.validate import schema, validate
from statusbook.load.catalog import CATALOG_FILE_NAME


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="STATUSBOOK_CONFIG",
    help=f"The catalog file. Default: the nearest {CATALOG_FILE_NAME} above the working folder.",
)
@click.version_option(__version__, prog_name="statusbook")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """Record incidents in Git and publish a status page."""
    ctx.obj = AppContext(config)


COMMANDS = (
    init,
    validate,
    schema,
    sla,
    new,
    update,
    resolve,
    maintenance,
    postmortem,
    action,
    list_records,
    show,
    import_group,
    build,
    serve,
    notify,
)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="statusbook")
