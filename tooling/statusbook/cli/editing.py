"""What the record-editing commands share: the session, options, prompts and refusals.

The commands are a thin layer over :mod:`statusbook.edit`: they turn what a person typed
(or a script passed) into values, ask for what is missing when a person is at a terminal,
and map domain errors to messages and exit codes — 0 done, 1 refused (the validator's
problems are printed, nothing is written), 2 usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from statusbook import edit
from statusbook.cli.common import EXIT_PROBLEMS, AppContext, now_option, parse_now
from statusbook.edit.when import HELP as WHEN_HELP
from statusbook.edit.when import Direction, WhenError, describe, parse_when, zone_named
from statusbook.i18n import label
from statusbook.load.schema import suggest
from statusbook.model import (
    IMPAIRED_STATUSES,
    ActionStatus,
    Catalog,
    ComponentStatus,
    Impact,
    Kind,
    UpdateStatus,
)
from statusbook.paths import display_path
from statusbook.render.problem_report import render

if TYPE_CHECKING:
    from statusbook.edit.problems import ProblemChange

F = TypeVar("F", bound=Callable[..., Any])

INCIDENT_KINDS = [kind.value for kind in Kind if kind is not Kind.MAINTENANCE]
OPENING_STATUSES = [
    status.value
    for status in (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED, UpdateStatus.MONITORING)
]
#: The component status an impact suggests when only the component id is given.
STATUS_FOR_IMPACT = {
    Impact.CRITICAL: ComponentStatus.MAJOR_OUTAGE,
    Impact.MAJOR: ComponentStatus.PARTIAL_OUTAGE,
    Impact.MINOR: ComponentStatus.DEGRADED_PERFORMANCE,
    Impact.NONE: ComponentStatus.DEGRADED_PERFORMANCE,
}
#: The texts posted when a person gives none: keys of :mod:`statusbook.i18n`'s tables, in
#: the site's language (:meth:`Session.default_message`).
RESOLVED_MESSAGE = "cli.resolved"
STARTED_MESSAGE = "cli.maintenance_started"
COMPLETED_MESSAGE = "cli.maintenance_completed"
CANCELLED_MESSAGE = "cli.maintenance_cancelled"

#: The statuses ``update`` posts, by kind of record. Resolving, starting, completing and
#: cancelling record a time as well, so they have commands of their own.
UPDATE_STATUSES: dict[bool, tuple[UpdateStatus, ...]] = {
    False: (
        UpdateStatus.INVESTIGATING,
        UpdateStatus.IDENTIFIED,
        UpdateStatus.MONITORING,
        UpdateStatus.UPDATE,
    ),
    True: (UpdateStatus.SCHEDULED, UpdateStatus.VERIFYING, UpdateStatus.UPDATE),
}
#: Where each status ``update`` does not post is posted instead.
STATUS_COMMANDS = {
    UpdateStatus.RESOLVED: "statusbook resolve",
    UpdateStatus.IN_PROGRESS: "statusbook maintenance start",
    UpdateStatus.COMPLETED: "statusbook maintenance complete",
    UpdateStatus.CANCELLED: "statusbook maintenance cancel",
}
#: Component statuses a new incident can give (operational is no impact; maintenance is
#: scheduled with ``maintenance new``), and those a maintenance window can.
INCIDENT_COMPONENT_STATUSES = tuple(
    status for status in IMPAIRED_STATUSES if status is not ComponentStatus.UNDER_MAINTENANCE
)
WINDOW_COMPONENT_STATUSES = IMPAIRED_STATUSES


class Refused(click.ClickException):
    """The core refused; its problems were already printed. Exit code 1."""

    exit_code = EXIT_PROBLEMS


# --- shared options ---------------------------------------------------------------------------


def combine(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


at_option = click.option(
    "--at", "at_text", metavar="WHEN", help=f"When it happened (default: now). {WHEN_HELP}."
)
author_option = click.option(
    "--author", envvar="STATUSBOOK_AUTHOR", help="Who writes the update [env STATUSBOOK_AUTHOR]."
)
message_option = click.option("-m", "--message", help="What customers read (Markdown).")
tz_option = click.option(
    "--tz",
    metavar="ZONE",
    help="Read and show times in this IANA zone (default: the site's time_zone).",
)
editing_options = combine(
    click.option("--edit", "open_editor", is_flag=True, help="Review the record in $EDITOR first."),
    click.option("--dry-run", is_flag=True, help="Print the diff; write nothing."),
    click.option(
        "--prompt/--no-prompt",
        "prompt",
        default=None,
        help="Ask for missing values (default: when run in a terminal).",
    ),
    now_option,
)
#: For commands that take times.
writing_options = combine(tz_option, editing_options)
#: ``statusbook action`` and ``statusbook problem action``: add an item, or close one.
action_item_options = combine(
    click.option("--owner", help="Who is accountable for a new item."),
    click.option("--due", metavar="YYYY-MM-DD", help="Target date of a new item."),
    click.option("--link", metavar="URL", help="Ticket or pull request of a new item."),
    click.option(
        "--close",
        "close_ref",
        metavar="N|TEXT",
        help="Close the item with this number (1 = first) or whose title contains TEXT.",
    ),
    click.option(
        "--status",
        type=click.Choice([status.value for status in ActionStatus]),
        help="Status for a new item (default open) or for --close (default done).",
    ),
)


def parse_date(text: str | None, option: str) -> date | None:
    """A calendar date as a person types it (``2026-12-01``), or a usage error naming
    ``option``."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date like 2026-12-01", param_hint=option
        ) from None


