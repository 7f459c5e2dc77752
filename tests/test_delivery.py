"""Delivery against a real HTTP server on 127.0.0.1: retries, timeouts, Retry-After, redirects,
the sent-log and redaction."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from statusbook.model import (
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    Update,
    UpdateStatus,
    Webhook,
    WebhookType,
)
from statusbook.notifications.delivery import (
    Redactor,
    RetryPolicy,
    SentLog,
    StateError,
    check_url,
    deliver,
    retry_after_seconds,
)
from statusbook.notifications.events import Event, EventKind, Message

from .hooks import HANG, Hooks

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
TOKEN = "T0KEN-5ecr3t-abcdef123456"
FAST = RetryPolicy(timeout=0.3, retries=2, backoff=0.01, budget=5.0)


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooks]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = Hooks()
    yield server
    server.close()


RECORD = Incident(
    id="2026-11-21-api-errors",
    title="API errors",
    kind=Kind.OUTAGE,
    impact=Impact.MAJOR,
    started=NOW,
    components={"api": ComponentStatus.MAJOR_OUTAGE},
    updates=(Update(NOW, UpdateStatus.INVESTIGATING, "Looking."),),
)


def message(webhook: str, number: int = 1) -> Message:
    event = Event(f"{RECORD.id}/u{number}", EventKind.INCIDENT_UPDATED, NOW, RECORD, number)
    hook = Webhook(webhook, WebhookType.JSON, f"HOOK_{webhook.upper()}")
    return Message(event, hook, {"event": event.id, "text": "Looking."})


class Sleeps:
    """A sleep that records how long it was asked to wait, and does not wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run(messages, urls, log=None, policy=FAST, sleep=None):
    return deliver(
        messages,
        urls,
        log or SentLog(None),
        now=NOW,
        policy=policy,
        sleep=sleep or Sleeps(),
    )


def test_a_message_is_posted_as_json(hooks):
    url = hooks.script(f"/ok/{TOKEN}", 200)
    report = run([message("ok")], {"ok": url})
    assert [o.result for o in report.outcomes] == ["sent"]
    (request,) = hooks.received(f"/ok/{TOKEN}")
    assert request.json == {"event": "2026-11-21-api-errors/u1", "text": "Looking."}
    assert request.headers["Content-Type"].startswith("application/json")
    assert request.headers["User-Agent"].startswith("statusbook/")


def test_a_server_error_is_retried_with_backoff(hooks):
    url = hooks.script("/flaky", 500, 503, 200)
    sleeps = Sleeps()
    report = run([message("flaky")], {"flaky": url}, sleep=sleeps)
    assert report.outcomes[0].result == "sent"
    assert report.outcomes[0].attempts == 3
    assert len(hooks.received("/flaky")) == 3
    assert sleeps.waits == [0.01, 0.02]  # doubling


def test_retries_stop_after_the_limit(hooks):
    url = hooks.script("/down", 500)
    report = run([message("down")], {"down": url})
    (outcome,) = report.outcomes
    assert outcome.result == "failed"
    assert outcome.detail == "HTTP 500 after 3 attempts"
    assert len(hooks.received("/down")) == 3
    assert report.failed


def test_retry_after_is_honoured(hooks):
    url = hooks.script("/busy", (429, {"Retry-After": "3"}), 200)
    sleeps = Sleeps()
    report = run([message("busy")], {"busy": url}, sleep=sleeps)
    assert report.outcomes[0].result == "sent"
    assert sleeps.waits == [3.0]


def test_a_retry_after_beyond_the_budget_gives_up_without_waiting(hooks):
    url = hooks.script("/slow-down", (429, {"Retry-After": "3600"}), 200)
    sleeps = Sleeps()
    report = run([message("slow-down")], {"slow-down": url}, sleep=sleeps)
    (outcome,) = report.outcomes
    assert outcome.result == "failed"
    assert "HTTP 429" in outcome.detail and "Retry-After asks for 3600s" in outcome.detail
    assert sleeps.waits == []
    assert len(hooks.received("/slow-down")) == 1


def test_client_errors_are_not_retried(hooks):
    url = hooks.script("/gone", 404)
    report = run([message("gone")], {"gone": url})
    assert report.outcomes[0].detail == "HTTP 404"
    assert len(hooks.received("/gone")) == 1


def test_redirects_are_not_followed(hooks):
    hooks.script("/elsewhere", 200)
    url = hooks.script("/moved", (307, {"Location": hooks.url("/elsewhere")}))
    report = run([message("moved")], {"moved": url})
    assert report.outcomes[0].result == "failed"
    assert report.outcomes[0].detail == "HTTP 307"
    assert hooks.received("/elsewhere") == []


