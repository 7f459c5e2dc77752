"""Calling subscribers' webhooks: the confirmation challenge, then the events.

A webhook subscriber proves it wants our requests by answering a challenge: we POST
``{"type": "statusbook.challenge", "challenge": "…"}`` and it must answer 2xx with the
challenge, as plain text or as ``{"challenge": "…"}``. Nothing else is sent to a URL
until it has.

Rules, each for a reason: a timeout per request (a receiver that hangs must not hold a
worker), redirects are never followed (a URL that redirects elsewhere is not the URL that
was confirmed, and the target may be inside our network), the destination is checked
again before every request (DNS may have changed), the connection opens to the address
that check approved and no other (a name that answers a public address to the check and a
private one to the connection — DNS rebinding — reaches nothing), and only the first few
KiB of an answer are read.
"""

from __future__ import annotations

import json
from typing import Any

import httpcore
import httpx

from statusbook import __version__
from statusbook.subscriptions.addresses import AddressError, check_destination, public_address
from statusbook.subscriptions.mail import DeliveryError

#: The most of an answer read (a challenge is short; an event's answer is not used).
MAX_ANSWER = 4096
_RETRY_STATUSES = frozenset({408, 425, 429})


class _PublicAddressesOnly(httpcore.SyncBackend):
    """Opens a connection only to a public address the host resolves to at that moment;
    TLS still checks the certificate against the host name."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = public_address(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def _public_only_transport() -> httpx.HTTPTransport:
    """httpx's transport on a connection pool whose connections open through
    :class:`_PublicAddressesOnly`. httpx takes no network backend of its own, so the pool
    it builds is replaced by the same pool on ours (tests/test_webhook_rebinding.py fails
    if that stops taking effect)."""
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_PublicAddressesOnly(),
    )
    return transport


class WebhookCaller:
    def __init__(self, *, timeout: float, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._client = httpx.Client(
            transport=None if allow_private else _public_only_transport(),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": f"statusbook/{__version__}"},
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def _post(self, url: str, body: dict[str, Any]) -> tuple[int, bytes]:
        try:
            check_destination(url, allow_private=self.allow_private)
        except AddressError as error:
            raise DeliveryError(str(error), permanent=True) from None
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            with self._client.stream(
                "POST",
                url,
                content=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
            ) as response:
                answer = b""
                for chunk in response.iter_bytes():
                    answer += chunk
                    if len(answer) >= MAX_ANSWER:
                        break
                return response.status_code, answer[:MAX_ANSWER]
        except AddressError as error:  # raised as the connection opened
            raise DeliveryError(str(error), permanent=True) from None
        except httpx.TimeoutException:
            raise DeliveryError("the webhook timed out") from None
        except httpx.HTTPError as error:
            raise DeliveryError(
                f"the webhook could not be reached ({type(error).__name__})"
            ) from None

    def challenge(self, url: str, challenge: str, unsubscribe: str) -> None:
        """Raises :class:`DeliveryError` unless the webhook answers the challenge."""
        status, answer = self._post(
            url,
            {"type": "statusbook.challenge", "challenge": challenge, "unsubscribe": unsubscribe},
        )
        if 300 <= status < 400:
            raise DeliveryError(f"HTTP {status}: the webhook redirects elsewhere", permanent=True)
        if not 200 <= status < 300:
            raise _status_error(status)
        if _echoes(answer, challenge):
            return
        raise DeliveryError("the webhook did not answer the challenge", permanent=True)

    def event(self, url: str, body: dict[str, Any]) -> None:
        status, _answer = self._post(url, body)
        if 200 <= status < 300:
            return
        if 300 <= status < 400:
            raise DeliveryError(f"HTTP {status}: the webhook redirects elsewhere", permanent=True)
        raise _status_error(status)


def _status_error(status: int) -> DeliveryError:
    retry = status in _RETRY_STATUSES or status >= 500
    return DeliveryError(f"HTTP {status}", permanent=not retry)


def _echoes(answer: bytes, challenge: str) -> bool:
    text = answer.decode("utf-8", "replace").strip()
    if text == challenge:
        return True
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, dict) and value.get("challenge") == challenge
