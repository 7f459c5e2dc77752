"""Posting notification messages to webhooks: the network adapter behind ``statusbook notify``.

Reliability rules, each for a reason:

* **A deadline per request**: connecting, sending and reading the whole answer together
  take at most the timeout. urllib applies its timeout to each socket operation, so a
  receiver trickling a byte a second kept one request going for minutes; here every read
  gets only the time left. (Resolving the host name is the system resolver's, and not
  bounded here.) Each attempt's deadline is also cut to what is left of the retry budget.
* **Retries with exponential backoff** on 408, 429, 5xx, timeouts and connection errors —
  the failures that pass. ``Retry-After`` (seconds, or an HTTP date read against the
  reply's own ``Date``) is honoured; a total budget per message caps all of it. Other 4xx
  answers and redirects are not retried (a redirect is not followed either: the body
  should go where the secret URL says, nowhere else).
* **One webhook failing does not stop the others.** After a message to a webhook fails,
  that webhook's later messages wait for the next run, so a chat never shows an update
  before the one it follows.
* **A sent-log** (JSON, written atomically after every delivery) records which event went
  to which webhook; a second run over the same range sends nothing new, and a run killed
  halfway resends nothing it had sent.
* **Secrets never reach output**: URLs are held only here, and every line this module
  hands back passes through a :class:`Redactor` that knows them (error texts from the
  network stack can quote a URL).

Only the standard library: one POST with a JSON body needs nothing more, and the
publish workflow installs fewer packages.
"""

from __future__ import annotations

import http.client
import io
import json
import math
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from statusbook import __version__
from statusbook.io.atomic import locked, write_atomic
from statusbook.notifications.events import Message
from statusbook.timeutil import format_timestamp

STATE_VERSION = 1
#: The longest a single wait between attempts grows to.
MAX_BACKOFF = 30.0
_RETRY_STATUSES = frozenset({408, 425, 429})


class StateError(Exception):
    """The sent-log cannot be read or written; carries a sentence for the terminal."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try one message. Tests pass small numbers; the CLI exposes them."""

    #: Seconds per request: connecting, sending and reading the whole answer together.
    timeout: float = 10.0
    #: Further attempts after the first.
    retries: int = 3
    #: The first wait; it doubles with each retry (up to :data:`MAX_BACKOFF`).
    backoff: float = 1.0
    #: All attempts and waits for one message together stay within this many seconds.
    budget: float = 60.0


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]


class TransportError(Exception):
    """No HTTP answer: timeout, refused or reset connection, unresolvable name."""


class Transport(Protocol):
    def post(self, url: str, body: bytes, timeout: float) -> Reply: ...


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Deadline:
    """The instant one request must be over by."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; ``TimeoutError`` once there are none."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left


class _DeadlineSocket:
    """A connected socket whose every read and write may take only the time left.

    http.client reads the status line, the headers and the body through ``makefile``; the
    file made here reads through this object, so a trickling answer meets the deadline
    however many small reads it takes. Closing follows the socket's own rule: the real
    socket closes when the connection and every file made from it are closed.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline
        self._files = 0
        self._closed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def _limit(self) -> None:
        self._sock.settimeout(self._deadline.remaining())

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._limit()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, size: int, flags: int = 0) -> bytes:
        self._limit()
        return self._sock.recv(size, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        self._limit()
        return self._sock.send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._limit()  # sendall's timeout bounds the whole call (Python ≥ 3.5)
        self._sock.sendall(data, flags)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        self._files += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))  # type: ignore[arg-type]

    def _decref_socketios(self) -> None:
        self._files -= 1
        if self._closed and self._files <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if self._files <= 0:
            self._sock.close()


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    """Connects within the time left, then reads and writes through a deadline socket."""

    def __init__(self, host: str, *, deadline: _Deadline, **kwargs: Any) -> None:
        kwargs["timeout"] = deadline.remaining()
        super().__init__(host, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = self._deadline.remaining()
        super().connect()  # for HTTPS the handshake too: ssl bounds it by the socket timeout
        self.sock = _DeadlineSocket(self.sock, self._deadline)


class _DeadlineHTTPSConnection(_DeadlineHTTPConnection, http.client.HTTPSConnection):
    pass


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_DeadlineHTTPConnection, deadline=self._deadline), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_DeadlineHTTPSConnection, deadline=self._deadline), req)


