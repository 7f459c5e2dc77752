"""Real parts for the subscription service's tests: uvicorn on 127.0.0.1, aiosmtpd as the SMTP
relay, SQLite in the test's folder and PostgreSQL from ``STATUSBOOK_TEST_POSTGRES_URL`` (a
schema of its own per test, dropped afterwards).

Without ``STATUSBOOK_TEST_POSTGRES_URL`` the PostgreSQL runs skip, saying why; in CI
(``CI`` set, as ``.ci/run`` runs) a missing database fails them instead, so a CI run cannot
pass without them.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from statusbook.load.catalog import load_catalog
from statusbook.model import Catalog
from statusbook.notifications.service import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from statusbook.subscriptions.app import create_app
from statusbook.subscriptions.settings import Limits, Retry, Settings, load_settings
from statusbook.subscriptions.store import Store
from statusbook.subscriptions.worker import Worker

POSTGRES_ENV = "STATUSBOOK_TEST_POSTGRES_URL"
SHARED_SECRET = "shared-" + "s" * 40
TOKEN_KEY = "tokens-" + "t" * 40
MAIL_FROM = "Test Status <status@status.test.example>"

SITE_CATALOG = """\
site:
  name: Test Status
  url: {site_url}
  language: {language}
subscriptions:
  url: {service_url}
groups:
  - id: core
    name: Core
components:
  - id: api
    name: API
    group: core
    monitored_since: 2025-01-01
  - id: dashboard
    name: Dashboard
    group: core
    monitored_since: 2025-01-01
  - id: database
    name: Database
    monitored_since: 2025-01-01
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- databases --------------------------------------------------------------------------------

BACKENDS = ["sqlite", "postgresql"]


