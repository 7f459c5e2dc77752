"""The whole journey in a real headless Chromium: the built page's form, the confirmation mail
and its link, an incident recorded and `statusbook notify` run, the notification, one-click
unsubscribe, and nothing more after it. Also the form without JavaScript, and the page while
the service is down."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusbook.render.urls import component_url

from .conftest import CATALOG, GitRepo
from .samples import OPEN_INCIDENT
from .sitebuild import build, install_site_files
from .sitebuild import page as page_of
from .subscriptions_support import (
    Service,
    free_port,
    start_service,
    write_catalog,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
RECORD = "2026-11-21-api-errors.md"
RESOLVED_LATER = (
    OPEN_INCIDENT.replace("---\n\n", "---\n")
    .replace(
        "    message: We are looking into elevated API error rates.\n",
        "    message: We are looking into elevated API error rates.\n"
        "  - at: 2026-11-21T10:30:00Z\n"
        "    status: resolved\n"
        "    message: Error rates are back to normal.\n",
    )
    .replace("components:\n", "resolved: 2026-11-21T10:30:00Z\ncomponents:\n", 1)
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A status repository whose catalog names a service on a fixed port, built and served."""
    root = tmp_path_factory.mktemp("status")
    site_port, service_port = free_port(), free_port()
    site_url = f"http://127.0.0.1:{site_port}/"
    catalog = write_catalog(root, f"http://127.0.0.1:{service_port}/", site_url=site_url)
    install_site_files(root)
    repo = GitRepo(root)
    repo.commit("empty")
    out = tmp_path_factory.mktemp("built")
    result = build(root, out, NOW)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {
        "root": root,
        "url": site_url,
        "port": service_port,
        "catalog": catalog,
        "repo": repo,
        "out": out,
    }
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def service(site: dict[str, object], tmp_path: Path) -> Iterator[Service]:
    running = start_service(
        site["root"],  # type: ignore[arg-type]
        f"sqlite:///{tmp_path / 'subscriptions.sqlite3'}",
        port=site["port"],  # type: ignore[arg-type]
        catalog=site["catalog"],  # type: ignore[arg-type]
    )
    yield running
    running.close()


def notify(root: Path, base: str, service: Service) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **service.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run(
        [sys.executable, "-m", "statusbook", "notify", "--base", base, "--now", NOW.isoformat()],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_whole_journey_from_the_form_to_one_click_unsubscribe(browser, site, service):
    root: Path = site["root"]  # type: ignore[assignment]
    repo: GitRepo = site["repo"]  # type: ignore[assignment]
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(str(site["url"]), wait_until="networkidle")
        form = page.locator("form.sb-subscribe__form")
        assert form.locator("input[name=component]:checked").count() == 3
        assert form.locator(".sb-subscribe__unavailable").is_hidden()
        page.fill("#sb-subscribe-email", "ann@example.com")
        page.click("form.sb-subscribe__form button[type=submit]")
        status = form.locator(".sb-subscribe__status")
        status.wait_for(state="visible")
        page.wait_for_function(
            "document.querySelector('form.sb-subscribe__form').dataset.sbResult === 'accepted'"
        )
        assert "confirmation link" in status.inner_text()
        assert page.url == site["url"]  # inline: the reader stayed on the status page

        (confirmation,) = service.smtpd.wait(1, to="ann@example.com")
        page.goto(confirmation.link("confirm"))
        page.click("button[type=submit]")
        assert "You are subscribed" in page.locator("h1").inner_text()
        assert errors == []
    finally:
        context.close()

    base = repo.commit("nothing published yet")
    (root / "incidents" / "2026").mkdir(parents=True, exist_ok=True)
    (root / "incidents" / "2026" / RECORD).write_text(OPEN_INCIDENT, encoding="utf-8")
    sent = notify(root, base, service)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "→ the subscription service" in sent.stdout
    notice = service.smtpd.wait(2, to="ann@example.com")[-1]
    assert notice.message["Subject"] == "[Test Status] New incident: API errors"
    assert "We are looking into elevated API error rates." in notice.text
    assert f"{site['url']}incidents/2026-11-21-api-errors/" in notice.text
    assert service.settings.shared_secret.decode() not in sent.stdout + sent.stderr

    again = notify(root, base, service)  # a second run over the same range sends nothing
    assert again.returncode == 0 and "sent before" in again.stdout
    service.idle()
    assert len(service.smtpd.mails("ann@example.com")) == 2

    left = service.client.post(
        notice.unsubscribe.removeprefix(service.url.rstrip("/")),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert left.status_code == 200

    published = repo.commit("the incident")
    (root / "incidents" / "2026" / RECORD).write_text(RESOLVED_LATER, encoding="utf-8")
    resolved = notify(root, published, service)
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert "u2 (incident.resolved) → the subscription service" in resolved.stdout
    service.idle()
    assert len(service.smtpd.mails("ann@example.com")) == 2  # nothing after unsubscribing
    repo.git("checkout", "--", ".")


def test_the_form_works_without_javascript(browser, site, service):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(str(site["url"]))
        page.fill("#sb-subscribe-email", "plain@example.com")
        page.uncheck("input[name=component][value=dashboard]")
        page.click("form.sb-subscribe__form button[type=submit]")
        page.wait_for_load_state()
        assert page.url.startswith(service.url + "subscribed")
        assert "Check your inbox" in page.locator("h1").inner_text()
    finally:
        context.close()
    (mail,) = service.smtpd.wait(1, to="plain@example.com")
    assert "API, Database" in mail.text


def test_the_page_stands_and_says_so_while_the_service_is_down(browser, site, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(str(site["url"]), wait_until="networkidle")
        assert page.locator(".sb-component").count() == 3  # the status page itself is whole
        note = page.locator(".sb-subscribe__unavailable")
        note.wait_for(state="visible")
        assert "unavailable right now" in note.inner_text()
        assert page.locator("form.sb-subscribe__form button[type=submit]").is_disabled()
        assert errors == []
    finally:
        context.close()


def test_without_a_subscriptions_section_the_page_has_no_form(tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "incidents").mkdir()
    (root / "statusbook.yml").write_text(CATALOG, encoding="utf-8")
    install_site_files(root)
    out = tmp_path / "out"
    result = build(root, out, NOW)
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text()
    assert "sb-subscribe__form" not in home and "subscribe.js" not in home
    assert "sb-subscribe__links" in home  # the feeds, as before


def test_a_component_page_follows_that_component(site):
    soup = page_of(site["out"], component_url("database"))
    form = soup.select_one("form.sb-subscribe__form")
    assert form is not None and form["action"] == f"http://127.0.0.1:{site['port']}/subscribe"
    (chosen,) = form.select("input[name=component]")
    assert chosen["type"] == "hidden" and chosen["value"] == "database"
    assert "Updates about Database by email" in form.get_text()
    assert form.select_one("input[name=website]") is not None  # the honeypot