def test_a_webhook_that_never_answers_times_out_and_the_others_still_get_theirs(hooks):
    hang = hooks.script(f"/hang/{TOKEN}", HANG)
    ok = hooks.script("/ok", 200)
    messages = [message("hang", 1), message("ok", 1), message("hang", 2), message("ok", 2)]
    policy = RetryPolicy(timeout=0.2, retries=1, backoff=0.01, budget=5.0)
    report = run(messages, {"hang": hang, "ok": ok}, policy=policy)
    assert [(o.message.webhook.name, o.result) for o in report.outcomes] == [
        ("hang", "failed"),
        ("ok", "sent"),
        ("hang", "held"),  # later messages wait, so the chat keeps its order
        ("ok", "sent"),
    ]
    assert report.outcomes[0].detail == "timed out after 2 attempts"
    assert len(hooks.received(f"/hang/{TOKEN}")) == 2
    assert [r.json["event"] for r in hooks.received("/ok")] == [
        "2026-11-21-api-errors/u1",
        "2026-11-21-api-errors/u2",
    ]


def test_a_refused_connection_is_retried_and_reported_without_the_url(hooks):
    closed = Hooks()
    url = closed.url(f"/x/{TOKEN}")
    closed.close()  # nothing listens there any more
    report = deliver(
        [message("closed")],
        {"closed": url},
        SentLog(None),
        now=NOW,
        policy=FAST,
        sleep=Sleeps(),
    )
    (outcome,) = report.outcomes
    assert outcome.result == "failed"
    assert outcome.attempts == 3
    assert TOKEN not in outcome.detail and "127.0.0.1" not in outcome.detail


def test_the_sent_log_makes_a_second_run_send_nothing(hooks, tmp_path):
    url = hooks.script("/ok", 200)
    path = tmp_path / "state" / "sent.json"
    first = run([message("ok", 1), message("ok", 2)], {"ok": url}, SentLog.load(path))
    assert [o.result for o in first.outcomes] == ["sent", "sent"]
    saved = json.loads(path.read_text())
    assert saved == {
        "version": 1,
        "sent": {
            "2026-11-21-api-errors/u1": {"ok": "2026-11-21T12:00:00Z"},
            "2026-11-21-api-errors/u2": {"ok": "2026-11-21T12:00:00Z"},
        },
    }
    again = run([message("ok", 1), message("ok", 2)], {"ok": url}, SentLog.load(path))
    assert [o.result for o in again.outcomes] == ["already", "already"]
    assert not again.failed
    assert len(hooks.received("/ok")) == 2


def test_the_sent_log_is_per_webhook_so_a_failed_one_is_retried_alone(hooks, tmp_path):
    path = tmp_path / "sent.json"
    ok = hooks.script("/ok", 200)
    flaky = hooks.script("/flaky", 500, 500, 500, 200)
    first = run([message("ok"), message("flaky")], {"ok": ok, "flaky": flaky}, SentLog.load(path))
    assert [o.result for o in first.outcomes] == ["sent", "failed"]
    second = run([message("ok"), message("flaky")], {"ok": ok, "flaky": flaky}, SentLog.load(path))
    assert [o.result for o in second.outcomes] == ["already", "sent"]
    assert len(hooks.received("/ok")) == 1


