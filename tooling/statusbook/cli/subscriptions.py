"""``statusbook subscriptions``: run the subscription service, and answer for its data.

``serve`` runs the service; ``list``, ``export``, ``remove`` and ``stats`` are the
operator's: export and remove serve data-protection requests (everything stored about an
address; delete all of it). The operator commands need only the database, so they run
where the SMTP relay's settings are not set.

The service's dependencies are an optional extra (``statusbook[subscriptions]``): without
them, these commands say how to install them instead of failing on an import.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from statusbook.cli.common import EXIT_OK, EXIT_PROBLEMS, AppContext, ConfigurationError

if TYPE_CHECKING:
    from statusbook.subscriptions.store import Store, Subscriber


def _require_extra() -> None:
    try:
        import sqlalchemy  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            "the subscription service needs its optional dependencies: "
            "pip install 'statusbook[subscriptions]'"
        ) from None


@click.group("subscriptions")
def subscriptions() -> None:
    """Readers' email and webhook subscriptions: the service and its data."""


@subscriptions.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="STATUSBOOK_SUBSCRIPTIONS_HOST",
    help="Address to listen on (0.0.0.0 in a container).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8080,
    show_default=True,
    envvar="STATUSBOOK_SUBSCRIPTIONS_PORT",
    help="Port to listen on.",
)
@click.option(
    "--no-workers",
    is_flag=True,
    help="Serve requests only; leave sending to other instances.",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    envvar="FORWARDED_ALLOW_IPS",
    help="Proxies trusted to say the client's address (X-Forwarded-For), e.g. 10.0.0.1; "
    "the rate limits count per client address.",
)
@click.pass_obj
def serve(
    app: AppContext, host: str, port: int, no_workers: bool, forwarded_allow_ips: str | None
) -> None:
    """Run the subscription service (an ASGI app served by uvicorn).

    Settings come from the catalog's 'subscriptions:' section and the environment
    (database, SMTP relay, secrets; see the README). A missing or bad setting stops it at
    once with a message naming every problem. The database is created or upgraded first.
    """
    _require_extra()
    from statusbook.subscriptions.server import StartError, run
    from statusbook.subscriptions.settings import SettingsError, load_settings

    catalog = app.catalog()
    try:
        settings = load_settings(catalog)
        run(
            settings,
            host=host,
            port=port,
            workers=not no_workers,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    except (SettingsError, StartError) as error:
        raise ConfigurationError(str(error)) from None


@subscriptions.command("list")
@click.option(
    "--state",
    type=click.Choice(["all", "confirmed", "pending"]),
    default="all",
    show_default=True,
    help="Confirmed subscribers, those who have not confirmed yet, or both.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def list_subscribers(app: AppContext, state: str, output_format: str) -> None:
    """List subscribers: address, kind, since when, what they follow."""
    store = _store(app)
    try:
        confirmed = {"all": None, "confirmed": True, "pending": False}[state]
        found = store.subscribers(confirmed=confirmed)
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps([_describe(one) for one in found], indent=2, ensure_ascii=False))
        return
    for one in found:
        since = _day(one.confirmed_at) if one.confirmed_at else "pending"
        follows = ", ".join(one.components) if not one.all_components else "all"
        click.echo(f"{one.kind.value:<8} {since:<10} {one.address}  [{follows}]")
    click.echo(f"{len(found)} subscriber{'' if len(found) == 1 else 's'}", err=True)


@subscriptions.command()
@click.argument("address")
@click.pass_obj
def export(app: AppContext, address: str) -> None:
    """Print everything stored about ADDRESS as JSON (a data-protection access request)."""
    store = _store(app)
    try:
        found = store.find(_normal(address))
        document = [
            {**_describe(one), "deliveries": _history(store.history(one.id))} for one in found
        ]
    finally:
        store.close()
    click.echo(json.dumps({"address": _normal(address), "subscriptions": document}, indent=2))
    if not found:
        click.echo("nothing is stored about this address", err=True)


@subscriptions.command()
@click.argument("address")
@click.pass_obj
def remove(app: AppContext, address: str) -> None:
    """Delete ADDRESS and everything about it: its subscriptions and queued or sent mail.

    Exits 1 when nothing was stored about it.
    """
    store = _store(app)
    try:
        removed = store.remove(_normal(address))
    finally:
        store.close()
    if not removed:
        click.echo("nothing is stored about this address; nothing removed", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"removed {removed} subscription{'' if removed == 1 else 's'} and their mail")
    sys.exit(EXIT_OK)


@subscriptions.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def stats(app: AppContext, output_format: str) -> None:
    """Subscribers per kind and component, and the delivery queue by state."""
    store = _store(app)
    try:
        numbers = store.stats()
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps(numbers, indent=2))
        return
    for kind, counts in numbers["subscribers"].items():
        click.echo(f"{kind:<8} {counts['confirmed']} confirmed, {counts['pending']} pending")
    following = ", ".join(f"{name} {count}" for name, count in numbers["following"].items())
    click.echo(f"following: {following}")
    for state, channels in sorted(numbers["deliveries"].items()):
        parts = ", ".join(f"{channel} {count}" for channel, count in sorted(channels.items()))
        click.echo(f"deliveries {state}: {parts}")
    click.echo(f"events received: {numbers['events']}")


def _store(app: AppContext) -> Store:
    _require_extra()
    from sqlalchemy.exc import SQLAlchemyError

    from statusbook.subscriptions.server import database_url
    from statusbook.subscriptions.settings import redact_url
    from statusbook.subscriptions.store import Store

    url = database_url(app.catalog())
    try:
        return Store.open(url)
    except (SQLAlchemyError, OSError, ValueError) as error:
        raise ConfigurationError(
            f"cannot open the database {redact_url(url)}: {type(error).__name__}"
        ) from None


def _normal(address: str) -> str:
    from statusbook.subscriptions.addresses import AddressError, normalise_email

    if "://" in address:
        return address.strip()
    try:
        return normalise_email(address)
    except AddressError:
        return address.strip().lower()


def _describe(one: Subscriber) -> dict[str, Any]:
    return {
        "kind": one.kind.value,
        "address": one.address,
        "created_at": _iso(one.created_at),
        "confirmed_at": _iso(one.confirmed_at),
        "components": "all" if one.all_components else list(one.components),
    }


def _history(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {key: _iso(value) if isinstance(value, datetime) else value for key, value in row.items()}
        for row in rows
    ]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")
