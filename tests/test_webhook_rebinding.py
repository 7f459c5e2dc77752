"""DNS rebinding: a webhook host name that resolves to a public address when it is checked
and to a private one when the connection opens must reach nothing inside our network.

A real HTTP server listens on 127.0.0.1; the host name's answers come from a resolver that
changes its mind after the first lookup, as an attacker's DNS server with a zero TTL does.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
import pytest

from statusbook.subscriptions import webhooks
from statusbook.subscriptions.mail import DeliveryError
from statusbook.subscriptions.webhooks import WebhookCaller

HOST = "hooks.rebind.example"
PUBLIC = "93.184.215.14"


class Recorder(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        host = self.headers.get("Host", "").rsplit(":", 1)[0]
        Recorder.received.append(host + self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def inside() -> Iterator[int]:
    """A service inside the network: an HTTP server on loopback, its port."""
    Recorder.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def rebinding_resolver(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """``HOST`` resolves to each of ``answers`` in turn (then the last, forever)."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != HOST:
            return real(host, port, *args, **kwargs)
        address = answers[min(len(asked), len(answers) - 1)]
        asked.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_that_turns_private_after_the_check_reaches_nothing(monkeypatch, inside):
    asked = rebinding_resolver(monkeypatch, [PUBLIC, "127.0.0.1"])
    caller = WebhookCaller(timeout=2, allow_private=False)
    try:
        with pytest.raises(DeliveryError) as refused:
            caller.event(f"http://{HOST}:{inside}/hook", {"incident": {}})
    finally:
        caller.close()
    assert refused.value.permanent
    assert "not on the public internet" in refused.value.reason
    assert asked == [PUBLIC, "127.0.0.1"]  # checked, then looked up again as it connected
    assert Recorder.received == []


def test_without_the_pinned_connection_the_same_name_gets_in(monkeypatch, inside):
    """The attack as modelled here is real: with httpx's own transport (the check before
    the request, but a fresh lookup as the connection opens) the request reaches the
    server inside. So the refusal above is the pinned connection's doing."""
    monkeypatch.setattr(webhooks, "_public_only_transport", lambda: httpx.HTTPTransport())
    rebinding_resolver(monkeypatch, [PUBLIC, "127.0.0.1"])
    caller = WebhookCaller(timeout=2, allow_private=False)
    try:
        caller.event(f"http://{HOST}:{inside}/hook", {"incident": {}})
    finally:
        caller.close()
    assert Recorder.received == [f"{HOST}/hook"]


def test_the_connection_goes_to_the_approved_address(monkeypatch, inside):
    """The pinned connection works end to end: the address the check approves (loopback,
    approved here by hand) is where the request arrives, with the URL's own host name in
    its Host header."""
    hosts: list[str] = []

    def approve(host: str, port: int) -> str:
        hosts.append(host)
        return "127.0.0.1"

    monkeypatch.setattr(webhooks, "public_address", approve)
    monkeypatch.setattr(webhooks, "check_destination", lambda url, allow_private: None)
    caller = WebhookCaller(timeout=2, allow_private=False)
    try:
        caller.event(f"http://{HOST}:{inside}/hook", {"incident": {}})
    finally:
        caller.close()
    assert hosts == [HOST]
    assert Recorder.received == [f"{HOST}/hook"]