class UrllibTransport:
    """POST with urllib; never follows redirects; bodies of answers are drained, not kept.

    ``timeout`` is a deadline for the whole request (see the module's notes).
    """

    def _opener(self, timeout: float) -> urllib.request.OpenerDirector:
        deadline = _Deadline(timeout)
        return urllib.request.build_opener(
            _NoRedirects, _DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline)
        )

    def headers(self, body: bytes) -> dict[str, str]:
        """The request's headers; the subscription service's transport adds its signature."""
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"statusbook/{__version__}",
        }

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers=self.headers(body),
        )
        try:
            with self._opener(timeout).open(request, timeout=timeout) as response:
                response.read(65536)
                return Reply(response.status, dict(response.headers.items()))
        except urllib.error.HTTPError as error:
            with error:
                headers = dict(error.headers.items()) if error.headers else {}
                return Reply(error.code, headers)
        except urllib.error.URLError as error:
            raise TransportError(describe_failure(error.reason)) from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise TransportError(describe_failure(error)) from None


def describe_failure(reason: object) -> str:
    """A short cause; never the exception's text, which may quote the URL or part of it
    (http.client's "nonnumeric port: '…'" quotes whatever follows the host's colon)."""
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected):
        return "connection closed by the server"
    if isinstance(reason, socket.gaierror):
        return "host name not found"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return "the server's TLS certificate could not be verified"
    if isinstance(reason, http.client.InvalidURL):
        return "the URL is not valid"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return f"{type(reason).__name__} (details withheld: they may quote the URL)"


# --- secrets -----------------------------------------------------------------------------


class Redactor:
    """Replaces every secret (a URL and the token-like parts of it) with ``[redacted]``."""

    MASK = "[redacted]"

    def __init__(self, urls: Iterable[str] = ()) -> None:
        secrets: set[str] = set()
        for url in urls:
            secrets.update(_secret_parts(url))
        #: Longest first, so a whole URL is masked before its parts.
        self.secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, self.MASK)
        return text


def _secret_parts(url: str) -> set[str]:
    """The whole URL, and each part of it that looks like a token on its own."""
    try:
        split = urlsplit(url)
    except ValueError:
        return {url}
    parts = {split.path + (f"?{split.query}" if split.query else ""), split.path, split.query}
    parts.update(split.path.split("/"))
    parts.add(split.netloc.rpartition("@")[2].rpartition(":")[2])  # a "port" may be a token
    parts.update(value for _key, value in parse_qsl(split.query))
    if split.password:
        parts.add(split.password)
    return {url, url.rstrip("/")} | {part for part in parts if _token_like(part)}


def _token_like(part: str) -> bool:
    """Long, or with digits: ids and tokens, not words like ``webhooks`` that every other
    text contains (masking those would garble messages and hide nothing)."""
    return len(part) >= 16 or (len(part) >= 8 and any(c.isdigit() for c in part))


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be a webhook address, or ``None``. Never quotes it."""
    try:
        split = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if split.scheme not in ("https", "http") or not split.hostname:
        return "does not hold an http(s) URL"
    try:
        split.port  # noqa: B018 - the property raises for what is not a port
    except ValueError:
        return "holds a URL whose port (after the host's ':') is not a number from 0 to 65535"
    return None


# --- the sent-log ----------------------------------------------------------------------------


@dataclass
class SentLog:
    """Which event went to which webhook, and when: ``{event id: {webhook name: time}}``.

    ``path`` ``None`` keeps it in memory only (a dry run writes nothing).
    """

    path: Path | None
    sent: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SentLog:
        return cls(path, _read_sent(path))

    def has(self, key: tuple[str, str]) -> bool:
        """Whether the event went to the webhook — by this run, or by another run that has
        written the log since this one read it (two notify runs at once send it once)."""
        event, webhook = key
        if webhook in self.sent.get(event, {}):
            return True
        if self.path is not None:
            self._merge(_read_sent(self.path))
        return webhook in self.sent.get(event, {})

    def record(self, key: tuple[str, str], at: datetime) -> None:
        event, webhook = key
        self.sent.setdefault(event, {})[webhook] = format_timestamp(at)
        self.save()

    def to_bytes(self) -> bytes:
        document = {"version": STATE_VERSION, "sent": self.sent}
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def save(self) -> None:
        """Write the log, keeping what other runs recorded meanwhile.

        Under the file's lock: read what is on disk now, add it to this run's entries,
        replace. Without the lock, two runs that each rewrite the whole file would drop
        each other's deliveries, and the next run would send those again.
        """
        if self.path is None:
            return
        try:
            with locked(self.path):
                self._merge(_read_sent(self.path))
                write_atomic(self.path, self.to_bytes())
        except TimeoutError as error:
            raise StateError(f"cannot write the sent-log: {error}") from None
        except OSError as error:
            raise StateError(
                f"cannot write the sent-log {self.path}: {error.strerror or error}"
            ) from None

    def _merge(self, other: Mapping[str, Mapping[str, str]]) -> None:
        """Add another run's deliveries; a delivery both recorded keeps the earlier time."""
        for event, targets in other.items():
            mine = self.sent.setdefault(event, {})
            for webhook, when in targets.items():
                mine[webhook] = min(mine.get(webhook, when), when)


