"""The ``statusbook`` command: a thin Click layer over the core.

Each command lives in its own module; domain errors become messages and exit codes in
this package and nowhere else: 0 clean, 1 problems found, 2 usage or configuration errors.

The group is lazy. A person at 3 a.m. types ``statusbook --help`` or ``statusbook list``
and should get an answer at once, but importing every command imports the whole package
(MkDocs, the renderers, the round-trip YAML editor, the webhook clients). So the group
knows its commands from :data:`COMMANDS` — where each lives and its one-line help — and
imports a command's module only when that command runs (or its own ``--help`` is asked
for). ``tests/test_startup.py`` holds the table to the commands' docstrings, and checks in
a subprocess which heavy modules a command leaves unimported.
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import NamedTuple

import click

from statusbook import __version__

#: The catalog's file name, spelled here so ``--help`` need not import the loader (a test
#: holds it to :data:`statusbook.load.catalog.CATALOG_FILE_NAME`).
CATALOG_FILE_NAME = "statusbook.yml"


class Entry(NamedTuple):
    """Where a command lives (``module:attribute``) and the help ``statusbook --help`` shows."""

    target: str
    help: str


#: Every command, by name: the one place that lists them.
COMMANDS: dict[str, Entry] = {
    "action": Entry(
        "statusbook.cli.incidents:action",
        "Add a postmortem action item TITLE to RECORD, or close one with --close.",
    ),
    "actions": Entry(
        "statusbook.cli.actions:actions",
        "List action items of postmortems and problem records, overdue ones flagged.",
    ),
    "build": Entry(
        "statusbook.cli.site:build",
        "Build the status site (strict; records with errors stop the build).",
    ),
    "import": Entry(
        "statusbook.cli.imports:import_group", "Import incidents from other status page tools."
    ),
    "init": Entry(
        "statusbook.cli.init:init", "Create a status repository in DIRECTORY (default: here)."
    ),
    "list": Entry("statusbook.cli.listing:list_records", "List records, newest first."),
    "maintenance": Entry(
        "statusbook.cli.maintenance:maintenance",
        "Schedule maintenance and record its start, completion or cancellation.",
    ),
    "new": Entry("statusbook.cli.incidents:new", "Open an incident; prints the new record's path."),
    "notify": Entry(
        "statusbook.cli.notify:notify",
        "Post new incidents, updates, resolutions and maintenance changes to webhooks.",
    ),
    "postmortem": Entry(
        "statusbook.cli.incidents:postmortem",
        "Add a postmortem (summary, root cause, action items) to RECORD, or publish it.",
    ),
    "problem": Entry(
        "statusbook.cli.problems:problem",
        "Problem records: the root causes behind incidents, their workarounds and action items.",
    ),
    "problems": Entry(
        "statusbook.cli.problems:problems_group",
        "Recurrence across problem records: a report, and incidents that look like a problem.",
    ),
    "reopen": Entry(
        "statusbook.cli.incidents:reopen",
        "Reopen the resolved incident RECORD: an update saying it is back, 'resolved' removed.",
    ),
    "resolve": Entry(
        "statusbook.cli.incidents:resolve",
        "Resolve RECORD: a closing update, the resolution time, components back to operational.",
    ),
    "schema": Entry(
        "statusbook.cli.validate:schema",
        "Print the JSON Schema of record or problem record front matter, or of the catalog.",
    ),
    "serve": Entry(
        "statusbook.cli.site:serve",
        "Serve the status site with live reload when a record or the catalog changes.",
    ),
    "show": Entry(
        "statusbook.cli.listing:show",
        "Show RECORD as readers see it at --now: status, components, timeline, postmortem.",
    ),
    "sla": Entry(
        "statusbook.cli.sla:sla", "Uptime, SLA met/breached and error budget per component."
    ),
    "subscriptions": Entry(
        "statusbook.cli.subscriptions:subscriptions",
        "Readers' email and webhook subscriptions: the service and its data.",
    ),
    "update": Entry(
        "statusbook.cli.incidents:update",
        "Post an update on RECORD (its id, or an unambiguous part of it).",
    ),
    "validate": Entry(
        "statusbook.cli.validate:validate",
        "Check records (default: every record) and the catalog.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the command ``name`` from its module (a ``KeyError`` if there is none).

    An import builds thousands of objects that live as long as the process (classes,
    functions, the schema, the rule table), and the cyclic garbage collector, run every
    few hundred allocations, would walk them again and again while they are built: a few
    milliseconds of every command's start. So it does not run during the import, and what
    the import built is then frozen out of its later passes (:func:`gc.freeze`).
    """
    module, _, attribute = COMMANDS[name].target.partition(":")
    collecting = gc.isenabled()
    gc.disable()
    try:
        command = getattr(importlib.import_module(module), attribute)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].target} is not a Click command")
    return command


class LazyGroup(click.Group):
    """A group whose commands are imported when they run, listed from :data:`COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's listing, shortened the way Click shortens, from the table: no imports."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self._short_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        if name in COMMANDS:
            return click.Command(name, help=COMMANDS[name].help).get_short_help_str(limit)
        command = self.get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    from statusbook.cli.common import AppContext

    ctx.obj = AppContext(config)


def main() -> None:
    cli(prog_name="statusbook")
