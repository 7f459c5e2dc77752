"""The fan-out workers: take due deliveries from the queue in the database and send them.

Threads, not processes or an async loop: the work is waiting on the SMTP relay, webhooks
and the database, the drivers are blocking ones, and one service process then holds the
app and its workers. Mail and webhooks have threads of their own, so receivers that hang
cannot hold up mail.

Each thread claims a small batch under a lease (:meth:`Store.claim`), sends each delivery
and marks it sent in its own commit right away, so a crash loses nothing (an unfinished
claim is taken again once its lease ends) and resends at most the mail that was on the
wire; memory holds one batch, never the whole fan-out. Temporary failures are retried
with exponential backoff and jitter until :attr:`Retry.attempts`; permanent ones (a
recipient the relay refuses, a webhook that redirects) stop at once.

Logs name deliveries by number and events by id — never an address, a token or a URL.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from statusbook.i18n import Translator
from statusbook.subscriptions.mail import Body, Composer, DeliveryError, Links, SmtpSender
from statusbook.subscriptions.pages import Templates
from statusbook.subscriptions.settings import Settings
from statusbook.subscriptions.store import Job, Kind, Purpose, Store
from statusbook.subscriptions.tokens import Tokens
from statusbook.subscriptions.webhooks import WebhookCaller

log = logging.getLogger("statusbook.subscriptions")

Clock = Callable[[], datetime]
#: Deliveries one thread claims at a time.
BATCH = 50
#: Seconds an idle thread sleeps before looking at the queue again (a new event wakes it).
POLL = 2.0
#: Seconds between clean-ups of expired data.
PURGE_EVERY = 600.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class LinkMaker:
    """The signed links of one site."""

    def __init__(self, settings: Settings, tokens: Tokens) -> None:
        self.base = settings.public_url
        self.tokens = tokens

    def links(self, key: str) -> Links:
        token = self.tokens.manage(key)
        return Links(
            manage=f"{self.base}manage?token={token}",
            unsubscribe=f"{self.base}unsubscribe?token={token}",
        )

    def confirm(self, key: str, nonce: str, components: tuple[str, ...] | None) -> str:
        return f"{self.base}confirm?token={self.tokens.confirm(key, nonce, components)}"


class Dispatcher:
    """Sends one claimed delivery; shared by the threads (each brings its own connection)."""

    def __init__(self, settings: Settings, store: Store, tokens: Tokens) -> None:
        self.settings = settings
        self.store = store
        catalog = settings.catalog
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.names = {component.id: component.name for component in catalog.components}
        self.urls = LinkMaker(settings, tokens)
        self.composer = Composer(
            Templates(),
            self.t,
            site=catalog.site.name,
            site_url=catalog.site.url,
            mail_from=settings.mail_from,
            public_url=settings.public_url,
        )
        self._payloads: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._bodies: OrderedDict[str, Body] = OrderedDict()
        self._lock = threading.Lock()

    def describe(self, components: list[str] | tuple[str, ...] | None) -> str:
        if not components:
            return self.t("subscriptions.all")
        return ", ".join(self.names.get(c, c) for c in components)

    def payload(self, event_id: str) -> dict[str, Any]:
        with self._lock:
            if event_id in self._payloads:
                self._payloads.move_to_end(event_id)
                return self._payloads[event_id]
        found = self.store.payloads([event_id])
        if event_id not in found:
            raise DeliveryError("the event is gone", permanent=True)
        with self._lock:
            self._payloads[event_id] = found[event_id]
            while len(self._payloads) > 64:
                self._payloads.popitem(last=False)
        return found[event_id]

    def body(self, event_id: str) -> Body:
        """An event's mail body, rendered once for all its recipients."""
        with self._lock:
            found = self._bodies.get(event_id)
        if found is None:
            found = self.composer.notice_body(
                self.payload(event_id).get("notice", {}), self.describe(None)
            )
            with self._lock:
                self._bodies[event_id] = found
                while len(self._bodies) > 64:
                    self._bodies.popitem(last=False)
        return found

    def email(self, job: Job, sender: SmtpSender) -> None:
        links = self.urls.links(job.key)
        if job.purpose is Purpose.CONFIRM:
            chosen = job.detail.get("components")
            components = None if chosen is None else tuple(chosen)
            message = self.composer.confirmation(
                job.address,
                self.urls.confirm(job.key, job.detail.get("nonce", ""), components),
                links,
                self.describe(components),
                self.settings.limits.confirm_seconds // 3600,
            )
        else:
            assert job.event_id is not None
            message = self.composer.notice(
                job.address, job.event_id, self.body(job.event_id), links, job.key
            )
        sender.send(message, self.composer.sender, [job.address])

    def webhook(self, job: Job, caller: WebhookCaller) -> None:
        links = self.urls.links(job.key)
        if job.purpose is Purpose.CHALLENGE:
            caller.challenge(job.address, job.detail.get("nonce", ""), links.unsubscribe)
            self.store.confirm_webhook(job, utc_now())
            return
        assert job.event_id is not None
        body = dict(self.payload(job.event_id).get("statuspage", {}))
        body["meta"] = {**body.get("meta", {}), "unsubscribe": links.unsubscribe}
        caller.event(job.address, body)


