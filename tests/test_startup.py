"""The CLI answers at once: a command imports what it needs and nothing else.

``statusbook --help`` lists the commands from the table in ``statusbook.cli`` without
importing them, so the table must say what the commands themselves say; and each command
must leave the heavy parts of the package (MkDocs, the page renderers, the feed and
calendar writers, the round-trip YAML editor) unimported. What a command imports is
checked in a fresh interpreter, as a person runs it; how long that takes is the
benchmark's business (``python -m statusbook.benchmarks.startup``), not a test's.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from statusbook.cli import CATALOG_FILE_NAME, COMMANDS, cli, load_command
from statusbook.load import catalog

from .conftest import DEMO_ROOT

#: Never needed to list, show or check records.
HEAVY = (
    "mkdocs",
    "material",
    "jinja2",
    "markdown",
    "pymdownx",
    "feedgen",
    "icalendar",
    "lxml",
    "statusbook.render.pages",
    "statusbook.render.feeds",
    "statusbook.render.ical",
    "statusbook.render.statuspage",
    "statusbook.render.text",
    "statusbook.mkdocs",
    "statusbook.notifications",
    "statusbook.importers",
)
DEMO_NOW = "2026-11-21T06:00:00Z"
DEMO_RECORD = "2026-11-21-api-elevated-error-rates"


def test_the_table_gives_each_commands_own_short_help():
    for name, entry in COMMANDS.items():
        command = load_command(name)
        listed = click.Command(name, help=entry.help)
        for limit in (20, 45, 60, 80, 200):
            assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), name


def test_every_command_in_the_table_is_reachable_under_its_name():
    context = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
    assert sorted(cli.list_commands(context)) == sorted(COMMANDS)
    assert set(cli.commands) == set(COMMANDS)  # nothing registered behind the table's back


def test_help_lists_the_commands_as_click_would_having_imported_them():
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=80)
    assert lazy.exit_code == 0
    context = click.Context(cli, info_name="statusbook", terminal_width=80)
    formatter = context.make_formatter()
    click.Group.format_commands(cli, context, formatter)  # Click's own: imports every command
    assert formatter.getvalue() in lazy.output
    for name in COMMANDS:
        assert f"\n  {name} " in lazy.output


def test_an_unknown_command_is_refused_as_click_refuses_it():
    result = CliRunner().invoke(cli, ["lsit"])
    assert result.exit_code == 2
    assert "No such command 'lsit'" in result.output


def test_the_catalog_name_in_help_is_the_loaders():
    assert CATALOG_FILE_NAME == catalog.CATALOG_FILE_NAME


# --- what a command imports, in a fresh interpreter ----------------------------------------


#: Printed as a Python literal, not JSON: importing ``json`` here would hide whether the
#: command imports it.
_RUN = """\
import atexit, sys
atexit.register(lambda: print(sorted(sys.modules), file=sys.stderr))
sys.argv = ["statusbook", *sys.argv[1:]]
from statusbook.cli import main
main()
"""


def imported_by(arguments: list[str], cwd: Path) -> set[str]:
    """The modules loaded by the time ``statusbook ARGUMENTS`` exits."""
    env = {k: v for k, v in os.environ.items() if k != "STATUSBOOK_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(ast.literal_eval(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def _package(module: str) -> str:
    """``markdown`` for ``markdown.core``; ``statusbook.render.feeds`` for itself."""
    parts = module.split(".")
    return ".".join(parts[:3]) if parts[0] == "statusbook" else parts[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(DEMO_ROOT, root)
    return root


def test_help_imports_no_command(demo):
    modules = imported_by(["--help"], demo)
    assert sorted(m for m in modules if m.startswith("statusbook")) == [
        "statusbook",
        "statusbook.cli",
    ]
    assert not {"yaml", "ruamel", "nh3", *HEAVY} & {m.split(".")[0] for m in modules}


#: The commands that only read records, each as a person types it on the examples.
READING_COMMANDS = pytest.mark.parametrize(
    "arguments",
    [
        ["validate", "--now", DEMO_NOW],
        ["list", "--now", DEMO_NOW],
        ["show", DEMO_RECORD, "--now", DEMO_NOW],
    ],
    ids=["validate", "list", "show"],
)


@READING_COMMANDS
def test_reading_records_imports_no_renderer_site_or_network_code(demo, arguments):
    modules = imported_by(arguments, demo)
    heavy = sorted({_package(m) for m in _heavy(modules)})
    assert not heavy, (
        f"statusbook {arguments[0]} imports {', '.join(heavy)}: import it inside the function "
        "that uses it, after a cheap check that it is needed, so the CLI answers at once "
        "(python -m statusbook.benchmarks.startup)"
    )
    assert not {"http", "urllib.request", "email", "sqlalchemy"} & modules


@READING_COMMANDS
def test_reading_records_creates_no_dataclass_and_reads_no_zone_database(demo, arguments):
    """The two costs that made a read-only command take three times a bare Click process:
    a dataclass compiles its methods when its class is created (about 1 ms each on Python
    3.11, and there were fifty), and a catalog in UTC needs no zone database."""
    modules = imported_by(arguments, demo)
    assert "dataclasses" not in modules, (
        f"statusbook {arguments[0]} imports dataclasses: value objects on the read-only path "
        "are named tuples or plain classes (see statusbook.model)"
    )
    assert "zoneinfo" not in modules


def test_validate_imports_no_round_trip_editor_and_no_git(demo):
    modules = imported_by(["validate", "--now", DEMO_NOW], demo)
    assert not {m for m in modules if m.split(".")[0] == "ruamel"}
    assert not {"statusbook.io.git", "statusbook.load.guard", "subprocess"} & modules


def test_list_imports_no_round_trip_editor(demo):
    modules = imported_by(["list", "--now", DEMO_NOW], demo)
    assert not {m for m in modules if m.split(".")[0] == "ruamel"}


#: Only writing a record needs these (the atomic replace, its temporary files, a diff):
#: reading commands leave them unimported. (:mod:`json` is a reader's too: the translations
#: that spot a postmortem placeholder are JSON files.)
WRITERS = ("statusbook.io.atomic", "tempfile", "shutil", "difflib")
#: Only a text holding markup needs the HTML parser (the examples' texts hold none).
MARKUP_PARSERS = ("statusbook.htmlscan", "html.parser", "html.entities")


@READING_COMMANDS
def test_reading_records_imports_nothing_only_writing_or_markup_needs(demo, arguments):
    modules = imported_by(arguments, demo)
    unneeded = {*WRITERS, *MARKUP_PARSERS} - ({"difflib"} if arguments[0] == "show" else set())
    assert not unneeded & modules, (
        f"statusbook {arguments[0]} imports {', '.join(sorted(unneeded & modules))}: import "
        "it in the function that needs it, after a cheap check that it is needed"
    )


def test_validate_imports_no_sanitiser(demo):
    assert "nh3" not in imported_by(["validate", "--now", DEMO_NOW], demo)


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_a_command_leaves_the_garbage_collector_as_it_was(collecting):
    """A command's import runs without the cyclic collector (a few ms of every start-up),
    and the collector is then as the caller had it: on for the CLI, off for a caller that
    turned it off."""
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        assert isinstance(load_command("sla"), click.Command)
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()