class Session:
    """What every command works with: the catalog, the instant, the zone, and how to ask.

    Everything a person types at a prompt is kept (:attr:`typed`), so a refusal at the end
    can save it instead of throwing it away (:func:`refusals`).
    """

    def __init__(self, catalog: Catalog, now: datetime, zone: tzinfo, interactive: bool) -> None:
        self.catalog = catalog
        self.now = now
        self.zone = zone
        self.interactive = interactive
        self.typed: dict[str, str] = {}

    def when(self, text: str | None, option: str, direction: Direction = "past") -> datetime | None:
        if text is None:
            return None
        try:
            return parse_when(text, now=self.now, zone=self.zone, direction=direction)
        except WhenError as error:
            raise click.BadParameter(str(error), param_hint=option) from None

    def at(self, text: str | None) -> datetime:
        return self.when(text, "--at") or self.now

    def show(self, instant: datetime) -> str:
        return describe(instant, self.zone)

    def default_message(self, key: str) -> str:
        """A default text (:data:`RESOLVED_MESSAGE` …) in the site's language."""
        return label(self.catalog.site.language, key)

    def ask(
        self,
        value: str | None,
        option: str,
        question: str,
        check: Check | None = None,
        **prompt: Any,
    ) -> str:
        """``value``, or the answer to ``question`` at a terminal; a usage error otherwise.

        An answer is checked as it is typed (non-empty, and ``check``) and asked again
        while it will not do, so nothing typed before it is lost to a mistake in it.
        """
        if value is not None and value.strip():
            return value
        if not self.interactive:
            raise click.UsageError(f"missing {option} (or run in a terminal to be asked)")
        return self.ask_checked(question, _all(_not_empty, check), **prompt)

    def ask_checked(self, question: str, check: Check, **prompt: Any) -> str:
        """Ask until the answer passes ``check``, which returns what is wrong, or ``None``."""
        while True:
            answer = click.prompt(question, **prompt)
            problem = check(str(answer))
            if problem is None:
                if isinstance(answer, str) and answer.strip():
                    self.typed[question] = answer
                return str(answer)
            click.echo(f"{problem}; try again.", err=True)


#: A check of a typed answer: what is wrong with it, or ``None`` when it will do.
Check = Callable[[str], "str | None"]


def _not_empty(answer: str) -> str | None:
    return None if answer.strip() else "this cannot be empty"


def _all(*checks: Check | None) -> Check:
    def check(answer: str) -> str | None:
        for one in checks:
            problem = one(answer) if one is not None else None
            if problem is not None:
                return problem
        return None

    return check


def session_for(
    app: AppContext, now: str | None, tz: str | None, prompt: bool | None = None
) -> Session:
    current = parse_now(now)
    catalog = app.catalog()
    try:
        zone = zone_named(tz or catalog.site.time_zone)
    except WhenError as error:
        raise click.BadParameter(str(error), param_hint="--tz") from None
    interactive = prompt if prompt is not None else sys.stdin.isatty() and sys.stdout.isatty()
    return Session(catalog, current, zone, interactive)


