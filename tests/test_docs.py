"""The README documents every command (sqlite-utils' habit: a test keeps docs honest)."""

from __future__ import annotations

import click

from statusbook.cli import cli

from .conftest import REPO_ROOT


def _commands(group: click.Group, prefix: str = "statusbook") -> list[str]:
    """Every command's full name; the top group is lazy, so ask it, not its ``commands``."""
    names = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
    return names


def test_every_command_appears_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text()
    commands = _commands(cli)
    assert len(commands) >= 15
    missing = [
        name for name in commands if name not in readme and name.replace(" ", " ") not in readme
    ]
    assert not missing


def test_the_readme_gives_exactly_two_commands_for_a_fresh_machine():
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make serve", "make test"]
