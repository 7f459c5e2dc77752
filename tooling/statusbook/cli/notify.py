"""``statusbook notify``: push what changed since a revision to the catalog's webhooks."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from statusbook.cli.base_revision import read_base
from statusbook.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    AppContext,
    ConfigurationError,
    now_option,
    parse_now,
)
from statusbook.derive.snapshot import derive
from statusbook.io.atomic import locked
from statusbook.io.git import GitError
from statusbook.load.rules import validate_paths
from statusbook.model import Catalog, Subscriptions, Webhook
from statusbook.notifications.delivery import (
    Outcome,
    Redactor,
    Report,
    RetryPolicy,
    SentLog,
    StateError,
    check_url,
    deliver,
)
from statusbook.notifications.events import Message, find_events, plan, published
from statusbook.notifications.messages import Renderer
from statusbook.notifications.service import (
    TARGET,
    SignedTransport,
    secret_from,
    service_messages,
    urls_for,
)
from statusbook.paths import display_path

#: Where the sent-log lives unless --state says otherwise, relative to the catalog.
DEFAULT_STATE = Path(".statusbook") / "notify-state.json"


@click.command()
@click.option(
    "--base",
    metavar="REV",
    required=True,
    help="The revision subscribers were last told about (e.g. the previous deploy's commit). "
    "Changes between it and the working tree are sent.",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="STATUSBOOK_NOTIFY_STATE",
    help=f"The sent-log: which event went to which webhook. Default: {DEFAULT_STATE} next to "
    "the catalog.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@now_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.001),
    default=10.0,
    show_default=True,
    help="Seconds to wait for a webhook's answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Retries on 429, 5xx, timeouts and connection errors.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds before the first retry; doubles with each retry (Retry-After wins).",
)
@click.option(
    "--retry-budget",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Most seconds spent on one message, attempts and waits together.",
)
@click.pass_obj
def notify(
    app: AppContext,
    base: str,
    state_path: Path | None,
    dry_run: bool,
    now: str | None,
    timeout: float,
    retries: int,
    backoff: float,
    retry_budget: float,
) -> None:
    """Post new incidents, updates, resolutions and maintenance changes to webhooks.

    Compares the records at git revision REV with the working tree and sends one message
    per change to each webhook under 'notifications:' in the catalog whose filters match.
    Maintenance that started or completed by the clock since REV's commit counts too.
    Webhook URLs come from the environment variables the catalog names and are never
    printed. A sent-log makes a second run over the same range send nothing new.

    Exits 0 when everything was delivered (or nothing was due), 1 when some deliveries
    failed after retries, 2 on usage or configuration errors.
    """
    catalog = app.catalog()
    instant = parse_now(now)
    base_files, since = _base(catalog, base)
    webhooks = catalog.notifications.webhooks
    urls = _urls(webhooks, required=not dry_run)
    redact = Redactor(urls.values())
    service = catalog.subscriptions
    secret = _service_secret(catalog, required=not dry_run)

    validation = validate_paths(None, catalog, instant)
    skipped = len({problem.path for problem in validation.errors})
    if skipped:
        click.echo(
            f"warning: {skipped} record(s) with errors were left out; run statusbook validate",
            err=True,
        )
    snapshot = derive(catalog, validation.incidents, instant)
    events = find_events(published(base_files), snapshot, since=since)
    renderer = Renderer(snapshot)
    messages = plan(webhooks, events, renderer)
    for_service = service_messages(service, events, renderer) if service else []

    if not webhooks and service is None:
        click.echo(
            f"{_count(len(events), 'change')} since {base}; no webhooks are configured "
            "(add them under 'notifications: webhooks:' in the catalog)"
        )
        sys.exit(EXIT_OK)
    state_file = state_path or _default_state(catalog)
    if dry_run:
        _preview(messages + for_service, _sent_log(state_file), redact)
        sys.exit(EXIT_OK)
    policy = RetryPolicy(timeout=timeout, retries=retries, backoff=backoff, budget=retry_budget)
    # One run at a time per sent-log: a second run waits for the first to finish and then
    # finds its messages recorded, so a message still in flight is never sent twice.
    try:
        with locked(state_file.with_name(state_file.name + ".run"), timeout=RUN_WAIT):
            report = _deliver(
                Outgoing(messages, urls, for_service, service, secret),
                _sent_log(state_file),
                instant,
                policy,
                redact,
            )
    except TimeoutError as error:
        raise ConfigurationError(f"another statusbook notify is still running: {error}") from None
    summary = (
        f"{_count(report.count('sent'), 'message')} sent, {report.count('failed')} failed"
        f", {report.count('held')} held back, {report.count('already')} sent before"
    )
    click.echo(redact(summary))
    sys.exit(EXIT_PROBLEMS if report.failed else EXIT_OK)


#: How long a run waits for another run over the same sent-log (a run that spends every
#: retry budget on several webhooks takes minutes, not hours).
RUN_WAIT = 15 * 60.0


@dataclass(frozen=True)
class Outgoing:
    """What one run sends: messages to the catalog's webhooks, and to the service."""

    messages: list[Message]
    urls: dict[str, str]
    for_service: list[Message]
    service: Subscriptions | None
    secret: bytes | None