@contextmanager
def refusals(session: Session | None = None) -> Iterator[None]:
    """Domain errors → a message on stderr and exit 1; never a traceback.

    When a person typed answers at prompts, a refusal keeps them: the would-be record (or,
    when there is none, the answers) is saved to a file the message names.
    """
    try:
        yield
    except edit.EditError as error:
        if error.problems:
            click.echo(render(error.problems, 1, "text", color=sys.stderr.isatty()), err=True)
        raise Refused(error.message + _kept(session, error.draft)) from None
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        raise Refused(
            f"cannot save{where}: {error.strerror or error}; the old file is unchanged"
            + _kept(session, None)
        ) from None


def _kept(session: Session | None, draft: bytes | None) -> str:
    """Save what the person typed; the clause that says where, or nothing."""
    if session is None or not session.typed:
        return ""
    typed = draft.decode("utf-8", "replace") if draft is not None else None
    if typed is None or not all(answer.strip() in typed for answer in session.typed.values()):
        typed = "".join(f"{question}:\n{answer}\n\n" for question, answer in session.typed.items())
    session.typed.clear()  # saved once, even if the refusal passes through again
    return f"; what you typed is saved in {_rescue(typed)}"


def parse_components(
    values: Sequence[str],
    catalog: Catalog,
    default: ComponentStatus | None,
    allowed: Sequence[ComponentStatus] = tuple(ComponentStatus),
) -> dict[str, ComponentStatus]:
    """``api=major_outage``, ``api`` (with ``default``) or ``api=down,dashboard``; names work too.

    Each component must be in the catalog (the nearest id is suggested) and each status one
    of ``allowed``: a usage error names the first that is not, before anything is written.
    """
    result: dict[str, ComponentStatus] = {}
    options = ", ".join(status.value for status in allowed)
    for value in values:
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            typed, _, status = (item.strip() for item in part.partition("="))
            component = component_id(typed, catalog)
            if not status:
                if default is None:
                    raise click.BadParameter(
                        f"{part!r} needs a status, e.g. {component}={allowed[-1].value}",
                        param_hint="--component",
                    )
                result[component] = default
            elif status in {choice.value for choice in allowed}:
                result[component] = ComponentStatus(status)
            else:
                what = "a status here" if status in set(ComponentStatus) else "a component status"
                hint = suggest(status, [choice.value for choice in allowed])
                raise click.BadParameter(
                    f"{status!r} is not {what}; use one of: {options}"
                    + (f" ({hint})" if hint else ""),
                    param_hint="--component",
                )
    return result


def component_id(typed: str, catalog: Catalog, option: str = "--component") -> str:
    """The catalog id ``typed`` means (an id, or a component's name); the nearest if none."""
    names = {component.name.casefold(): component.id for component in catalog.components}
    component = names.get(typed.strip().casefold(), typed.strip())
    known = catalog.component_ids
    if component not in known:
        hint = suggest(component, known) or f"use one of: {', '.join(known)}"
        raise click.BadParameter(f"{typed!r} is not in the catalog; {hint}", param_hint=option)
    return component


def components_answer(
    session: Session,
    question: str,
    default: ComponentStatus | None,
    allowed: Sequence[ComponentStatus],
) -> dict[str, ComponentStatus]:
    """Ask for components until the answer names real ones with statuses ``allowed``."""
    found: dict[str, ComponentStatus] = {}

    def check(answer: str) -> str | None:
        try:
            found.update(parse_components((answer,), session.catalog, default, allowed))
        except click.BadParameter as error:
            return error.message
        return None

    session.ask_checked(question, check, default="", show_default=False)
    return found


#: How often a change is planned again when someone else's edit lands first.
REPLANS = 3


#: What :func:`finish` writes: a validated change to a record or to a problem record.
PlannedT = TypeVar("PlannedT", "edit.Change", "ProblemChange")


