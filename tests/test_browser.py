"""The built home page in a real headless Chromium: content, console, network, screenshot."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest

from .conftest import REPO_ROOT
from .published import demo_project
from .sitebuild import build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)"),
]
NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-site")
    result = build(demo_project(tmp_path_factory.mktemp("demo")), out, NOW)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


def _visit(browser, url: str, *, javascript: bool = True, width: int = 1280, scheme: str = "light"):
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
    )
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="networkidle")
    return context, page, errors, requests


def test_home_page_renders_status_without_errors_or_outside_requests(browser, served):
    context, page, errors, requests = _visit(browser, served + "/")
    try:
        assert page.locator(".sb-banner").inner_text().strip().endswith("Partial outage")
        statuses = page.locator(".sb-component .sb-status").all_inner_texts()
        assert len(statuses) == 9 and any("Partial outage" in s for s in statuses)
        assert errors == []
        hosts = {urlparse(url).netloc for url in requests if not url.startswith("data:")}
        assert hosts == {urlparse(served).netloc}, hosts
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    finally:
        context.close()


def test_javascript_shows_times_in_the_readers_zone(browser, served):
    context, page, errors, _ = _visit(browser, served + "/")
    try:
        updated = page.locator(".sb-updated time")
        assert updated.get_attribute("data-sb-local") == "1"
        assert updated.get_attribute("title") == "21 Nov 2026, 06:00 UTC"
        first_bar = page.locator("#component-auth ol.sb-bars > li").first
        assert first_bar.get_attribute("title") == "Aug 24, 2026: no downtime"
        assert errors == []
    finally:
        context.close()


def test_status_is_readable_without_javascript(browser, served):
    context, page, _, _ = _visit(browser, served + "/", javascript=False)
    try:
        assert page.locator(".sb-banner").is_visible()
        assert "Partial outage" in page.locator(".sb-banner").inner_text()
        assert page.locator(".sb-component").count() == 9
    finally:
        context.close()


def test_phone_width_dark_mode_incident_page(browser, served):
    context, page, errors, _ = _visit(
        browser, served + "/incidents/2026-09-02-eu-region-outage/", width=390, scheme="dark"
    )
    try:
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "no horizontal scrolling on a phone"
        assert page.locator("ol.sb-timeline > li").count() == 4
        assert errors == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "incident-phone-dark.png"), full_page=True)
    finally:
        context.close()
