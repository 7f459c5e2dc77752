"""``statusbook init``: a team's own status repository in one command.

It asks for what the catalog needs (or takes flags, with ``--no-prompt``), then writes
the files from :mod:`statusbook.edit.scaffold`. A bad answer typed at a prompt is asked
again; a bad flag stops with a usage error (exit 2). Existing files are never overwritten:
if any would be, nothing is written (exit 1). ``--remove-examples`` turns a copy of the
statusbook repository (GitHub's "use this template") into the team's own; ``--refresh``
rewrites the files that follow from the catalog and statusbook's version.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

from statusbook import __version__
from statusbook.cli.common import EXIT_PROBLEMS, ConfigurationError
from statusbook.edit import scaffold
from statusbook.edit.scaffold import AnswerError, Answers, NewComponent
from statusbook.load.catalog import CatalogError
from statusbook.render.problem_report import render
from statusbook.timeutil import resolve_now

T = TypeVar("T")

COMPONENT_SYNTAX = "ID=NAME[;group=GROUP][;sla=PERCENT]"


class Refused(click.ClickException):
    """Writing would overwrite or remove something that is not ours to change: exit 1."""

    exit_code = EXIT_PROBLEMS


@click.command()
@click.argument(
    "directory", default=".", type=click.Path(file_okay=False, path_type=Path), required=False
)
@click.option("--name", help="The status page's name, e.g. 'Acme Status'.")
@click.option("--url", help="Its public address, e.g. https://status.acme.example/.")
@click.option("--language", help="en or id (Bahasa Indonesia). Default: en.")
@click.option("--time-zone", help="IANA zone for displayed times and months. Default: UTC.")
@click.option(
    "-c",
    "--component",
    "components",
    multiple=True,
    metavar=COMPONENT_SYNTAX,
    help="A component customers depend on, e.g. api='Public API' or "
    "'db=Databases;group=Data;sla=99.99'; repeatable.",
)
@click.option(
    "--statusbook-spec",
    default=f"statusbook=={__version__}",
    show_default=True,
    help="What the workflows install (requirements.txt): a version pin, "
    "'statusbook @ git+https://…@TAG' or a wheel's URL.",
)
@click.option(
    "--remove-examples",
    is_flag=True,
    help="In a copy of the statusbook repository: remove the example records, replace the "
    "example catalog with yours and drop its demo: block.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Rewrite mkdocs.yml and .github/ from this statusbook's templates and the catalog "
    "(after an upgrade or a component change); asks nothing.",
)
@click.option(
    "--prompt/--no-prompt",
    "prompt",
    default=None,
    help="Ask for missing values (default: when run in a terminal).",
)
def init(
    directory: Path,
    name: str | None,
    url: str | None,
    language: str | None,
    time_zone: str | None,
    components: tuple[str, ...],
    statusbook_spec: str,
    remove_examples: bool,
    refresh: bool,
    prompt: bool | None,
) -> None:
    """Create a status repository in DIRECTORY (default: here).

    Writes statusbook.yml, mkdocs.yml, requirements.txt (the pinned statusbook), an empty
    incidents/, the pull-request, publish and self-service workflows, the issue form, the
    pull-request template and a README for operators. It never overwrites a file.
    """
    if refresh:
        if remove_examples:
            raise click.UsageError("--refresh and --remove-examples do different things; use one")
        _refresh(directory)
        return
    interactive = prompt if prompt is not None else sys.stdin.isatty() and sys.stdout.isatty()
    answers = _answers(
        interactive, name, url, language, time_zone, components, _spec(statusbook_spec)
    )
    if remove_examples:
        _remove_examples(directory, answers)
    else:
        _create(directory, answers)


# --- asking -------------------------------------------------------------------------------


def _answers(
    interactive: bool,
    name: str | None,
    url: str | None,
    language: str | None,
    time_zone: str | None,
    components: Sequence[str],
    spec: str,
) -> Answers:
    ask = _Asker(interactive)
    return Answers(
        name=ask(name, "--name", "Site name (what readers see)", scaffold.check_name),
        url=ask(url, "--url", "Public address (https://…)", scaffold.check_url),
        language=ask(language, "--language", "Language (en, id)", scaffold.check_language, "en"),
        time_zone=ask(
            time_zone, "--time-zone", "Time zone (IANA)", scaffold.check_time_zone, "UTC"
        ),
        components=_components(ask, components),
        statusbook_spec=spec,
        monitored_since=resolve_now(None).date(),
    )


class _Asker:
    """A flag's value, checked (a usage error if bad), or an answer asked until it is good."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive

    def __call__(
        self,
        given: str | None,
        option: str,
        question: str,
        check: Callable[[str], T],
        default: str | None = None,
    ) -> T:
        if given is not None:
            try:
                return check(given)
            except AnswerError as error:
                raise click.BadParameter(str(error), param_hint=option) from None
        if self.interactive:
            return click.prompt(question, default=default, value_proc=_reasking(check))
        if default is not None:
            return check(default)
        raise click.UsageError(f"missing {option} (or run in a terminal to be asked)")