def _sent_log(path: Path) -> SentLog:
    try:
        return SentLog.load(path)
    except StateError as error:
        raise ConfigurationError(str(error)) from None


def _deliver(
    outgoing: Outgoing, log: SentLog, instant: datetime, policy: RetryPolicy, redact: Redactor
) -> Report:
    """The webhooks first, then readers' own subscriptions: each event once to the service,
    signed."""

    def show(outcome: Outcome) -> None:
        if outcome.result == "already":
            return
        line = f"{outcome.result:<6} {_describe(outcome.message)}"
        if outcome.detail:
            line += f": {outcome.detail}"
        click.echo(redact(line), err=not outcome.ok)

    try:
        report = deliver(
            outgoing.messages,
            outgoing.urls,
            log,
            now=instant,
            policy=policy,
            redact=redact,
            on_outcome=show,
        )
        if outgoing.service is not None and outgoing.secret is not None:
            to_service = deliver(
                outgoing.for_service,
                urls_for(outgoing.service),
                log,
                now=instant,
                policy=policy,
                transport=SignedTransport(outgoing.secret),
                redact=redact,
                on_outcome=show,
            )
            report = Report(report.outcomes + to_service.outcomes)
    except StateError as error:
        raise ConfigurationError(redact(str(error))) from None
    return report


def _base(catalog: Catalog, revision: str) -> tuple[dict[Path, bytes], datetime]:
    """The records ``revision`` published and its commit time (the clock's changes count
    after it). They are read through the base's own catalog and matched by id, so a
    renamed, moved or narrowed records folder announces nothing again; a catalog that
    moved is followed to where it was (notify is not the guard: after a reviewed move the
    next run must still send only what is new)."""
    try:
        published = read_base(catalog, revision, follow_moved_catalog=True)
        since = published.revision.time()
    except GitError as error:
        raise ConfigurationError(f"--base {revision}: {error}") from None
    if published.moved_catalog is not None:
        old = display_path(published.moved_catalog)
        click.echo(
            f"note: at {revision} the catalog was {old}; its records were read from there", err=True
        )
    return published.files, since


def _urls(webhooks: tuple[Webhook, ...], *, required: bool) -> dict[str, str]:
    """Each webhook's URL from its environment variable; problems name the variable only."""
    urls: dict[str, str] = {}
    problems: list[str] = []
    for webhook in webhooks:
        value = os.environ.get(webhook.url_env, "").strip()
        if not value:
            problems.append(
                f"webhook {webhook.name!r} needs the environment variable {webhook.url_env} "
                "(its URL), which is not set"
            )
            continue
        why = check_url(value)
        if why:
            problems.append(f"the environment variable {webhook.url_env} {why}")
            continue
        urls[webhook.name] = value
    if problems:
        text = "; ".join(problems)
        if required:
            raise ConfigurationError(text)
        click.echo(f"warning: {text} (a real run would stop here)", err=True)
    return urls


def _default_state(catalog: Catalog) -> Path:
    folder = catalog.path.parent if catalog.path is not None else Path.cwd()
    return folder / DEFAULT_STATE


def _service_secret(catalog: Catalog, *, required: bool) -> bytes | None:
    """The secret notify signs the service's events with (named by the catalog)."""
    service = catalog.subscriptions
    if service is None:
        return None
    secret = secret_from(os.environ, service)
    if secret is None:
        text = (
            f"the subscription service needs the environment variable {service.secret_env} "
            "(the secret notify signs its events with), which is not set"
        )
        if required:
            raise ConfigurationError(text)
        click.echo(f"warning: {text} (a real run would stop here)", err=True)
    return secret


def _describe(message: Message) -> str:
    webhook = message.webhook
    if webhook.name == TARGET:
        return f"{message.event.id} ({message.event.kind}) → the subscription service"
    return f"{message.event.id} ({message.event.kind}) → {webhook.type} webhook {webhook.name!r}"


def _preview(messages: list[Message], log: SentLog, redact: Redactor) -> None:
    due = [message for message in messages if not log.has(message.key)]
    for message in due:
        click.echo(redact(f"would send {_describe(message)} (${message.webhook.url_env})"))
        click.echo(redact(json.dumps(message.body, indent=2, ensure_ascii=False)))
    click.echo(
        f"dry run: {_count(len(due), 'message')} would be sent, "
        f"{len(messages) - len(due)} sent before; nothing was sent or recorded"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