def finish(
    session: Session,
    plan: Callable[[], PlannedT],
    open_editor: bool,
    dry_run: bool,
    revise: Callable[[PlannedT, str], PlannedT] | None = None,
) -> PlannedT:
    """Plan the change, review it in $EDITOR if asked, then print the diff (dry run) or write it.

    When the record changes between reading and writing — someone else's update landed
    first — the write is refused (:func:`statusbook.edit.write` checks under the file's
    lock), and a change nobody reviewed by hand is planned again on the new version, which
    is validated again: both updates are kept, or this one is refused for a reason that
    now holds (the incident was resolved meanwhile). A change reviewed in $EDITOR is
    never re-planned; it is refused with the reviewed text saved.

    ``revise`` checks a person's edited text (a record's, by default).
    """
    change = plan()
    if open_editor:
        change = _review(change, revise or _revise_record(session))
    _warn(change)
    if dry_run:
        click.echo(change.diff(), nl=False)
        click.echo("Dry run: nothing was written.", err=True)
        return change
    attempt = 1
    while True:
        try:
            edit.write(change)
            return change
        except edit.BusyError:
            _keep_reviewed(change, open_editor)
            raise
        except edit.ConflictError as error:
            if open_editor or change.is_new or attempt >= REPLANS:
                if open_editor:
                    error.message += f"; your edited text is saved in {_rescue_change(change)}"
                raise
        except OSError:
            if open_editor:
                click.echo(f"your edited text is saved in {_rescue_change(change)}", err=True)
            raise
        attempt += 1
        click.echo(
            f"{display_path(change.path)} changed while this command ran (someone else's "
            "edit); applying this one to the new version",
            err=True,
        )
        change = plan()
        _warn(change)


def _warn(change: PlannedT) -> None:
    if change.warnings:
        click.echo(render(change.warnings, 1, "text", color=sys.stderr.isatty()), err=True)


def _keep_reviewed(change: PlannedT, open_editor: bool) -> None:
    if open_editor:
        click.echo(f"your edited text is saved in {_rescue_change(change)}", err=True)


def _rescue_change(change: PlannedT) -> str:
    return _rescue(change.after.decode("utf-8"))


def _revise_record(session: Session) -> Callable[[Any, str], Any]:
    def revise(change: edit.Change, text: str) -> edit.Change:
        return edit.revise(session.catalog, change, text, now=session.now)

    return revise


def _review(change: PlannedT, revise: Callable[[PlannedT, str], PlannedT]) -> PlannedT:
    edited = click.edit(change.after.decode("utf-8"), extension=".md", require_save=False)
    if edited is None:
        return change
    try:
        return revise(change, edited)
    except edit.EditRefused as error:
        rescue = _rescue(edited)
        error.message += f"; your edited text is saved in {rescue}"
        raise


def _rescue(text: str) -> str:
    """Keep a person's refused text somewhere safe (never lose what they typed)."""
    import tempfile  # only a refusal needs it; list and show should not pay for it

    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", prefix="statusbook-", suffix=".md", delete=False
    ) as handle:
        handle.write(text)
    return handle.name


def done(verb: str, change: edit.FileChange, detail: str, dry_run: bool) -> None:
    """What was done, with its time in UTC and locally; a dry run says it too (on stderr,
    after the diff), so the time can be checked before it is written."""
    if dry_run:
        click.echo(f"{verb} {display_path(change.path)} (dry run, not written): {detail}", err=True)
    else:
        click.echo(f"{verb} {display_path(change.path)}: {detail}")


def find(session: Session, ref: str, maintenance: bool | None = None) -> Path:
    """The record ``ref`` names, found before anything is asked: a typo in the id is
    reported before a person types a message for it."""
    with refusals():
        return edit.find_record(session.catalog, ref, maintenance=maintenance)


def record_step(
    verb: str,
    operation: Callable[..., edit.Change],
    default_message: str,
    doc: str,
    *,
    maintenance: bool,
    prompt_label: str = "Message",
) -> Callable[..., None]:
    """A command that posts one closing or lifecycle update on RECORD (resolve, maintenance
    start/complete/cancel): the same options, prompts and output for each."""

    @click.argument("record")
    @message_option
    @author_option
    @at_option
    @writing_options
    @click.pass_obj
    def command(
        app: AppContext,
        record: str,
        message: str | None,
        author: str | None,
        at_text: str | None,
        tz: str | None,
        open_editor: bool,
        dry_run: bool,
        prompt: bool | None,
        now: str | None,
    ) -> None:
        session = session_for(app, now, tz, prompt)
        path = find(session, record, maintenance)
        at = session.at(at_text)
        default = session.default_message(default_message)
        if message is None:
            message = (
                session.ask_checked(prompt_label, _not_empty, default=default)
                if session.interactive
                else default
            )
        with refusals(session):
            change = finish(
                session,
                lambda: operation(
                    session.catalog,
                    str(path),
                    message=message,
                    at=at,
                    now=session.now,
                    author=author,
                ),
                open_editor,
                dry_run,
            )
        done(verb, change, f"at {session.show(at)}", dry_run)

    command.__doc__ = doc
    return command
