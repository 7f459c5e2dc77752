"""The ASGI app (Starlette): subscribe, confirm, manage, unsubscribe, receive events, health.

Routes, and why each is shaped so:

* ``POST /subscribe`` — the page's form (``email``, any number of ``component``, the
  honeypot ``website``) or a webhook (``webhook``). Accepted only from the page's origin
  or the service's own (CSRF), rate-limited per client and per address, and answered the
  same way whether or not the address is known, is confirmed, was rate-limited or filled
  the honeypot: nobody learns who subscribes. A plain form post is redirected to a page
  saying "check your inbox" (no JavaScript needed); ``Accept: application/json`` gets
  JSON for the inline form. CORS allows the page's origin only.
* ``GET /confirm`` shows what the link confirms with a button; ``POST /confirm`` does it.
  Mail scanners follow links in mail, so a GET never changes anything.
* ``GET``/``POST /manage`` — the components a subscriber follows.
* ``GET /unsubscribe`` asks; ``POST /unsubscribe`` (the button, or RFC 8058's one-click
  post a mail client makes from the ``List-Unsubscribe`` header, with no origin) forgets
  the address. An authentic link unsubscribes even after it expired: leaving must
  always work.
* ``POST /events`` — signed events from ``statusbook notify`` (see
  :mod:`statusbook.notifications.service`), fanned out in one transaction.
* ``GET /health`` — 200 when the database answers, else 503; the page's script asks it
  to say "subscribing is unavailable" before anyone fills the form in.

Every page is ``no-store`` with ``Referrer-Policy: no-referrer`` (the links carry tokens), a
strict Content-Security-Policy, and no framing. The access log (ours, not uvicorn's) has
the method, the path without its query and the status: no tokens, no addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from statusbook import __version__
from statusbook.i18n import Translator
from statusbook.notifications.service import (
    BODY_VERSION,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    mail_worthy,
    verify,
)
from statusbook.subscriptions.addresses import AddressError, normalise_email, normalise_webhook
from statusbook.subscriptions.pages import Templates
from statusbook.subscriptions.settings import Settings, origin_of
from statusbook.subscriptions.store import Confirmation, Kind, Store, Subscriber
from statusbook.subscriptions.tokens import TokenError, Tokens
from statusbook.subscriptions.worker import Worker, utc_now

log = logging.getLogger("statusbook.subscriptions")
access = logging.getLogger("statusbook.subscriptions.access")

#: The honeypot: a field people never see, so only robots fill it in.
HONEYPOT = "website"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Problem(Exception):
    """A request we refuse, with the key of its sentence in ``subscriptions.error.*``."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


