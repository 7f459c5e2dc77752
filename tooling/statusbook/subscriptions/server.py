"""Starting the service: open (and migrate) the database, start the workers, serve with uvicorn.

uvicorn's own access log is off: it prints each request's query string, and ours carry
tokens. :class:`statusbook.subscriptions.app.Headers` logs method, path and status instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from statusbook.model import Catalog
from statusbook.subscriptions.app import create_app
from statusbook.subscriptions.settings import (
    DATABASE_URL,
    Settings,
    _check_database,
    _default_database,
    redact_url,
)
from statusbook.subscriptions.store import Store
from statusbook.subscriptions.worker import Worker

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        },
    },
    "loggers": {
        "statusbook": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "alembic": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


class StartError(Exception):
    """The service cannot start (the database cannot be opened or migrated)."""


def database_url(catalog: Catalog, environ: Mapping[str, str] | None = None) -> str:
    """The database the operator commands open: the same one ``serve`` would."""
    env = os.environ if environ is None else environ
    url = env.get(DATABASE_URL, "").strip() or _default_database(catalog)
    problems = _check_database(url)
    if problems:
        raise StartError(problems[0])
    return url


def open_store(settings: Settings) -> Store:
    try:
        return Store.open(settings.database_url)
    except (SQLAlchemyError, OSError, ValueError) as error:
        raise StartError(
            f"cannot open the database {redact_url(settings.database_url)}: "
            f"{type(error).__name__}: {_first_line(error)}"
        ) from None


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return text[0][:200] if text else ""


def run(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: bool = True,
    forwarded_allow_ips: str | None = None,
) -> None:
    store = open_store(settings)
    worker = Worker(settings, store) if workers else None
    app = create_app(settings, store, worker=worker)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        server_header=False,
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
        log_config=LOGGING,
        lifespan="on",
    )
    try:
        uvicorn.Server(config).run()
    finally:
        store.close()