def _reasking(check: Callable[[str], T]) -> Callable[[str], T]:
    """click.prompt asks again when its value_proc raises a UsageError."""

    def proc(text: str) -> T:
        try:
            return check(text)
        except AnswerError as error:
            raise click.UsageError(str(error)) from None

    return proc


def _components(ask: _Asker, given: Sequence[str]) -> tuple[NewComponent, ...]:
    if given:
        parsed: list[NewComponent] = []
        for text in given:
            try:
                parsed.append(scaffold.parse_component(text, [c.id for c in parsed]))
            except AnswerError as error:
                raise click.BadParameter(str(error), param_hint="--component") from None
        return tuple(parsed)
    if not ask.interactive:
        raise click.UsageError(
            f"give at least one --component {COMPONENT_SYNTAX} (or run in a terminal to be asked)"
        )
    click.echo("The components customers depend on, one at a time; an empty id ends the list.")
    chosen: list[NewComponent] = []
    while True:
        component = _ask_component([c.id for c in chosen])
        if component is None:
            return tuple(chosen)
        chosen.append(component)


def _ask_component(taken: list[str]) -> NewComponent | None:
    def check_id(text: str) -> str | None:
        if not text.strip():
            if not taken:
                raise AnswerError("a status page needs at least one component")
            return None
        return scaffold.check_component_id(text, taken)

    component_id = click.prompt(
        "Component id (e.g. api)" if not taken else "Next component id (empty to finish)",
        default="",
        show_default=False,
        value_proc=_reasking(check_id),
    )
    if component_id is None:
        return None
    name = click.prompt("  Name customers read", value_proc=_reasking(_nonempty_name))
    group = click.prompt(
        "  Group (optional)", default="", show_default=False, value_proc=_reasking(_group)
    )
    sla = click.prompt(
        "  SLA target in percent (optional)",
        default="",
        show_default=False,
        value_proc=_reasking(_sla),
    )
    return NewComponent(component_id, name, group, sla)


def _nonempty_name(text: str) -> str:
    if not text.strip():
        raise AnswerError("the name is empty; write what customers call it, e.g. Public API")
    return text.strip()


def _group(text: str) -> str | None:
    if not text.strip():
        return None
    scaffold.group_id(text)
    return text.strip()


def _sla(text: str) -> str | None:
    return scaffold.check_sla(text) if text.strip() else None


def _spec(text: str) -> str:
    if not text.strip() or "\n" in text:
        raise click.BadParameter(
            "write one pip requirement, e.g. statusbook==0.1.0", param_hint="--statusbook-spec"
        )
    return text.strip()


# --- writing ------------------------------------------------------------------------------


def _create(directory: Path, answers: Answers) -> None:
    files = _rendered(answers)
    clashes = scaffold.existing(directory, files)
    if clashes:
        listed = "\n".join(f"  {directory / name}" for name in clashes)
        raise Refused(
            f"these files exist already, and init never overwrites a file:\n{listed}\n"
            "Nothing was written. Choose an empty folder; in a copy of the statusbook "
            "repository, use --remove-examples."
        )
    scaffold.write_new(directory, files)
    click.echo(f"Created a status repository for {answers.name} in {directory}:")
    for name in files:
        click.echo(f"  {name}")
    click.echo(
        "\nNext:\n"
        f"  cd {directory}\n"
        "  statusbook validate && statusbook build     # the site in site/\n"
        "  git init -b main && git add . && git commit -m 'Status page'\n"
        "Then follow 'Setting it up on GitHub' in its README.md."
    )


def _rendered(answers: Answers) -> dict[str, str]:
    try:
        return scaffold.repository_files(answers)
    except CatalogError as error:  # a bug: the answers were checked one by one
        click.echo(render(error.problems, 0, "text"), err=True)
        raise ConfigurationError("the catalog init would write is invalid") from None


def _remove_examples(directory: Path, answers: Answers) -> None:
    try:
        removal = scaffold.remove_examples(directory, answers)
    except scaffold.NotExamples as error:
        raise Refused(str(error)) from None
    except CatalogError as error:
        click.echo(render(error.problems, 0, "text"), err=True)
        raise ConfigurationError(f"the catalog in {directory} is invalid") from None
    click.echo(f"Removed {len(removal.removed)} example records:")
    for name in removal.removed:
        click.echo(f"  {name}")
    click.echo("Rewrote: " + ", ".join(removal.rewritten))
    if removal.kept:
        click.echo("Kept records that are not examples (check their components):")
        for name in removal.kept:
            click.echo(f"  {name}")


def _refresh(directory: Path) -> None:
    try:
        changed = scaffold.refresh(directory)
    except CatalogError as error:
        click.echo(render(error.problems, 0, "text"), err=True)
        raise ConfigurationError(f"the catalog in {directory} is invalid") from None
    click.echo(("Rewrote: " + ", ".join(changed)) if changed else "Everything is up to date.")
