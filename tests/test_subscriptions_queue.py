"""The queue: a crash mid-fan-out loses nothing and sends nothing twice, a second notify run
queues nothing, temporary SMTP failures are retried and permanent ones are not; webhook
subscribers: the challenge, events in Statuspage's shape, and URLs that hang or redirect.
On SQLite and PostgreSQL; mail through aiosmtpd, webhooks to a real HTTP server."""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from statusbook.subscriptions import mail
from statusbook.subscriptions.settings import Retry
from statusbook.subscriptions.store import Kind, State
from statusbook.subscriptions.tables import subscribers
from statusbook.subscriptions.worker import Worker

from .subscriptions_support import BACKENDS, Service, database_url, event_body, start_service


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def manual(database: str, tmp_path: Path) -> Iterator[Service]:
    """The service without mail threads: the test drives the workers itself."""
    running = start_service(
        tmp_path / "site", database, configure=lambda s: replace(s, mail_workers=0)
    )
    yield running
    running.close()


def seed(service: Service, count: int) -> list[str]:
    now = datetime.now(UTC)
    addresses = [f"reader{n}@example.com" for n in range(count)]
    with service.store.engine.begin() as db:
        db.execute(
            insert(subscribers),
            [
                {
                    "key": secrets.token_urlsafe(24),
                    "kind": "email",
                    "address": address,
                    "all_components": True,
                    "created_at": now,
                    "confirmed_at": now,
                }
                for address in addresses
            ],
        )
    return addresses


class Crash(BaseException):
    """The process dies (not an error the worker could catch and retry)."""


def test_a_crash_mid_fan_out_loses_nothing_and_sends_nothing_twice(
    manual: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    addresses = seed(manual, 25)
    assert manual.event(event_body()).json()["recipients"] == 25
    real_send = mail.SmtpSender.send
    calls = {"n": 0}

    def dies_at_the_tenth(self: mail.SmtpSender, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 10:
            raise Crash
        real_send(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(mail.SmtpSender, "send", dies_at_the_tenth)
    with pytest.raises(Crash):
        Worker(manual.settings, manual.store, mail_threads=0).drain(Kind.EMAIL)
    monkeypatch.setattr(mail.SmtpSender, "send", real_send)
    assert len(manual.smtpd.mails()) == 9
    # The dead worker's lease holds the rest until it runs out; then a restarted one sends them.
    later = datetime.now(UTC) + timedelta(seconds=manual.settings.retry.lease + 1)
    assert Worker(manual.settings, manual.store, mail_threads=0).drain(Kind.EMAIL) == 0
    restarted = Worker(manual.settings, manual.store, mail_threads=0, clock=lambda: later)
    assert restarted.drain(Kind.EMAIL) == 16
    assert sorted(m.to for m in manual.smtpd.mails()) == sorted(addresses)
    # A second notify run posts the event again: nothing is queued, nothing sent.
    assert manual.event(event_body(), stamp=int(time.time()) - 100).json()["status"] == "duplicate"
    assert restarted.drain(Kind.EMAIL) == 0
    assert len(manual.smtpd.mails()) == 25
    assert manual.store.stats()["deliveries"] == {"sent": {"email": 25}}


def test_temporary_failures_are_retried_and_permanent_ones_are_not(manual: Service) -> None:
    seed(manual, 2)
    manual.smtpd.answers["reader0@example.com"] = ["451 4.3.0 try again later"]
    manual.smtpd.answers["reader1@example.com"] = ["550 5.1.1 no such user"]
    manual.event(event_body())
    patient = replace(manual.settings, retry=Retry(base=60, most=60, attempts=3, lease=30))
    Worker(patient, manual.store, mail_threads=0).drain(Kind.EMAIL)
    assert manual.smtpd.mails() == []  # 451 waits for its retry, 550 is final
    later = datetime.now(UTC) + timedelta(seconds=91)  # past the backoff (60 s, ±25 %)
    Worker(patient, manual.store, mail_threads=0, clock=lambda: later).drain(Kind.EMAIL)
    assert [m.to for m in manual.smtpd.mails()] == ["reader0@example.com"]
    stats = manual.store.stats()["deliveries"]
    assert stats == {"sent": {"email": 1}, "failed": {"email": 1}}


# --- webhooks -----------------------------------------------------------------------------------


class Receiver:
    """Webhook receivers on 127.0.0.1: /good answers challenges, /hang never answers in time,
    /redirect sends elsewhere (to /elsewhere, which records whatever arrives)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, object]]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append((self.path, body))
                if self.path == "/hang":
                    time.sleep(3)
                if self.path == "/redirect":
                    self.send_response(307)
                    self.send_header("Location", f"http://127.0.0.1:{owner.port}/elsewhere")
                    self.end_headers()
                    return
                answer = json.dumps({"challenge": body.get("challenge")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def got(self, path: str) -> list[dict[str, object]]:
        return [body for where, body in self.requests if where == path]

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def service(database: str, tmp_path: Path) -> Iterator[Service]:
    running = start_service(tmp_path / "site", database, webhook_timeout=1.0)
    yield running
    running.close()


def wait_until(check: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_webhook_answers_its_challenge_then_gets_statuspage_bodies(
    service: Service, receiver: Receiver
) -> None:
    answer = service.post("/subscribe", {"webhook": receiver.url("/good"), "component": "api"})
    assert answer.status_code == 303
    wait_until(lambda: service.store.subscribers(confirmed=True))
    (challenge,) = receiver.got("/good")
    assert challenge["type"] == "statusbook.challenge" and challenge["challenge"]
    assert service.event(event_body()).json()["recipients"] == 1
    component = event_body("2026-11-21-api-errors/u1/api", kind="component.updated")
    assert service.event(component).json()["recipients"] == 1  # webhooks get component updates
    wait_until(lambda: len(receiver.got("/good")) == 3)
    incident = receiver.got("/good")[1]
    assert set(incident) == {"meta", "page", "incident"}
    unsubscribe = incident["meta"]["unsubscribe"]  # type: ignore[index]
    assert unsubscribe.startswith(service.url + "unsubscribe?token=")
    assert service.client.post(unsubscribe.removeprefix(service.url.rstrip("/"))).status_code == 200
    assert service.store.subscribers() == []


def test_a_webhook_that_hangs_or_redirects_is_never_confirmed(
    service: Service, receiver: Receiver
) -> None:
    for path in ("/hang", "/redirect"):
        assert service.post("/subscribe", {"webhook": receiver.url(path)}).status_code == 303
    wait_until(lambda: service.store.pending(Kind.WEBHOOK) == 0, timeout=20)
    assert service.store.subscribers(confirmed=True) == []
    assert receiver.got("/elsewhere") == []  # the redirect was not followed
    assert service.event(event_body()).json()["recipients"] == 0
    failed = service.store.stats()["deliveries"][State.FAILED.value]
    assert failed == {"webhook": 2}


def test_webhook_urls_inside_the_network_are_refused_by_default(tmp_path: Path) -> None:
    running = start_service(
        tmp_path / "site",
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        configure=lambda s: replace(s, allow_private_webhooks=False),
    )
    try:
        for url in (
            "http://127.0.0.1:9/hook",
            "https://127.0.0.1/hook",
            "https://10.0.0.7/x",
            "https://user:pw@example.com/",
        ):
            answer = running.post(
                "/subscribe", {"webhook": url}, headers={"Accept": "application/json"}
            )
            assert answer.status_code == 400, url
        assert running.store.subscribers() == []
    finally:
        running.close()
