"""``statusbook notify``'s own target: the subscription service (``statusbook subscriptions``).

Readers who subscribe themselves live in the service's database, not in the catalog, so
``notify`` does not send them anything itself: it posts each event to the service once,
and the service fans it out to the confirmed subscribers of the affected components.

Why the pieces are as they are:

* **One body per event, rendered here.** ``notify`` holds the snapshot, so it words the
  event (the same :class:`~statusbook.notifications.messages.Notice` the chat messages
  use, in the site's language) and shapes the Statuspage webhook body; the service only
  lays them out per receiver. The two can never disagree about what happened.
* **Signed, timestamped, replay-protected.** The service accepts events from whoever
  holds the shared secret only: ``X-Statusbook-Signature`` is an HMAC-SHA256 over the
  timestamp and the body, the timestamp must be within :data:`MAX_SKEW` seconds of the
  service's clock, and the service refuses a signature it has seen before. Each attempt is
  signed afresh, so a retry is not a replay.
* **The existing delivery machinery.** These messages go through
  :func:`statusbook.notifications.delivery.deliver` like any webhook's — timeouts, retries
  with backoff, the sent-log — under the name :data:`TARGET`, which no catalog webhook can
  have (it is not an id). The service is idempotent per event too, so a lost sent-log
  sends nobody anything twice.

Only the standard library, like :mod:`statusbook.notifications.delivery`: the publish
workflow that runs ``notify`` need not install the service's dependencies.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from statusbook import __version__
from statusbook.model import Subscriptions, Webhook, WebhookType
from statusbook.notifications.delivery import Reply, TransportError, describe_failure
from statusbook.notifications.events import Event, EventKind, Message
from statusbook.notifications.messages import Renderer
from statusbook.render.statuspage import iso

#: The sent-log's name for the service; ``@`` keeps it apart from every webhook name.
TARGET = "@subscriptions"
#: Where, under the service's address, events are posted.
EVENTS_PATH = "events"
SIGNATURE_HEADER = "X-Statusbook-Signature"
TIMESTAMP_HEADER = "X-Statusbook-Timestamp"
#: How far (seconds) a request's timestamp may be from the service's clock.
MAX_SKEW = 300
#: The body's format; the service refuses versions it does not know.
BODY_VERSION = 1


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: bytes,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float,
    max_skew: int = MAX_SKEW,
) -> str | None:
    """Why the request is not from ``notify``, or ``None`` when it is.

    Compares in constant time; the answer never says how close a forgery came.
    """
    if not timestamp or not signature:
        return f"the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required"
    try:
        stamp = int(timestamp)
    except ValueError:
        return f"{TIMESTAMP_HEADER} is not a Unix time"
    if abs(now - stamp) > max_skew:
        return f"{TIMESTAMP_HEADER} is more than {max_skew} s away from the service's clock"
    if not hmac.compare_digest(sign(secret, stamp, body), signature.strip()):
        return "the signature does not match"
    return None


def service_body(renderer: Renderer, event: Event) -> dict[str, Any]:
    """What the service needs to tell every kind of subscriber about ``event``."""
    notice = renderer.notice(event)
    record = event.record
    return {
        "version": BODY_VERSION,
        "event": {
            "id": event.id,
            "kind": event.kind.value,
            "at": iso(event.at),
            "record": record.id,
            "components": list(event.components),
            "maintenance": record.is_maintenance,
            "impact": record.impact.value,
        },
        "notice": {
            "headline": notice.headline,
            "title": notice.title,
            "status": notice.status,
            "text": notice.text,
            "facts": [list(fact) for fact in notice.facts],
            "when": notice.when,
            "link": notice.link,
            "link_label": notice.link_label,
            "tone": notice.tone,
            "colour": notice.colour,
            "site": notice.site,
        },
        "statuspage": renderer.statuspage(event),
    }


def service_messages(
    subscriptions: Subscriptions, events: Sequence[Event], renderer: Renderer
) -> list[Message]:
    """One message per event for the service, component updates included (webhook
    subscribers get them in Statuspage's shape; the service keeps them out of mail)."""
    target = Webhook(name=TARGET, type=WebhookType.JSON, url_env=subscriptions.secret_env)
    return [Message(event, target, service_body(renderer, event)) for event in events]


def events_url(subscriptions: Subscriptions) -> str:
    return subscriptions.url + EVENTS_PATH


def mail_worthy(kind: str) -> bool:
    """Whether an event of ``kind`` goes to email subscribers (component updates do not:
    the mail about the incident lists its components already)."""
    return kind != EventKind.COMPONENT_UPDATED.value


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SignedTransport:
    """POSTs with the signature headers; a :class:`~statusbook.notifications.delivery.Transport`.

    Redirects are not followed (a signed event goes to the configured address only).
    """

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        self.secret = secret
        self.clock = clock
        self._opener = urllib.request.build_opener(_NoRedirects)

    def headers(self, body: bytes) -> dict[str, str]:
        stamp = int(self.clock())
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"statusbook/{__version__}",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: sign(self.secret, stamp, body),
        }

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        request = urllib.request.Request(url, data=body, method="POST", headers=self.headers(body))
        try:
            with self._opener.open(request, timeout=timeout) as response:
                response.read(65536)
                return Reply(response.status, dict(response.headers.items()))
        except urllib.error.HTTPError as error:
            with error:
                return Reply(error.code, dict(error.headers.items()) if error.headers else {})
        except urllib.error.URLError as error:
            raise TransportError(describe_failure(error.reason)) from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise TransportError(describe_failure(error)) from None


def secret_from(environ: Mapping[str, str], subscriptions: Subscriptions) -> bytes | None:
    value = environ.get(subscriptions.secret_env, "").strip()
    return value.encode("utf-8") if value else None


def urls_for(subscriptions: Subscriptions) -> dict[str, str]:
    """The ``urls`` mapping :func:`~statusbook.notifications.delivery.deliver` expects."""
    return {TARGET: events_url(subscriptions)}


def names(messages: Iterable[Message]) -> set[str]:
    return {message.webhook.name for message in messages}