def _read_sent(path: Path) -> dict[str, dict[str, str]]:
    """The deliveries recorded in the sent-log at ``path`` (none if it does not exist yet)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise StateError(f"cannot read the sent-log {path}: {error.strerror}") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    sent = data.get("sent") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("version") != STATE_VERSION
        or not isinstance(sent, dict)
        or not all(
            isinstance(targets, dict) and all(isinstance(v, str) for v in targets.values())
            for targets in sent.values()
        )
    ):
        raise StateError(
            f"{path} is not a statusbook sent-log (version {STATE_VERSION}); restore it, "
            "or delete it to start afresh (everything in range is then sent again)"
        )
    return {event: dict(targets) for event, targets in sent.items()}


# --- delivering ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    message: Message
    #: ``sent``, ``failed``, ``held`` (an earlier message to the webhook failed) or
    #: ``already`` (in the sent-log).
    result: str
    attempts: int = 0
    #: Why it failed, redacted.
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.result in ("sent", "already")


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)

    @property
    def failed(self) -> bool:
        return any(not outcome.ok for outcome in self.outcomes)


def deliver(
    messages: Sequence[Message],
    urls: Mapping[str, str],
    log: SentLog,
    *,
    now: datetime,
    policy: RetryPolicy | None = None,
    transport: Transport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    redact: Redactor | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Send each message not yet in ``log`` to its webhook's URL (``urls`` by webhook name).

    Never raises for a receiver's failure; :class:`StateError` only when the sent-log
    cannot be written (continuing would send twice on the next run).
    """
    policy = policy or RetryPolicy()
    transport = transport or UrllibTransport()
    redact = redact or Redactor(urls.values())
    report = Report()
    failing: set[str] = set()
    for message in messages:
        name = message.webhook.name
        if log.has(message.key):
            outcome = Outcome(message, "already")
        elif name in failing:
            outcome = Outcome(message, "held", detail="an earlier message to it failed")
        else:
            body = json.dumps(message.body, ensure_ascii=False).encode("utf-8")
            outcome = _send(message, urls[name], body, policy, transport, sleep, clock, redact)
            if outcome.result == "sent":
                log.record(message.key, now)
            else:
                failing.add(name)
        report.outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return report


def _send(
    message: Message,
    url: str,
    body: bytes,
    policy: RetryPolicy,
    transport: Transport,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    redact: Redactor,
) -> Outcome:
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        remaining = policy.budget - (clock() - started)
        retry_after: float | None = None
        try:
            reply = transport.post(url, body, max(min(policy.timeout, remaining), 0.001))
        except TransportError as error:
            problem, retryable = str(error), True
        else:
            if 200 <= reply.status < 300:
                return Outcome(message, "sent", attempt)
            problem = f"HTTP {reply.status}"
            retryable = reply.status in _RETRY_STATUSES or reply.status >= 500
            retry_after = retry_after_seconds(reply.headers)
        if not retryable or attempt > policy.retries:
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            return Outcome(message, "failed", attempt, redact(problem + tries))
        wait = (
            retry_after
            if retry_after is not None
            else min(policy.backoff * 2 ** (attempt - 1), MAX_BACKOFF)
        )
        if clock() - started + wait > policy.budget:
            why = f"Retry-After asks for {wait:g}s" if retry_after is not None else "out of time"
            return Outcome(
                message,
                "failed",
                attempt,
                redact(f"{problem}; {why}, beyond the {policy.budget:g}s retry budget"),
            )
        sleep(wait)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds: a number, or an HTTP date measured against ``Date``."""
    lowered = {key.lower(): value for key, value in headers.items()}
    value = lowered.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        until = parsedate_to_datetime(value)
        sent = parsedate_to_datetime(lowered.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    if until.tzinfo is None or sent.tzinfo is None:
        return None
    return max((until - sent).total_seconds(), 0.0)