class Worker:
    """The threads that empty the queue, started and stopped with the service."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Clock = utc_now,
        mail_threads: int | None = None,
        webhook_threads: int | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.tokens = Tokens(
            settings.token_key,
            confirm_seconds=settings.limits.confirm_seconds,
            manage_seconds=settings.limits.manage_seconds,
        )
        self.dispatcher = Dispatcher(settings, store, self.tokens)
        self.counts = {
            Kind.EMAIL: settings.mail_workers if mail_threads is None else mail_threads,
            Kind.WEBHOOK: settings.webhook_workers if webhook_threads is None else webhook_threads,
        }
        self._stop = threading.Event()
        self._wake = {kind: threading.Event() for kind in Kind}
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for kind, count in self.counts.items():
            for number in range(count):
                thread = threading.Thread(
                    target=self._run, args=(kind,), name=f"statusbook-{kind}-{number}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        janitor = threading.Thread(target=self._janitor, name="statusbook-purge", daemon=True)
        janitor.start()
        self._threads.append(janitor)

    def wake(self) -> None:
        for flag in self._wake.values():
            flag.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def _run(self, kind: Kind) -> None:
        owner = secrets.token_hex(8)
        channel = self._channel(kind)
        try:
            while not self._stop.is_set():
                try:
                    done = self.work(kind, owner, channel)
                except Exception as error:  # the database away: wait and look again
                    log.warning("the queue could not be read (%s); retrying", type(error).__name__)
                    done = 0
                if not done:
                    self._wake[kind].wait(POLL)
                    self._wake[kind].clear()
        finally:
            channel.close()

    def _channel(self, kind: Kind) -> SmtpSender | WebhookCaller:
        if kind is Kind.EMAIL:
            return SmtpSender(self.settings.smtp)
        return WebhookCaller(
            timeout=self.settings.webhook_timeout,
            allow_private=self.settings.allow_private_webhooks,
        )

    def work(self, kind: Kind, owner: str, channel: SmtpSender | WebhookCaller) -> int:
        """Claim one batch and send it; how many deliveries were handled."""
        jobs = self.store.claim(kind, owner, BATCH, self.clock(), self.settings.retry.lease)
        for job in jobs:
            if self._stop.is_set():
                break  # the rest come back when their lease ends
            self._handle(job, owner, channel)
        return len(jobs)

    def drain(self, kind: Kind = Kind.EMAIL) -> int:
        """Send everything due now on this thread (benchmarks, tests and ``--once``)."""
        owner = secrets.token_hex(8)
        channel = self._channel(kind)
        total = 0
        try:
            while done := self.work(kind, owner, channel):
                total += done
        finally:
            channel.close()
        return total

    def _handle(self, job: Job, owner: str, channel: SmtpSender | WebhookCaller) -> None:
        try:
            if isinstance(channel, SmtpSender):
                self.dispatcher.email(job, channel)
            else:
                self.dispatcher.webhook(job, channel)
        except DeliveryError as error:
            self._failed(job, owner, error.reason, permanent=error.permanent)
            return
        except Exception as error:  # a bug must not stop the queue; the job is retried
            log.exception("delivery %s: unexpected %s", job.id, type(error).__name__)
            self._failed(job, owner, f"internal error ({type(error).__name__})", permanent=False)
            return
        if not self.store.sent(job, owner, self.clock()):
            log.warning(
                "delivery %s was sent, but is no longer queued as this worker's (its subscriber "
                "left, a newer link replaced it, or its lease passed to another worker)",
                job.id,
            )

    def _failed(self, job: Job, owner: str, reason: str, *, permanent: bool) -> None:
        retry = self.settings.retry
        now = self.clock()
        what = (
            f"delivery {job.id} ({job.purpose.value}{' ' + job.event_id if job.event_id else ''})"
        )
        if permanent or job.attempts >= retry.attempts:
            log.warning("%s failed for good after %d attempt(s): %s", what, job.attempts, reason)
            self.store.failed(job, owner, now, reason)
            return
        wait = min(retry.base * 2 ** (job.attempts - 1), retry.most)
        wait *= 0.75 + random.random() / 2  # jitter: retries of one fan-out spread out
        log.info("%s attempt %d failed: %s; next in %.0fs", what, job.attempts, reason, wait)
        self.store.retry(job, owner, now + timedelta(seconds=wait), reason)

    def _janitor(self) -> None:
        while not self._stop.wait(PURGE_EVERY):
            try:
                self.purge()
            except Exception as error:
                log.warning("clean-up failed (%s)", type(error).__name__)

    def purge(self) -> None:
        limits = self.settings.limits
        now = self.clock()
        self.store.purge(
            now,
            unconfirmed_after=limits.confirm_seconds,
            keep_finished=30 * 24 * 3600,
            keep_signatures=4 * 300,
        )
        self.store.purge_counters(int(now.timestamp()) // limits.window_seconds - 1)