def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'subscriptions.sqlite3'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGRES_ENV} is not set: CI must run the PostgreSQL tests (.ci/run)")
        pytest.skip(f"no PostgreSQL: set {POSTGRES_ENV} (.ci/run starts one) to run these")
    schema = "t_" + secrets.token_hex(6)
    admin = create_engine(_psycopg(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(_psycopg(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _psycopg(url: str) -> str:
    return re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)


# --- mail ---------------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(body.get_content())

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def link(self, path: str) -> str:
        """The first link to ``path`` (confirm, manage, unsubscribe) in the text part."""
        found = re.search(r"(https?://\S+/" + path + r"\?token=[\w.\-]+)", self.text)
        assert found, f"no {path} link in:\n{self.text}"
        return found.group(1)

    @property
    def unsubscribe(self) -> str:
        header = str(self.message["List-Unsubscribe"])
        return header.strip("<>")


class _Collect:
    def __init__(self, sink: Smtpd) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.sink.lock:
            answers = self.sink.answers.get(envelope.rcpt_tos[0], [])
            if answers:
                return answers.pop(0)  # a scripted refusal, e.g. "451 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.sink.lock:
            self.sink.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message)
            )
        return "250 OK"


class Smtpd:
    """aiosmtpd on 127.0.0.1: every mail it accepts, parsed."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        #: Answers to give, in turn, instead of accepting mail to an address.
        self.answers: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Collect(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()

    def mails(self, to: str | None = None) -> list[Received]:
        with self.lock:
            return [m for m in self.received if to is None or m.to == to]

    def wait(self, count: int, to: str | None = None, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.mails(to)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(
            f"expected {count} mail(s) to {to or 'anyone'}, got {len(self.mails(to))}"
        )


# --- the service -------------------------------------------------------------------------------


def write_catalog(
    root: Path,
    service_url: str,
    site_url: str = "https://status.test.example/",
    language: str = "en",
) -> Catalog:
    root.mkdir(parents=True, exist_ok=True)
    (root / "incidents").mkdir(exist_ok=True)
    path = root / "statusbook.yml"
    path.write_text(
        SITE_CATALOG.format(site_url=site_url, service_url=service_url, language=language),
        encoding="utf-8",
    )
    return load_catalog(path)


def environment(database: str, smtp_port: int) -> dict[str, str]:
    return {
        "STATUSBOOK_SUBSCRIPTIONS_SECRET": SHARED_SECRET,
        "STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY": TOKEN_KEY,
        "STATUSBOOK_SUBSCRIPTIONS_DATABASE_URL": database,
        "STATUSBOOK_MAIL_FROM": MAIL_FROM,
        "STATUSBOOK_SMTP_HOST": "127.0.0.1",
        "STATUSBOOK_SMTP_PORT": str(smtp_port),
        "STATUSBOOK_SMTP_SECURITY": "none",
        "STATUSBOOK_SUBSCRIPTIONS_ALLOW_PRIVATE_WEBHOOKS": "1",
    }


#: Quick retries and small limits, so the tests see them without waiting.
FAST_RETRY = Retry(base=0.05, most=0.2, attempts=3, lease=30.0)


class Uvicorn:
    """An ASGI app served by uvicorn in a thread, on 127.0.0.1:port."""

    def __init__(self, app: Any, port: int) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Service:
    """The service under test, served for real, with its mail sink and its database."""

    url: str
    settings: Settings
    store: Store
    smtpd: Smtpd
    server: Uvicorn
    root: Path
    environ: dict[str, str]
    origin: str = "https://status.test.example"
    stopped: bool = False
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(
            base_url=self.url, timeout=10, follow_redirects=False, trust_env=False
        )

    def post(
        self, path: str, data: Any = None, *, origin: str | None = "site", **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if origin == "site":
            headers["Origin"] = self.origin
        elif origin is not None:
            headers["Origin"] = origin
        return self.client.post(path, data=data, headers=headers, **kwargs)

    def subscribe(
        self,
        email_address: str,
        *components: str,
        headers: dict[str, str] | None = None,
        **extra: str,
    ) -> httpx.Response:
        form = {"email": email_address, "component": list(components), **extra}
        return self.post("/subscribe", form, headers=headers or {})

    def event(
        self, body: dict[str, Any], *, stamp: int | None = None, secret: str = SHARED_SECRET
    ) -> httpx.Response:
        raw = json.dumps(body).encode()
        when = int(time.time()) if stamp is None else stamp
        return self.client.post(
            "/events",
            content=raw,
            headers={
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: str(when),
                SIGNATURE_HEADER: sign(secret.encode(), when, raw),
            },
        )

    def confirm(self, mail: Received) -> httpx.Response:
        link = mail.link("confirm")
        token = parse_qs(urlsplit(link).query)["token"][0]
        return self.post("/confirm", {"token": token}, origin=self.url.rstrip("/"))

    def idle(self, timeout: float = 10.0) -> None:
        """Wait until nothing is due in the queue."""
        deadline = time.monotonic() + timeout
        while self.store.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not self.store.pending(), "the queue did not empty"

    def close(self) -> None:
        self.client.close()
        if not self.stopped:
            self.server.stop()
        self.store.close()
        self.smtpd.close()


def start_service(
    root: Path,
    database: str,
    *,
    limits: Limits | None = None,
    retry: Retry = FAST_RETRY,
    webhook_timeout: float = 1.0,
    language: str = "en",
    configure: Callable[[Settings], Settings] | None = None,
    port: int | None = None,
    site_url: str = "https://status.test.example/",
    catalog: Catalog | None = None,
    smtpd: Smtpd | None = None,
) -> Service:
    """The service on ``port`` (default: a free one) for a catalog of its own, or for
    ``catalog`` (whose ``subscriptions.url`` must name ``port``)."""
    smtpd = smtpd or Smtpd()
    port = port or free_port()
    url = f"http://127.0.0.1:{port}/"
    if catalog is None:
        catalog = write_catalog(root, url, site_url=site_url, language=language)
    environ = environment(database, smtpd.port)
    settings = load_settings(catalog, environ)
    settings = replace(
        settings,
        limits=limits or Limits(),
        retry=retry,
        webhook_timeout=webhook_timeout,
        mail_workers=2,
        webhook_workers=2,
    )
    if configure is not None:
        settings = configure(settings)
    store = Store.open(settings.database_url)
    worker = Worker(settings, store)
    server = Uvicorn(create_app(settings, store, worker=worker), port)
    origin = settings.site_origin
    return Service(url, settings, store, smtpd, server, root, environ, origin=origin)


def event_body(
    event_id: str = "2026-11-21-api-errors/u1",
    *,
    kind: str = "incident.created",
    components: list[str] | None = None,
    title: str = "API errors",
) -> dict[str, Any]:
    """A body as ``notify`` posts it (see statusbook.notifications.service.service_body)."""
    return {
        "version": 1,
        "event": {
            "id": event_id,
            "kind": kind,
            "at": "2026-11-21T09:05:00Z",
            "record": event_id.split("/")[0],
            "components": ["api"] if components is None else components,
            "maintenance": False,
            "impact": "major",
        },
        "notice": {
            "headline": "New incident",
            "title": title,
            "status": "Investigating",
            "text": "We are looking into elevated API error rates.",
            "facts": [["Status", "Investigating"], ["Affected", "API: Major outage"]],
            "when": "21 Nov 2026, 09:05 UTC",
            "link": "https://status.test.example/incidents/2026-11-21-api-errors/",
            "link_label": "View on the status page",
            "tone": "major",
            "colour": "#e67e22",
            "site": "Test Status",
        },
        "statuspage": {
            "meta": {
                "unsubscribe": None,
                "documentation": "https://developer.statuspage.io/#section/Webhooks",
            },
            "page": {
                "id": "test",
                "status_indicator": "major",
                "status_description": "Partial outage",
            },
            "incident": {"id": event_id.split("/")[0], "name": title, "status": "investigating"},
        },
    }
