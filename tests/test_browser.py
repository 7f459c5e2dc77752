"""The built site in a real headless Chromium: content, console, network, the script's
enhancements (times, the scheme toggle, each day's details, live data) and screenshots."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .browsing import NEEDS_CHROMIUM, PHONE, chromium, serve, visit
from .conftest import REPO_ROOT
from .published import demo_project
from .sitebuild import build

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
PAGES = [
    "/",
    "/incidents/2026-11-21-api-elevated-error-rates/",
    "/incidents/2026-12-03-database-major-version-upgrade/",
    "/history/",
    "/uptime/",
    "/components/api/",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-site")
    result = build(demo_project(tmp_path_factory.mktemp("demo")), out, NOW)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


def test_home_page_renders_status_without_errors_or_outside_requests(browser, served):
    seen = visit(browser, served + "/")
    try:
        page = seen.page
        assert page.locator(".sb-banner").inner_text().strip().endswith("Partial outage")
        statuses = page.locator(".sb-component .sb-status").all_inner_texts()
        assert len(statuses) == 9 and any("Partial outage" in s for s in statuses)
        assert seen.errors == []
        hosts = {urlparse(url).netloc for url in seen.requests if not url.startswith("data:")}
        assert hosts == {urlparse(served).netloc}, hosts
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    finally:
        seen.close()


@pytest.mark.parametrize("url", PAGES)
def test_no_request_fails_and_materials_bundle_is_not_loaded(browser, served, url):
    """Material's bundle fetched sitemap.xml beside every feed link (404 on component pages)."""
    seen = visit(browser, served + url)
    try:
        assert seen.failed == []
        assert seen.errors == []
        assert not [u for u in seen.requests if "bundle" in u or "sitemap" in u]
    finally:
        seen.close()


def test_javascript_shows_times_in_the_readers_zone_and_how_long_ago(browser, served):
    seen = visit(browser, served + "/")
    try:
        updated = seen.page.locator(".sb-updated time")
        assert updated.get_attribute("data-sb-local") == "1"
        assert updated.get_attribute("title") == "21 Nov 2026, 06:00 UTC"
        ago = seen.page.locator(".sb-updated .sb-ago").inner_text()
        assert ago.startswith(" (") and "ago" in ago
        assert seen.errors == []
    finally:
        seen.close()


def test_without_javascript_times_are_absolute_only(browser, served):
    seen = visit(browser, served + "/", javascript=False)
    try:
        assert seen.page.locator(".sb-ago").count() == 0
        assert seen.page.locator(".sb-updated time").inner_text() == "21 Nov 2026, 06:00 UTC"
    finally:
        seen.close()


def test_status_is_readable_without_javascript(browser, served):
    seen = visit(browser, served + "/", javascript=False)
    try:
        page = seen.page
        assert page.locator(".sb-banner").is_visible()
        assert "Partial outage" in page.locator(".sb-banner").inner_text()
        assert page.locator(".sb-component").count() == 9
    finally:
        seen.close()


def test_a_tap_on_a_bar_tells_that_day_and_a_second_opens_its_entry(browser, served):
    seen = visit(browser, served + "/", width=PHONE)
    try:
        page = seen.page
        strip = page.locator("#component-api ol.sb-bars")
        last = strip.locator("li").last
        last.click()
        tip = page.locator("#component-api .sb-daytip")
        assert tip.is_visible()
        assert tip.inner_text().startswith("21 Nov 2026: Major outage, 1 h 25 min downtime")
        assert tip.get_attribute("aria-live") == "polite"
        assert page.url == served + "/"  # the first tap shows the day in place
        last.click()
        page.wait_for_url("**/components/api/#day-2026-11-21")
        assert page.locator("ol.sb-days > li#day-2026-11-21").is_visible()
        assert seen.errors == []
    finally:
        seen.close()


def test_the_arrow_keys_walk_day_by_day_through_quiet_runs(browser, served):
    seen = visit(browser, served + "/components/api/")
    try:
        page = seen.page
        first = page.locator("ol.sb-bars > li > a").first
        first.focus()
        tip = page.locator(".sb-daytip")
        assert tip.inner_text().startswith("24 Aug 2026: no downtime")  # a run's first day
        page.keyboard.press("ArrowRight")
        assert tip.inner_text().startswith("25 Aug 2026: no downtime")
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        # The tenth day is 2 Sep, a bar of its own: focus moved to its link.
        assert tip.inner_text().startswith("2 Sep 2026: Major outage")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#day-2026-09-02"
        page.keyboard.press("Enter")
        assert tip.inner_text().startswith("2 Sep 2026: Major outage")  # pinned in place
        page.keyboard.press("Enter")
        page.wait_for_url("**#day-2026-09-02")
        assert seen.errors == []
    finally:
        seen.close()


