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
from .published import built_demo_site

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
    return built_demo_site(tmp_path_factory, NOW, "browser-site")


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


def tip_text(page, component: str = "") -> str:
    scope = f"#component-{component} " if component else ""
    return page.locator(scope + ".sb-daytip").inner_text()


def test_a_tap_on_the_bars_tells_that_day_and_a_second_opens_its_entry(browser, served):
    seen = visit(browser, served + "/", width=PHONE, touch=True)
    try:
        page = seen.page
        strip = page.locator("#component-api .sb-bars")
        box = strip.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 300  # one finger-sized target
        today = {"x": box["width"] - 2, "y": box["height"] / 2}  # a phone shows 30 days
        strip.tap(position=today)
        tip = page.locator("#component-api .sb-daytip")
        assert tip.is_visible() and tip.get_attribute("aria-live") == "polite"
        assert tip_text(page, "api").startswith("21 Nov 2026: Major outage, 1 h 25 min downtime")
        assert "Elevated error rates on the API" in tip_text(page, "api")
        assert page.url == served + "/"  # the first tap tells the day in place
        strip.tap(position={"x": 2, "y": box["height"] / 2})  # the first of the 30 days
        assert tip_text(page, "api").startswith("23 Oct 2026: no downtime")
        strip.tap(position=today)
        strip.tap(position=today)  # the same day again: its entry
        page.wait_for_url("**/components/api/#day-2026-11-21")
        assert page.locator("ol.sb-days > li#day-2026-11-21").is_visible()
        assert seen.errors == []
    finally:
        seen.close()


def test_the_tips_details_link_opens_the_days_entry(browser, served):
    seen = visit(browser, served + "/")
    try:
        page = seen.page
        strip = page.locator("#component-webhooks .sb-bars")
        box = strip.bounding_box()
        strip.click(position={"x": box["width"] - 2, "y": 5})
        assert tip_text(page, "webhooks").startswith("21 Nov 2026: Degraded performance")
        page.locator("#component-webhooks .sb-daytip a").click()
        page.wait_for_url("**/components/webhooks/#day-2026-11-21")
        assert seen.errors == []
    finally:
        seen.close()


def test_the_arrow_keys_walk_day_by_day_through_quiet_runs(browser, served):
    seen = visit(browser, served + "/components/api/")
    try:
        page = seen.page
        strip = page.locator(".sb-bars")
        assert strip.get_attribute("role") == "slider"
        strip.focus()
        assert tip_text(page).startswith("21 Nov 2026: Major outage")  # today first
        page.keyboard.press("Home")
        assert tip_text(page).startswith("24 Aug 2026: no downtime")  # a run's first day
        page.keyboard.press("ArrowRight")
        assert tip_text(page).startswith("25 Aug 2026: no downtime")
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        # The tenth day is 2 Sep, a bar of its own; the slider says it too.
        assert tip_text(page).startswith("2 Sep 2026: Major outage, 59 min downtime")
        assert strip.get_attribute("aria-valuetext") == (
            "2 Sep 2026: Major outage, 59 min downtime — "
            "Outage of API, dashboard and webhooks in the EU region"
        )
        assert page.locator(".sb-daytip").get_attribute("aria-live") == "off"
        page.keyboard.press("PageUp")  # a week on, inside the 50-day run from 3 Sep
        assert tip_text(page).startswith("9 Sep 2026: no downtime")
        page.keyboard.press("Enter")
        page.wait_for_url("**#day-2026-09-03")
        strip.focus()
        page.keyboard.press("End")
        assert strip.get_attribute("aria-valuetext").startswith("21 Nov 2026")
        assert seen.errors == []
    finally:
        seen.close()


def test_on_a_phone_the_keys_stay_in_the_30_days_shown(browser, served):
    seen = visit(browser, served + "/", width=PHONE)
    try:
        page = seen.page
        page.locator("#component-auth .sb-bars").focus()
        page.keyboard.press("Home")
        assert tip_text(page, "auth").startswith("23 Oct 2026: no downtime")
        page.keyboard.press("ArrowLeft")
        assert tip_text(page, "auth").startswith("23 Oct 2026: no downtime")
        assert seen.errors == []
    finally:
        seen.close()


def test_without_javascript_each_row_links_to_every_day(browser, served):
    seen = visit(browser, served + "/", javascript=False)
    try:
        page = seen.page
        strip = page.locator("#component-api .sb-bars")
        assert strip.get_attribute("role") == "img" and strip.get_attribute("tabindex") is None
        assert strip.locator("a").count() == 0  # no bar is a target of its own
        link = page.locator("#component-api .sb-daylink a")
        assert link.bounding_box()["height"] >= 24
        link.click()
        page.wait_for_url("**/components/api/#sb-days")
        entry = page.locator("ol.sb-days > li#day-2026-11-21")
        assert "Elevated error rates on the API" in entry.inner_text()
        assert page.locator("ol.sb-days > li").count() == 5  # every day, runs as one entry
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
