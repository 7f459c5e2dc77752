"""Bad input and abuse: malformed addresses, other origins, oversized bodies, forged, stale and
replayed event posts, expired, tampered and reused links, rate limits, the honeypot, and the
same answer whether or not an address is known. Served for real, on SQLite (the rules do not
depend on the database; test_subscriptions runs the flow on both)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from statusbook.subscriptions.settings import Limits
from statusbook.subscriptions.tokens import Tokens

from .subscriptions_support import SHARED_SECRET, Service, event_body, start_service


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    running = start_service(
        tmp_path / "site",
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        limits=Limits(
            subscribe_per_client=30, mails_per_address=2, form_bytes=4096, event_bytes=64 * 1024
        ),
    )
    yield running
    running.close()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@@example.com",
        "ann example@example.com",
        "a" * 250 + "@example.com",
        "ann@localhost",
    ],
)
def test_malformed_addresses_are_refused_and_nothing_is_stored(
    service: Service, address: str
) -> None:
    answer = service.subscribe(address, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["message"] == "This is not an email address we can send to."
    assert service.store.subscribers() == []


def test_a_form_from_another_origin_is_refused(service: Service) -> None:
    evil = service.post("/subscribe", {"email": "ann@example.com"}, origin="https://evil.example")
    assert evil.status_code == 403 and "can only be sent from" in evil.text
    bare = service.post("/subscribe", {"email": "ann@example.com"}, origin=None)
    assert bare.status_code == 403
    by_referer = service.post(
        "/subscribe",
        {"email": "ann@example.com"},
        origin=None,
        headers={"Referer": service.origin + "/components/api/"},
    )
    assert by_referer.status_code == 303
    assert "access-control-allow-origin" not in evil.headers


def test_oversized_bodies_are_refused(service: Service) -> None:
    big = service.post("/subscribe", {"email": "ann@example.com", "x": "y" * 10_000})
    assert big.status_code == 413
    huge = service.client.post("/events", content=b"{" + b" " * 100_000 + b"}")
    assert huge.status_code == 413
    assert service.store.subscribers() == []


def test_forged_stale_and_replayed_event_posts_are_refused(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    body = event_body()
    assert service.event(body, secret="not-the-secret-" + "x" * 30).status_code == 401
    assert service.event(body, stamp=int(time.time()) - 3600).status_code == 401
    unsigned = service.client.post("/events", content=json.dumps(body).encode())
    assert unsigned.status_code == 401
    raw = json.dumps(body).encode()
    from statusbook.notifications.service import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

    stamp = int(time.time())
    headers = {
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: sign(SHARED_SECRET.encode(), stamp, raw),
    }
    assert service.client.post("/events", content=raw, headers=headers).status_code == 202
    replay = service.client.post("/events", content=raw, headers=headers)
    assert replay.status_code == 409
    # The same event signed afresh (a second notify run): accepted, queued for nobody.
    again = service.event(body, stamp=stamp - 5)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert SHARED_SECRET not in caplog.text


def test_a_signed_body_that_is_not_an_event_is_refused(service: Service) -> None:
    answer = service.event({"version": 1, "event": {"id": 3}})
    assert answer.status_code == 400


def test_the_answer_is_the_same_whether_or_not_an_address_is_known(service: Service) -> None:
    def answer(address: str, **extra: str) -> tuple[int, str]:
        response = service.subscribe(address, headers={"Accept": "application/json"}, **extra)
        return response.status_code, response.text

    fresh = answer("new@example.com")
    service.confirm(service.smtpd.wait(1, to="new@example.com")[0])
    known = answer("new@example.com")
    robot = answer("robot@example.com", website="http://spam.example")
    limited = []
    for count in (1, 2):  # two confirmation mails per address per window …
        limited.append(answer("flood@example.com"))
        service.smtpd.wait(count, to="flood@example.com")
    limited += [answer("flood@example.com") for _ in range(2)]  # … then none, same answer
    assert fresh == known == robot == limited[0] == limited[-1]
    service.idle()
    assert service.smtpd.mails("robot@example.com") == []  # the honeypot: nothing sent
    assert len(service.smtpd.mails("flood@example.com")) == 2  # two per address per window
    assert len(service.smtpd.mails("new@example.com")) == 2


def test_too_many_requests_from_one_client_are_refused(tmp_path: Path) -> None:
    running = start_service(
        tmp_path / "s",
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        limits=Limits(subscribe_per_client=3),
    )
    try:
        codes = [running.subscribe(f"p{n}@example.com").status_code for n in range(5)]
        assert codes == [303, 303, 303, 429, 429]
    finally:
        running.close()


def test_unknown_components_are_refused(service: Service) -> None:
    answer = service.subscribe("ann@example.com", "api", "nope")
    assert answer.status_code == 400
    assert service.store.subscribers() == []


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_a_confirmation_link_works_once_and_only_the_newest(service: Service) -> None:
    service.subscribe("ann@example.com")
    first = service.smtpd.wait(1, to="ann@example.com")[0]
    service.subscribe("ann@example.com")
    second = service.smtpd.wait(2, to="ann@example.com")[1]
    assert service.confirm(first).status_code == 409  # replaced by the newer link
    assert service.confirm(second).status_code == 200
    replayed = service.confirm(second)
    assert replayed.status_code == 409 and "used already" in replayed.text


def test_expired_and_tampered_links_are_refused(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.subscribe("ann@example.com")
    mail = service.smtpd.wait(1, to="ann@example.com")[0]
    limits = service.settings.limits
    tokens = Tokens(
        service.settings.token_key,
        confirm_seconds=limits.confirm_seconds,
        manage_seconds=limits.manage_seconds,
    )
    asked = tokens.read_confirm(_token(mail.link("confirm")))
    real_time = time.time
    monkeypatch.setattr(
        "itsdangerous.timed.time.time", lambda: real_time() - limits.confirm_seconds - 60
    )
    old = tokens.confirm(asked.key, asked.nonce, None)
    old_manage = tokens.manage(asked.key)
    monkeypatch.undo()
    expired = service.post("/confirm", {"token": old}, origin=None)
    assert expired.status_code == 400 and "expired" in expired.text
    tampered = _token(mail.link("confirm"))[:-3] + "AAA"
    bad = service.post("/confirm", {"token": tampered}, origin=None)
    assert bad.status_code == 400 and "does not work" in bad.text
    assert service.store.subscribers(confirmed=True) == []
    # A manage link from another purpose is not a confirmation either.
    assert service.post("/confirm", {"token": old_manage}, origin=None).status_code == 400
    # Leaving works even with an old link: it is authentic, and leaving must always work.
    assert service.client.post("/unsubscribe", params={"token": old_manage}).status_code == 200
    assert service.store.subscribers() == []


def test_logs_carry_no_address_token_or_secret(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="statusbook")
    service.subscribe("secret.person@example.com")
    mail = service.smtpd.wait(1, to="secret.person@example.com")[0]
    service.confirm(mail)
    service.event(event_body())
    service.smtpd.wait(2, to="secret.person@example.com")
    service.client.post("/unsubscribe", params={"token": _token(mail.link("unsubscribe"))})
    logged = caplog.text
    assert "subscribe: confirmation queued (email)" in logged
    assert "POST /subscribe 303" in logged
    for secret in (
        "secret.person",
        _token(mail.link("confirm")),
        _token(mail.link("unsubscribe")),
        SHARED_SECRET,
    ):
        assert secret not in logged