class Service:
    """The app's handlers over one store, one set of settings and (maybe) the workers."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        worker: Worker | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.settings = settings
        self.store = store
        self.worker = worker
        self.clock = clock
        catalog = settings.catalog
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.templates = Templates()
        self.tokens = Tokens(
            settings.token_key,
            confirm_seconds=settings.limits.confirm_seconds,
            manage_seconds=settings.limits.manage_seconds,
        )
        self.components = [(c.id, c.name) for c in catalog.components]
        self.component_ids = {c.id for c in catalog.components}
        self.origins = {settings.site_origin, settings.public_origin}

    # --- responses ------------------------------------------------------------------------

    def page(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        site = self.settings.catalog.site
        html = self.templates.html(
            template,
            {
                "t": self.t,
                "lang": site.language,
                "site": site.name,
                "site_url": site.url,
                "base": self.settings.public_url,
                "components": self.components,
                **values,
            },
        )
        return HTMLResponse(html, status_code=status)

    def refuse(self, request: Request, problem: Problem) -> Response:
        text = self.t(f"subscriptions.error.{problem.key}", **problem.values)
        if wants_json(request):
            return JSONResponse({"status": "error", "message": text}, status_code=problem.status)
        return self.page("error.html", problem.status, message=text)

    def link_problem(self, error: TokenError) -> HTMLResponse:
        name = "expired" if error.expired else "invalid"
        return self.page(
            "message.html",
            400,
            title_key=f"subscriptions.{name}.title",
            text_key=f"subscriptions.{name}.text",
        )

    # --- checks ---------------------------------------------------------------------------

    def check_origin(self, request: Request, *, required: bool) -> None:
        """CSRF: a form post must come from the page or from our own pages.

        Browsers send ``Origin`` with every POST (``Referer`` where privacy settings drop
        it); a request with neither did not come from a browser's form.
        """
        origin = request.headers.get("origin")
        if origin in (None, "", "null"):
            referer = request.headers.get("referer")
            origin = origin_of(referer) if referer else None
        if origin is None:
            if required:
                raise Problem(403, "origin", site=self.settings.catalog.site.name)
            return
        if origin.lower() not in self.origins:
            raise Problem(403, "origin", site=self.settings.catalog.site.name)

    def bucket(self, prefix: str, value: str) -> str:
        """A counter's key: a keyed hash, so neither addresses nor client IPs are stored."""
        digest = hmac.new(self.settings.token_key, value.encode("utf-8"), hashlib.sha256)
        return f"{prefix}:{digest.hexdigest()[:40]}"

    def over_limit(self, prefix: str, value: str, limit: int) -> bool:
        window = self.settings.limits.window_seconds
        slot = int(self.clock().timestamp()) // window
        return self.store.hit(self.bucket(prefix, value), slot) > limit

    async def limit_client(self, request: Request, prefix: str, limit: int) -> None:
        client = request.client.host if request.client else "unknown"
        if await run_in_threadpool(self.over_limit, prefix, client, limit):
            raise Problem(429, "rate")

    def chosen(self, form: FormData) -> tuple[str, ...] | None:
        """The components asked for; ``None`` (all, and any added later) when none or every
        one is ticked."""
        picked = [str(value) for value in form.getlist("component") if str(value)]
        for component in picked:
            if component not in self.component_ids:
                raise Problem(400, "components")
        if not picked or set(picked) == self.component_ids:
            return None
        return tuple(c for c, _ in self.components if c in picked)

    def describe(self, components: tuple[str, ...] | None) -> str:
        if components is None:
            return self.t("subscriptions.all")
        names = dict(self.components)
        return ", ".join(names.get(c, c) for c in components)

    # --- handlers -------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        try:
            await run_in_threadpool(self.store.ping)
        except Exception as error:
            log.warning("health: the database does not answer (%s)", type(error).__name__)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__})

    async def subscribe(self, request: Request) -> Response:
        try:
            self.check_origin(request, required=True)
            limits = self.settings.limits
            await self.limit_client(request, "subscribe", limits.subscribe_per_client)
            form = await read_form(request)
            components = self.chosen(form)
            email = str(form.get("email") or "")
            webhook = str(form.get("webhook") or "")
            if bool(email.strip()) == bool(webhook.strip()):
                raise Problem(400, "email")
            kind = Kind.EMAIL if email.strip() else Kind.WEBHOOK
            if form.get(HONEYPOT):
                return self.accepted(request, kind)  # a robot: the same answer, nothing sent
            address = self.normalise(kind, email or webhook)
        except Problem as problem:
            return self.refuse(request, problem)
        await run_in_threadpool(self.request_confirmation, kind, address, components)
        return self.accepted(request, kind)

    def normalise(self, kind: Kind, value: str) -> str:
        settings = self.settings
        try:
            if kind is Kind.EMAIL:
                return normalise_email(value, check_deliverability=settings.check_deliverability)
            return normalise_webhook(value, allow_private=settings.allow_private_webhooks)
        except AddressError:
            raise Problem(400, "email" if kind is Kind.EMAIL else "webhook") from None

    def request_confirmation(
        self, kind: Kind, address: str, components: tuple[str, ...] | None
    ) -> None:
        if self.over_limit("address", f"{kind}:{address}", self.settings.limits.mails_per_address):
            log.info("subscribe: an address over its limit; no mail sent")
            return
        self.store.request(kind, address, components, self.clock())
        log.info("subscribe: confirmation queued (%s)", kind.value)
        if self.worker is not None:
            self.worker.wake()

    def accepted(self, request: Request, kind: Kind) -> Response:
        key = "subscriptions.sent.webhook" if kind is Kind.WEBHOOK else "subscriptions.sent.text"
        hours = self.settings.limits.confirm_seconds // 3600
        if wants_json(request):
            return JSONResponse(
                {"status": "accepted", "message": self.t(key, hours=hours)}, status_code=202
            )
        return RedirectResponse(
            self.settings.public_url + f"subscribed?kind={kind.value}", status_code=303
        )

    async def subscribed(self, request: Request) -> Response:
        kind = Kind.WEBHOOK if request.query_params.get("kind") == "webhook" else Kind.EMAIL
        key = "subscriptions.sent.webhook" if kind is Kind.WEBHOOK else "subscriptions.sent.text"
        hours = self.settings.limits.confirm_seconds // 3600
        return self.page(
            "message.html", title_key="subscriptions.sent.title", text_key=key, hours=hours
        )

    async def confirm_form(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        try:
            asked = self.tokens.read_confirm(token)
        except TokenError as error:
            return self.link_problem(error)
        return self.page("confirm.html", token=token, following=self.describe(asked.components))

    async def confirm(self, request: Request) -> Response:
        try:
            self.check_origin(request, required=False)
            await self.limit_client(request, "post", self.settings.limits.posts_per_client)
            form = await read_form(request)
        except Problem as problem:
            return self.refuse(request, problem)
        token = str(form.get("token") or request.query_params.get("token", ""))
        try:
            asked = self.tokens.read_confirm(token)
        except TokenError as error:
            return self.link_problem(error)
        outcome, subscriber = await run_in_threadpool(
            self.store.confirm, asked.key, asked.nonce, asked.components, self.clock()
        )
        if outcome is Confirmation.GONE or subscriber is None:
            return self.page(
                "message.html",
                404,
                title_key="subscriptions.gone.title",
                text_key="subscriptions.gone.text",
            )
        if outcome is Confirmation.USED:
            return self.page(
                "message.html",
                409,
                title_key="subscriptions.used.title",
                text_key="subscriptions.used.text",
            )
        log.info("confirm: a subscriber confirmed")
        return self.page(
            "confirmed.html",
            following=self.describe(subscriber.follows()),
            manage=self.tokens.manage(subscriber.key),
        )

    async def _subscriber(self, token: str) -> Subscriber | Response:
        try:
            key = self.tokens.read_manage(token)
        except TokenError as error:
            return self.link_problem(error)
        found = await run_in_threadpool(self.store.subscriber, key)
        if found is None:
            return self.page(
                "message.html",
                404,
                title_key="subscriptions.gone.title",
                text_key="subscriptions.gone.text",
            )
        return found

    async def manage_form(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        found = await self._subscriber(token)
        if isinstance(found, Response):
            return found
        return self.manage_page(found, token, saved=False)

    def manage_page(self, subscriber: Subscriber, token: str, *, saved: bool) -> Response:
        follows = subscriber.follows()
        ticked = set(self.component_ids if follows is None else follows)
        return self.page(
            "manage.html",
            token=token,
            address=subscriber.address,
            webhook=subscriber.kind is Kind.WEBHOOK,
            confirmed=subscriber.confirmed,
            ticked=ticked,
            saved=saved,
            following=self.describe(follows),
        )

    async def manage(self, request: Request) -> Response:
        try:
            self.check_origin(request, required=False)
            await self.limit_client(request, "post", self.settings.limits.posts_per_client)
            form = await read_form(request)
            components = self.chosen(form)
        except Problem as problem:
            return self.refuse(request, problem)
        token = str(form.get("token") or "")
        found = await self._subscriber(token)
        if isinstance(found, Response):
            return found
        updated = await run_in_threadpool(self.store.set_components, found.key, components)
        if updated is None:
            return self.page(
                "message.html",
                404,
                title_key="subscriptions.gone.title",
                text_key="subscriptions.gone.text",
            )
        return self.manage_page(updated, token, saved=True)

    async def unsubscribe_form(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        try:
            self.tokens.read_manage(token, allow_expired=True)
        except TokenError as error:
            return self.link_problem(error)
        return self.page("unsubscribe.html", token=token)

    async def unsubscribe(self, request: Request) -> Response:
        # No origin check: RFC 8058's one-click post comes from a mail provider's server.
        # The signed token is the credential.
        try:
            await self.limit_client(request, "post", self.settings.limits.posts_per_client)
            form = await read_form(request)
        except Problem as problem:
            return self.refuse(request, problem)
        token = str(request.query_params.get("token") or form.get("token") or "")
        try:
            key = self.tokens.read_manage(token, allow_expired=True)
        except TokenError as error:
            return self.link_problem(error)
        if await run_in_threadpool(self.store.unsubscribe, key):
            log.info("unsubscribe: a subscriber left")
        return self.page(
            "message.html",
            title_key="subscriptions.unsubscribed.title",
            text_key="subscriptions.unsubscribed.text",
        )

    async def events(self, request: Request) -> Response:
        body = await request.body()
        signature = request.headers.get(SIGNATURE_HEADER)
        why = verify(
            self.settings.shared_secret,
            request.headers.get(TIMESTAMP_HEADER),
            signature,
            body,
            now=self.clock().timestamp(),
        )
        if why is not None:
            log.warning("events: refused an unsigned or badly signed post")
            return JSONResponse({"status": "error", "message": why}, status_code=401)
        assert signature is not None
        digest = hashlib.sha256(signature.strip().encode("ascii", "replace")).hexdigest()
        if await run_in_threadpool(self.store.seen, digest, self.clock()):
            log.warning("events: refused a replayed post")
            return JSONResponse(
                {"status": "error", "message": "this request was seen before"}, status_code=409
            )
        try:
            event = parse_event(body)
        except ValueError as error:
            return JSONResponse({"status": "error", "message": str(error)}, status_code=400)
        queued = await run_in_threadpool(
            lambda: self.store.receive_event(
                event["id"],
                event["kind"],
                body.decode("utf-8"),
                event["components"],
                mail=mail_worthy(event["kind"]),
                now=self.clock(),
            )
        )
        if queued is None:
            log.info("events: %s was received before; nothing queued", event["id"])
            return JSONResponse({"status": "duplicate", "event": event["id"]})
        log.info("events: %s queued for %d subscriber(s)", event["id"], queued)
        if self.worker is not None:
            self.worker.wake()
        return JSONResponse(
            {"status": "queued", "event": event["id"], "recipients": queued}, status_code=202
        )


def parse_event(body: bytes) -> dict[str, Any]:
    """The ``event`` part of a body :func:`~statusbook.notifications.service.service_body`
    made, checked enough that fan-out and rendering cannot trip over it."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the body is not JSON") from None
    if not isinstance(document, dict) or document.get("version") != BODY_VERSION:
        raise ValueError(f"the body is not a statusbook event (version {BODY_VERSION})")
    event = document.get("event")
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and 0 < len(event["id"]) <= 400
        and isinstance(event.get("kind"), str)
        and isinstance(event.get("components"), list)
        and all(isinstance(c, str) for c in event["components"])
        and isinstance(document.get("notice"), dict)
        and isinstance(document.get("statuspage"), dict)
    ):
        raise ValueError("the event lacks its id, kind, components, notice or statuspage body")
    return event


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def read_form(request: Request) -> FormData:
    try:
        return await request.form(max_files=0, max_fields=200)
    except Exception:  # malformed multipart, too many fields: a bad request, not a crash
        raise Problem(400, "form") from None


class Headers:
    """Security headers on every answer, and an access log without queries or addresses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            access.info(
                "%s %s %d %.0fms",
                scope.get("method", "?"),
                scope.get("path", "?"),
                status,
                (time.monotonic() - started) * 1000,
            )


def create_app(
    settings: Settings,
    store: Store,
    *,
    worker: Worker | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Starlette:
    """The app; with ``worker``, its threads start and stop with the app."""
    service = Service(settings, store, worker, clock)
    form = settings.limits.form_bytes

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                await run_in_threadpool(worker.stop)

    def route(
        path: str, handler: Callable[[Request], Awaitable[Response]], method: str, limit: int = form
    ) -> Route:
        return Route(path, handler, methods=[method], max_body_size=limit)

    routes = [
        route("/health", service.health, "GET"),
        route("/subscribe", service.subscribe, "POST"),
        route("/subscribed", service.subscribed, "GET"),
        route("/confirm", service.confirm_form, "GET"),
        route("/confirm", service.confirm, "POST"),
        route("/manage", service.manage_form, "GET"),
        route("/manage", service.manage, "POST"),
        route("/unsubscribe", service.unsubscribe_form, "GET"),
        route("/unsubscribe", service.unsubscribe, "POST"),
        route("/events", service.events, "POST", settings.limits.event_bytes),
    ]
    middleware = [
        Middleware(Headers),
        Middleware(
            CORSMiddleware,
            allow_origins=[settings.site_origin],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            max_age=600,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.service = service
    return app