def test_without_javascript_a_bar_is_a_link_to_its_day(browser, served):
    seen = visit(browser, served + "/", javascript=False)
    try:
        page = seen.page
        page.locator("#component-api ol.sb-bars > li").last.click()
        page.wait_for_url("**/components/api/#day-2026-11-21")
        entry = page.locator("ol.sb-days > li#day-2026-11-21")
        assert "Elevated error rates on the API" in entry.inner_text()
    finally:
        seen.close()


def test_the_scheme_toggle_switches_remembers_and_says_what_it_does(browser, served):
    seen = visit(browser, served + "/", scheme="light")
    try:
        page = seen.page
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        toggle = page.locator("button.sb-palette")
        assert page.evaluate(scheme) == "default"
        assert toggle.is_visible() and toggle.get_attribute("aria-label") == "Switch to dark mode"
        toggle.click()
        assert page.evaluate(scheme) == "slate"
        assert toggle.get_attribute("aria-label") == "Switch to light mode"
        page.goto(served + "/history/", wait_until="networkidle")
        assert page.evaluate(scheme) == "slate"  # remembered across pages
        assert seen.errors == []
    finally:
        seen.close()


def test_without_javascript_there_is_no_dead_toggle(browser, served):
    seen = visit(browser, served + "/", javascript=False)
    try:
        assert not seen.page.locator("button.sb-palette").is_visible()
    finally:
        seen.close()


def test_an_open_page_notices_new_data_and_updates_in_place(browser, site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    with serve(copy) as base:
        seen = visit(browser, base + "/", clock=True)
        try:
            page = seen.page
            live = page.locator(".sb-live")
            assert live.get_attribute("role") == "status" and live.inner_text() == ""
            page.clock.run_for(61_000)
            page.wait_for_timeout(300)
            assert live.inner_text() == ""  # nothing new yet
            status = json.loads((copy / "api/v2/status.json").read_text())
            summary = json.loads((copy / "api/v2/summary.json").read_text())
            status["page"]["updated_at"] = summary["page"]["updated_at"] = (
                "2026-11-21T06:30:00.000Z"
            )
            status["status"] = summary["status"] = {"indicator": "none", "description": "ok"}
            for component in summary["components"]:
                component["status"] = "operational"
            (copy / "api/v2/status.json").write_text(json.dumps(status))
            (copy / "api/v2/summary.json").write_text(json.dumps(summary))
            page.clock.run_for(61_000)
            page.wait_for_function(
                "document.querySelector('.sb-live').textContent.includes('new information')"
            )
            page.wait_for_function(
                "document.querySelector('.sb-banner__text').textContent === 'All systems operational'"
            )
            api = page.locator("#component-api .sb-status")
            assert api.inner_text().strip() == "✓ Operational"
            assert "sb-status--operational" in api.get_attribute("class")
            assert page.locator(".sb-banner").get_attribute("aria-live") == "polite"
            assert live.locator("a").inner_text() == "Reload"
            assert seen.errors == []
        finally:
            seen.close()


def test_the_page_backs_off_while_the_status_file_fails(browser, site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    with serve(copy) as base:
        seen = visit(browser, base + "/history/", clock=True)
        try:
            page = seen.page
            (copy / "api/v2/status.json").unlink()
            asked = lambda: len([u for u in seen.requests if u.endswith("status.json")])  # noqa: E731
            page.clock.run_for(61_000)
            page.wait_for_timeout(300)
            assert asked() == 1
            page.clock.run_for(61_000)  # the next try waits twice as long
            page.wait_for_timeout(300)
            assert asked() == 1
            page.clock.run_for(61_000)
            page.wait_for_timeout(300)
            assert asked() == 2
        finally:
            seen.close()


def test_phone_width_dark_mode_incident_page(browser, served):
    seen = visit(
        browser, served + "/incidents/2026-09-02-eu-region-outage/", width=PHONE, scheme="dark"
    )
    try:
        page = seen.page
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, "no horizontal scrolling on a phone"
        assert page.locator("ol.sb-timeline > li").count() == 4
        assert seen.errors == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "incident-phone-dark.png"), full_page=True)
    finally:
        seen.close()


@pytest.mark.parametrize("url", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(browser, served, url):
    seen = visit(browser, served + url, width=PHONE)
    try:
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        seen.close()
