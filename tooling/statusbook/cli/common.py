"""Pieces every command shares: the app context, ``--now``, exit codes.

Every command imports this module, so it imports nothing heavy itself: the catalog loader
and the problem report come in when a command first asks for the catalog.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statusbook.timeutil import TimestampError, resolve_now

if TYPE_CHECKING:
    from statusbook.model import Catalog

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class ConfigurationError(click.ClickException):
    exit_code = EXIT_USAGE


class AppContext:
    """What the group passes to every command: the catalog named by ``--config``, if any."""

    def __init__(self, config: Path | None) -> None:
        self.config = config

    def catalog(self, output_format: str = "text") -> Catalog:
        from statusbook.load.catalog import (
            CATALOG_FILE_NAME,
            CatalogError,
            find_catalog,
            load_catalog,
        )
        from statusbook.render.problem_report import render

        path = self.config or find_catalog(Path.cwd())
        if path is None:
            raise ConfigurationError(
                f"no {CATALOG_FILE_NAME} found here or in any folder above; "
                "run statusbook from your status repository or pass --config"
            )
        try:
            return load_catalog(path)
        except CatalogError as error:
            click.echo(render(error.problems, 0, output_format, color=_color()), err=True)
            raise ConfigurationError(f"the catalog {path} is invalid") from None


def _color() -> bool:
    return sys.stderr.isatty()


def parse_now(value: str | None) -> datetime:
    try:
        return resolve_now(value)
    except TimestampError as error:
        raise click.BadParameter(
            f"{error}; use ISO 8601 with a zone, e.g. 2026-11-20T14:05:00Z", param_hint="--now"
        ) from None


now_option = click.option(
    "--now",
    metavar="TIMESTAMP",
    help="The instant to work at (ISO 8601). Default: SOURCE_DATE_EPOCH if set, else the clock.",
)