def test_two_runs_sharing_the_sent_log_neither_resend_nor_forget(hooks, tmp_path):
    """Two notify runs loaded the same log: what one delivers the other does not send again,
    and each run's save keeps the other's entries (a whole-file rewrite used to drop them)."""
    url = hooks.script("/ok", 200)
    path = tmp_path / "sent.json"
    first, second = SentLog.load(path), SentLog.load(path)
    run([message("ok", 1)], {"ok": url}, first)
    later = run([message("ok", 1), message("ok", 2)], {"ok": url}, second)
    assert [o.result for o in later.outcomes] == ["already", "sent"]
    assert len(hooks.received("/ok")) == 2
    first.record(("2026-11-21-api-errors/u3", "ok"), NOW)
    assert set(SentLog.load(path).sent) == {
        "2026-11-21-api-errors/u1",
        "2026-11-21-api-errors/u2",
        "2026-11-21-api-errors/u3",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sent.json"]  # no lock left


@pytest.mark.parametrize(
    "content",
    [b"not json", b"[]", b'{"version": 2, "sent": {}}', b'{"version": 1, "sent": {"e": []}}'],
)
def test_a_damaged_sent_log_is_refused_rather_than_resending_everything(tmp_path, content):
    path = tmp_path / "sent.json"
    path.write_bytes(content)
    with pytest.raises(StateError, match="not a statusbook sent-log"):
        SentLog.load(path)


def test_the_redactor_masks_the_url_and_its_token():
    url = f"https://hooks.example.com/services/T000/B000/{TOKEN}?sig={TOKEN}x"
    redact = Redactor([url])
    assert redact(f"posting to {url} failed") == "posting to [redacted] failed"
    assert TOKEN not in redact(f"path /services/T000/B000/{TOKEN} and token {TOKEN}")


def test_words_in_a_url_are_not_masked_everywhere():
    discord = f"https://discord.com/api/webhooks/123456789012345678/{TOKEN}"
    redact = Redactor(["https://example.com/a", discord])
    text = "Some webhooks were delivered twice; see http://adaptivecards.io/schemas/a.json"
    assert redact(text) == text
    assert redact(f"at {discord} and /a") == "at [redacted] and /a"
    assert redact(f"id 123456789012345678 token {TOKEN}") == "id [redacted] token [redacted]"


def test_retry_after_as_an_http_date_is_read_against_the_replys_date():
    headers = {
        "Retry-After": "Sat, 21 Nov 2026 12:00:30 GMT",
        "Date": "Sat, 21 Nov 2026 12:00:00 GMT",
    }
    assert retry_after_seconds(headers) == 30.0
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({"Retry-After": "nan"}) is None
    assert retry_after_seconds({}) is None


# --- a receiver that trickles: the deadline bounds a whole request ---------------------------


class Trickle:
    """A server on 127.0.0.1 that reads a request, then answers one header byte every
    ``interval`` seconds, finishing the answer (200) only after ``limit`` seconds.

    Every read of such an answer succeeds well within a per-read timeout, so only a
    deadline for the whole request stops it early; ``limit`` bounds the test if it does not.
    """

    def __init__(self, interval: float = 0.05, limit: float = 6.0) -> None:
        self.interval, self.limit = interval, limit
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(2)
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                ends = time.monotonic() + self.limit
                while time.monotonic() < ends and not self._stop.wait(self.interval):
                    connection.sendall(b"z")
                connection.sendall(b"\r\nContent-Length: 2\r\n\r\nok")
            except OSError:
                pass  # the client gave up: what the deadline is for

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._listener.close()


@pytest.fixture
def trickle(monkeypatch: pytest.MonkeyPatch) -> Iterator[Trickle]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = Trickle()
    yield server
    server.close()


def test_a_trickling_answer_is_cut_off_at_the_timeout(trickle):
    policy = RetryPolicy(timeout=0.5, retries=0, backoff=0.01, budget=30.0)
    started = time.monotonic()
    report = run([message("slow")], {"slow": trickle.url(f"/slow/{TOKEN}")}, policy=policy)
    elapsed = time.monotonic() - started
    (outcome,) = report.outcomes
    assert (outcome.result, outcome.detail) == ("failed", "timed out")
    assert elapsed < 2.5, f"one request took {elapsed:.1f}s with a 0.5s timeout"


def test_the_retry_budget_bounds_every_attempt_together(trickle):
    policy = RetryPolicy(timeout=10.0, retries=3, backoff=0.01, budget=1.0)
    started = time.monotonic()
    report = deliver(
        [message("slow")],
        {"slow": trickle.url("/slow")},
        SentLog(None),
        now=NOW,
        policy=policy,
        sleep=time.sleep,
    )
    elapsed = time.monotonic() - started
    assert report.outcomes[0].result == "failed"
    assert elapsed < 3.0, f"the message took {elapsed:.1f}s with a 1s budget"


def test_a_fast_answer_through_the_deadline_socket_is_read_whole(hooks):
    """The deadline's socket wrapper still reads status, headers and body as before."""
    url = hooks.script("/ok", (200, {"X-Long": "y" * 20000}))
    report = run([message("ok")], {"ok": url}, policy=RetryPolicy(timeout=2.0, retries=0))
    assert [o.result for o in report.outcomes] == ["sent"]


# --- secrets in malformed URLs ---------------------------------------------------------------

#: A URL whose "port" is part of a secret: http.client quotes it in its error.
BAD_PORT = f"https://hooks.example.com:84x{TOKEN[:6]}/services/x"


def test_a_url_with_a_non_numeric_port_is_refused_without_quoting_it():
    why = check_url(BAD_PORT)
    assert why is not None and "port" in why
    assert TOKEN[:6] not in why and "84x" not in why


def test_a_non_numeric_port_never_reaches_the_output_of_a_delivery():
    report = run([message("bad")], {"bad": BAD_PORT}, policy=RetryPolicy(timeout=0.5, retries=0))
    (outcome,) = report.outcomes
    assert outcome.result == "failed"
    assert TOKEN[:6] not in outcome.detail and "84x" not in outcome.detail, outcome.detail
    assert Redactor([BAD_PORT])(f"port 84x{TOKEN[:6]}") == "port [redacted]"
