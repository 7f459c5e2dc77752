"""The subscription service end to end, served by uvicorn on 127.0.0.1, mail through a real SMTP
server (aiosmtpd), on SQLite and on PostgreSQL: subscribe, confirm, receive, manage, leave."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .subscriptions_support import (
    BACKENDS,
    Service,
    database_url,
    event_body,
    start_service,
)


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def service(database: str, tmp_path: Path) -> Iterator[Service]:
    running = start_service(tmp_path / "site", database)
    yield running
    running.close()


def subscribed(service: Service, address: str, *components: str) -> None:
    """Subscribe and confirm ``address``; the confirmation mail is taken out of the way."""
    before = len(service.smtpd.mails(address))
    assert service.subscribe(address, *components).status_code == 303
    mail = service.smtpd.wait(before + 1, to=address)[-1]
    assert service.confirm(mail).status_code == 200


def test_subscribe_confirm_receive_and_leave_with_one_click(service: Service) -> None:
    answer = service.subscribe("ann@example.com")
    assert answer.status_code == 303
    assert answer.headers["location"] == service.url + "subscribed?kind=email"
    page = service.client.get(answer.headers["location"])
    assert "Check your inbox" in page.text

    (confirmation,) = service.smtpd.wait(1, to="ann@example.com")
    message = confirmation.message
    assert message["Subject"] == "Confirm your subscription to Test Status"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert confirmation.unsubscribe.startswith(service.url + "unsubscribe?token=")
    assert "all components" in confirmation.text and "all components" in confirmation.html
    assert confirmation.link("manage") and "unsubscribe?token=" in confirmation.html

    # Following the link shows a button (a mail scanner's GET confirms nothing) …
    link = confirmation.link("confirm")
    shown = service.client.get(link.removeprefix(service.url.rstrip("/")))
    assert shown.status_code == 200 and "Confirm" in shown.text
    assert service.store.subscribers(confirmed=True) == []
    # … and the button confirms.
    done = service.confirm(confirmation)
    assert done.status_code == 200 and "You are subscribed" in done.text
    assert done.headers["referrer-policy"] == "no-referrer"
    assert done.headers["cache-control"] == "no-store"

    assert service.event(event_body()).status_code == 202
    (_, notice) = service.smtpd.wait(2, to="ann@example.com")
    assert notice.message["Subject"] == "[Test Status] New incident: API errors"
    for part in (notice.text, notice.html):
        assert "API errors" in part and "Investigating" in part
        assert "We are looking into elevated API error rates." in part
        assert "API: Major outage" in part
        assert "https://status.test.example/incidents/2026-11-21-api-errors/" in part
    assert notice.link("manage") and notice.link("unsubscribe")
    assert notice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail client posts to the header's URL, from its own servers (no Origin).
    left = service.client.post(
        notice.unsubscribe.removeprefix(service.url.rstrip("/")),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert left.status_code == 200 and "unsubscribed" in left.text
    assert service.store.subscribers() == []

    assert service.event(event_body("2026-11-21-api-errors/u2")).status_code == 202
    service.idle()
    assert len(service.smtpd.mails("ann@example.com")) == 2  # nothing more


def test_only_followers_of_the_affected_components_get_the_event(service: Service) -> None:
    subscribed(service, "api@example.com", "api")
    subscribed(service, "db@example.com", "database")
    subscribed(service, "all@example.com")
    answer = service.event(event_body(components=["api"]))
    assert answer.json() == {
        "status": "queued",
        "event": "2026-11-21-api-errors/u1",
        "recipients": 2,
    }
    service.smtpd.wait(2, to="api@example.com")
    service.smtpd.wait(2, to="all@example.com")
    service.idle()
    assert len(service.smtpd.mails("db@example.com")) == 1  # the confirmation only


def test_component_updates_go_to_webhooks_not_to_mail(service: Service) -> None:
    subscribed(service, "all@example.com")
    body = event_body("2026-11-21-api-errors/u1/api", kind="component.updated")
    assert service.event(body).json()["recipients"] == 0


def test_unconfirmed_addresses_get_nothing_but_the_confirmation(service: Service) -> None:
    service.subscribe("pending@example.com")
    service.smtpd.wait(1, to="pending@example.com")
    assert service.event(event_body()).json()["recipients"] == 0
    service.idle()
    assert len(service.smtpd.mails("pending@example.com")) == 1


def test_the_manage_link_changes_what_is_followed(service: Service) -> None:
    subscribed(service, "ann@example.com")
    (confirmation,) = service.smtpd.mails("ann@example.com")
    link = confirmation.link("manage")
    token = parse_qs(urlsplit(link).query)["token"][0]
    page = service.client.get("/manage", params={"token": token})
    assert page.status_code == 200 and "ann@example.com" in page.text
    assert page.text.count("checked") == 3
    saved = service.post("/manage", {"token": token, "component": ["database"]}, origin=None)
    assert saved.status_code == 200 and "Saved: you follow Database." in saved.text
    assert service.event(event_body(components=["api"])).json()["recipients"] == 0
    assert service.event(event_body("x/u1", components=["database"])).json()["recipients"] == 1


def test_a_second_subscribe_changes_nothing_until_confirmed(service: Service) -> None:
    subscribed(service, "ann@example.com", "api")
    assert service.subscribe("ann@example.com", "database").status_code == 303
    second = service.smtpd.wait(2, to="ann@example.com")[-1]
    assert "Database" in second.text
    assert service.event(event_body(components=["api"])).json()["recipients"] == 1
    assert service.confirm(second).status_code == 200
    (one,) = service.store.subscribers()
    assert one.components == ("database",)


def test_addresses_are_normalised_into_one_subscriber(service: Service) -> None:
    for spelling in ("Ann@Example.COM", " ann@example.com ", "ANN@example.com"):
        assert service.subscribe(spelling).status_code == 303
    (one,) = service.store.subscribers()
    assert one.address == "ann@example.com"


def test_the_webhook_json_body_keeps_its_statuspage_shape(service: Service) -> None:
    # Statuspage's shape, with meta.unsubscribe filled in per receiver (see test_webhooks).
    body = event_body()
    assert set(body["statuspage"]) == {"meta", "page", "incident"}


def test_health_says_ok(service: Service) -> None:
    answer = service.client.get("/health", headers={"Origin": service.origin})
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    assert answer.headers["access-control-allow-origin"] == service.origin
    other = service.client.get("/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_the_inline_form_gets_json_and_cors(service: Service) -> None:
    answer = service.post(
        "/subscribe",
        files={"email": (None, "ann@example.com"), "component": (None, "api")},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 202
    assert answer.json()["status"] == "accepted"
    assert "confirmation link" in answer.json()["message"]
    assert answer.headers["access-control-allow-origin"] == service.origin
    service.smtpd.wait(1, to="ann@example.com")


def test_pages_speak_the_sites_language(database: str, tmp_path: Path) -> None:
    running = start_service(tmp_path / "site", database, language="id")
    try:
        running.subscribe("ani@example.com")
        (mail,) = running.smtpd.wait(1, to="ani@example.com")
        assert mail.message["Subject"] == "Konfirmasi langganan Anda di Test Status"
        assert "semua komponen" in mail.text
        assert 'lang="id"' in mail.html
        page = running.confirm(mail)
        assert "Anda sudah berlangganan" in page.text
    finally:
        running.close()
