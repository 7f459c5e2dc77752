"""The status site: a real `mkdocs build` of records, with the output HTML parsed."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .published import built_demo_site, demo_project
from .sitebuild import build, install_site_files, page, text

NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_demo_site(tmp_path_factory, NOW)


def component_rows(home) -> dict[str, object]:
    return {row["id"].removeprefix("component-"): row for row in home.select("li.sb-component")}


def test_home_banner_reflects_the_worst_current_status(site):
    home = page(site, "/")
    banner = home.select_one(".sb-banner")
    # The API is in partial outage since the 04:02 update of the ongoing incident.
    assert text(banner) == "◆ Partial outage"
    assert "sb-banner--major" in banner["class"]
    assert banner["role"] == "status"


def test_home_lists_every_component_with_its_status_in_words(site):
    rows = component_rows(page(site, "/"))
    assert list(rows) == [
        "api",
        "dashboard",
        "auth",
        "database",
        "storage",
        "search",
        "cdn",
        "webhooks",
        "email",
    ]
    statuses = {cid: text(row.select_one(".sb-status")) for cid, row in rows.items()}
    assert statuses["api"] == "◆ Partial outage"
    assert statuses["webhooks"] == "▲ Degraded performance"
    assert {statuses[c] for c in rows if c not in ("api", "webhooks")} == {"✓ Operational"}


def test_components_are_grouped_in_catalog_order(site):
    groups = [text(h) for h in page(site, "/").select(".sb-group__name")]
    assert groups == ["Core platform", "Data", "Delivery"]


def bar_days(bar) -> int:
    """How many days one element of the bars covers (a run of quiet days is several)."""
    match = re.search(r"--n:(\d+)", bar.get("style", ""))
    return int(match.group(1)) if match else 1


def strip_days(strip) -> dict[str, object]:
    """Each element of a strip of bars by its first day (the strip names the oldest)."""
    day, found = date.fromisoformat(strip["data-first"]), {}
    for bar in strip.select(":scope > span"):
        found[day.isoformat()] = bar
        day += timedelta(days=bar_days(bar))
    return found


def test_each_component_has_ninety_daily_bars_coloured_by_each_days_worst_status(site):
    home = page(site, "/")
    rows = component_rows(home)
    for row in rows.values():
        strip = row.select_one(".sb-bars")
        # A picture without script: no bar is a target of its own (far narrower than 24 px).
        assert strip["role"] == "img" and strip["aria-label"].startswith("Daily uptime of ")
        assert not strip.select("a, [tabindex]")
        assert sum(bar_days(bar) for bar in strip.select(":scope > span")) == 90
        assert strip["data-first"] == "2026-08-24"  # 89 days before today
    api = strip_days(rows["api"].select_one(".sb-bars"))
    assert {day: bar_days(bar) for day, bar in api.items()} == {
        "2026-08-24": 9,
        "2026-09-02": 1,
        "2026-09-03": 50,  # split where a phone's 30 days begin
        "2026-10-23": 29,
        "2026-11-21": 1,
    }
    # 2 Sep: 37 min major + 75 min partial × 0.3 = 59 min 30 s of downtime; the colour is
    # the worst status of the day, however short. A day with something to tell carries its
    # words for the script; quiet runs need none.
    september = api["2026-09-02"]
    assert september["data-t"] == (
        "2 Sep 2026: Major outage, 59 min downtime — "
        "Outage of API, dashboard and webhooks in the EU region"
    )
    assert "sb-day--major" in september["class"]
    assert not api["2026-09-03"].has_attr("data-t")
    early = [("sb-early" in bar["class"]) for bar in api.values()]
    assert early == [True, True, True, False, False]
    # Webhooks were degraded on 21 Nov and in partial outage on 2 Sep (its worst that day).
    webhooks = strip_days(rows["webhooks"].select_one(".sb-bars"))
    assert "sb-day--degraded" in webhooks["2026-11-21"]["class"]
    assert "sb-day--partial" in webhooks["2026-09-02"]["class"]
    # The legend says what each colour means, in words.
    legend = text(home.select_one(".sb-legend"))
    for words in ("Operational", "Degraded performance", "Partial outage", "Major outage"):
        assert words in legend


def test_every_row_links_to_its_days_and_every_day_has_its_entry(site):
    row = component_rows(page(site, "/"))["api"]
    link = row.select_one("p.sb-daylink a")
    assert (text(link), link["href"]) == ("Day by day : API", "components/api/#sb-days")
    component = page(site, "/components/api/")
    assert text(component.select_one("h2#sb-days")) == "Day by day"
    for day, bar in strip_days(row.select_one(".sb-bars")).items():
        entry = component.select_one(f"ol.sb-days > li#day-{day}")
        assert entry is not None, day
        if bar.has_attr("data-t"):
            head, _, titles = bar["data-t"].partition(" — ")
            assert text(entry).startswith(head)
            assert [text(a) for a in entry.select("a")] == titles.split("; ")
    # On the component page the strip's days are the list below it.
    assert component.select_one(".sb-bars")["data-href"] == ""
    assert not component.select("p.sb-daylink")


def test_ninety_day_uptime_is_shown_per_component(site):
    rows = component_rows(page(site, "/"))
    # Exactly the days the bars show. Wide screens: API over 24 Aug 00:00 – 21 Nov 06:00,
    # 59.5 min (2 Sep) + 50 min major + 118 min × 0.3 partial (today) = 144.9 min of
    # 128,520 → 99.887…%, shown rounded down. Phones show 30 bars, from 23 Oct: 85.4 min of
    # 42,120 → 99.797…%.
    wide, narrow = rows["api"].select(".sb-bars__legend")
    assert "sb-bars__legend--90" in wide["class"] and "sb-bars__legend--30" in narrow["class"]
    assert text(wide) == "90 days ago 99.88% uptime over 90 days Today"
    assert text(narrow) == "30 days ago 99.79% uptime over 30 days Today"
    assert text(rows["auth"].select_one(".sb-bars__percent")) == "100% uptime over 90 days"


def test_days_with_incidents_are_listed_once_each_on_the_component_page(site):
    api = component_rows(page(site, "/"))["api"]
    assert text(api.select_one("p.sb-daylink")).endswith("· Days with incidents: 2")
    quiet = component_rows(page(site, "/"))["auth"]
    assert text(quiet.select_one("p.sb-daylink")) == "Day by day : Sign-in and SSO"
    component = page(site, "/components/api/")
    items = [text(li) for li in component.select("ol.sb-days > li")]
    assert items[0] == (
        "21 Nov 2026: Major outage, 1 h 25 min downtime: Elevated error rates on the API"
    )
    assert items[-1] == "24 Aug 2026 – 1 Sep 2026: no downtime"
    assert sum(item.count("Outage of API, dashboard and webhooks") for item in items) == 1
    titles = component.select("ol.sb-days a")
    assert [a["href"] for a in titles] == [
        "../../incidents/2026-11-21-api-elevated-error-rates/",
        "../../incidents/2026-09-02-eu-region-outage/",
    ]


def test_active_incident_shows_its_latest_update(site):
    home = page(site, "/")
    active = home.select_one("section[aria-labelledby=sb-active]")
    assert text(active.select_one(".sb-incident__title")) == "Elevated error rates on the API"
    latest = text(active.select_one(".sb-incident__latest"))
    assert "Update — 21 Nov 2026, 05:05 UTC" in latest
    assert "draining the affected gateway nodes" in latest


def test_upcoming_maintenance_is_listed_and_cancelled_is_not(site):
    upcoming = page(site, "/").select_one("section[aria-labelledby=sb-maintenance-next]")
    titles = [text(a) for a in upcoming.select(".sb-incident__title a")]
    assert titles == ["PostgreSQL 18 upgrade for managed databases in eu-west"]
    assert "3 Dec 2026, 02:00 UTC – 04:00 UTC" in text(upcoming)
    start, end = upcoming.select(".sb-incident__meta time")  # each end of the window its own <time>
    assert (start["datetime"], end["datetime"]) == ("2026-12-03T02:00:00Z", "2026-12-03T04:00:00Z")


def test_last_updated_is_the_build_time(site):
    updated = page(site, "/").select_one(".sb-updated time")
    assert updated["datetime"] == "2026-11-21T06:00:00Z"


def test_navigation_holds_only_the_main_pages(site):
    home = page(site, "/")
    tabs = [text(a) for a in home.select(".md-tabs__link")]
    assert tabs == ["Status", "History", "Uptime", "Known issues"]
    nav_links = {a["href"] for a in home.select("nav.md-nav a.md-nav__link[href]")}
    assert not any("incidents/" in href for href in nav_links)


def test_incident_page_shows_facts_timeline_and_postmortem(site):
    incident = page(site, "/incidents/2026-09-02-eu-region-outage/")
    assert (
        text(incident.select_one("h1")) == "Outage of API, dashboard and webhooks in the EU region"
    )
    facts = text(incident.select_one("dl.sb-facts"))
    assert "Critical impact" in text(incident.select_one(".sb-incident__meta"))
    assert "Started 2 Sep 2026, 13:48 UTC" in facts
    assert "Resolved 2 Sep 2026, 16:31 UTC" in facts
    assert "Duration 2 h 43 min" in facts
    assert "Incident manager Dana Okafor" in facts
    assert [text(li) for li in incident.select("ul.sb-affected li")] == [
        "API: ✓ Operational",
        "Web dashboard: ✓ Operational",
        "Webhooks: ✓ Operational",
    ]
    times = [t["datetime"] for t in incident.select("ol.sb-timeline .sb-update__head time")]
    assert times == sorted(times, reverse=True) and len(times) == 4
    assert text(incident.select("ol.sb-timeline .sb-update__head strong")[0]) == "Resolved"
    rows = incident.select("table.sb-actions tbody tr")
    assert [text(row.select("td")[2]) for row in rows] == ["Done", "In progress", "Open"]
    assert "runaway" in text(incident.select_one(".sb-postmortem")) or "audit-log" in text(
        incident.select_one(".sb-postmortem")
    )
    assert incident.select_one(".sb-narrative h2") is not None  # the Markdown body is rendered
    # "Edit this record" is for operators: not on the public site unless the catalog asks.
    assert incident.select_one(".sb-edit") is None


def test_the_catalog_can_turn_edit_links_on(tmp_path):
    root = demo_project(tmp_path / "demo")
    catalog = root / "statusbook.yml"
    catalog.write_text(
        catalog.read_text().replace("  edit_url:", "  edit_links: true\n  edit_url:"), "utf-8"
    )
    out = tmp_path / "out"
    result = build(root, out, NOW)
    assert result.returncode == 0, result.stderr
    edit = page(out, "/incidents/2026-09-02-eu-region-outage/").select_one(".sb-edit a")
    assert (
        edit["href"]
        == "https://github.com/lumen-cloud/status/edit/main/incidents/2026/2026-09-02-eu-region-outage.md"
    )


def test_status_changes_in_updates_are_shown(site):
    incident = page(site, "/incidents/2026-09-02-eu-region-outage/")
    changes = [text(li) for li in incident.select("ul.sb-changes li")]
    assert "API: ◆ Partial outage" in changes and "API: ✓ Operational" in changes


def test_history_is_split_by_quarter_with_quiet_months_said_plainly(site):
    first_quarter = page(site, "/history/2026-q1/")
    months = {text(s.select_one("h2")): s for s in first_quarter.select("section.sb-month")}
    assert list(months) == ["March 2026", "February 2026", "January 2026"]
    assert text(months["March 2026"]) == "March 2026 No incidents this month."
    assert "Slow page loads in the web dashboard" in text(months["February 2026"])
    pager = {a["rel"][0]: a["href"] for a in first_quarter.select(".sb-pager a")}
    assert pager == {"prev": "../2026-q2/", "next": "../2025-q4/"}


def test_history_index_is_the_latest_quarter(site):
    latest = page(site, "/history/")
    assert [text(h) for h in latest.select("section.sb-month h2")] == [
        "December 2026",
        "November 2026",
        "October 2026",
    ]


def test_uptime_page_flags_sla_breaches(site):
    uptime = page(site, "/uptime/")
    api = uptime.select_one("section#sla-api, section[aria-labelledby=sla-api]")
    rows = {text(tr.select_one("th")): tr for tr in api.select("tbody tr")}
    assert len(rows) == 12
    september = rows["September 2026"]
    # 59.5 min of downtime against a 99.95 % target (21.6 min of budget in 30 days).
    assert "sb-sla-row--breached" in september["class"]
    assert text(september.select_one(".sb-verdict")) == "✕ Breached"
    assert text(rows["August 2026"].select_one(".sb-verdict")) == "✓ Met"
    # November so far: 50 min major + 118 min × 0.3 partial = 85.4 min, already over the
    # month's whole budget of 21.6 min, so it is breached before the month ends.
    assert text(rows["November 2026 (so far)"].select_one(".sb-verdict")) == "✕ Breached"
    webhooks = uptime.select_one("section[aria-labelledby=sla-webhooks]")
    november = next(
        tr for tr in webhooks.select("tbody tr") if "November" in text(tr.select_one("th"))
    )
    assert text(november.select_one(".sb-verdict")) == "… On track"  # degraded only: no downtime


def test_uptime_page_shows_twelve_months_at_a_glance(site):
    api = page(site, "/uptime/").select_one("section[aria-labelledby=sla-api]")
    now = text(api.select_one(".sb-sla__now"))
    assert (
        now == "SLA target: 99.95% This month: ✕ Breached Error budget left: none, 1 h 03 min over"
    )
    months = api.select("ol.sb-months > li")
    assert len(months) == 12
    assert text(months[0]) == "Dec December 2025: 100% ✓ Met"  # oldest first, left to right
    assert "sb-month--breached" in months[-3]["class"]  # September
    assert text(months[-1]).endswith("99.70% ✕ Breached")
    assert api.select_one("details.sb-sla__detail table.sb-sla-table") is not None
    assert not api.select(".md-typeset__scrollwrap")  # nothing to scroll sideways


def test_component_page_lists_its_incidents(site):
    webhooks = page(site, "/components/webhooks/")
    assert text(webhooks.select_one("h1")) == "Webhooks"
    titles = [text(a) for a in webhooks.select(".sb-incident__title a")]
    assert titles[0] == "Elevated error rates on the API"
    assert "Some webhooks were delivered twice" in titles
    assert sum(bar_days(bar) for bar in webhooks.select(".sb-bars > span")) == 90


def test_no_request_leaves_the_site(site):
    """Scripts, styles, images, frames and CSS urls are all local; links may point anywhere."""
    for html_file in site.rglob("*.html"):
        soup = page(site, str(html_file.parent.relative_to(site)))
        loaded = [tag.get("src") for tag in soup.select("script[src], img[src], iframe[src]")]
        loaded += [
            tag.get("href")
            for tag in soup.select("link[href]")
            if "stylesheet" in tag.get("rel", []) or "preconnect" in tag.get("rel", [])
        ]
        external = [url for url in loaded if urlparse(url).netloc]
        assert not external, (html_file, external)
    for css in site.rglob("*.css"):
        assert not re.search(
            r"url\(\s*['\"]?https?://|@import\s+['\"]?https?://", css.read_text()
        ), css


def test_the_same_records_and_time_build_byte_identical_sites(site, tmp_path):
    again = tmp_path / "again"
    assert build(demo_project(tmp_path / "demo"), again, NOW).returncode == 0

    def digest(root: Path) -> dict[str, str]:
        return {
            str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    assert digest(site) == digest(again)


def test_status_is_in_the_html_without_javascript(site):
    home = page(site, "/")
    for script in home.select("script"):
        script.decompose()
    assert "Partial outage" in text(home.select_one(".sb-banner"))
    assert len(home.select(".sb-status")) == 9


# --- builds of hand-written repositories ------------------------------------------------------

HOSTILE = """\
---
title: Hostile <script>alert('title')</script>
kind: bug
impact: minor
started: 2026-11-20T10:00:00Z
components:
  api: degraded_performance
updates:
  - at: 2026-11-20T10:05:00Z
    status: investigating
    message: |
      **Bold** is fine. <script>alert('message')</script>
      <img src=x onerror="alert('img')"> [click](javascript:alert('link'))
      <a href="https://ok.example" onclick="alert('click')">ok</a>
---
<script>alert('body')</script>
<div onmouseover="alert('div')">Hover</div>
[bad](javascript:alert('body-link')) and <iframe src="https://evil.example"></iframe>
"""


def test_hostile_record_text_cannot_run_script(project, tmp_path):
    install_site_files(project.root)
    project.write("2026-11-20-hostile.md", HOSTILE)
    out = tmp_path / "out"
    result = build(project.root, out, NOW)
    assert result.returncode == 0, result.stderr
    soup = page(out, "/incidents/2026-11-20-hostile/")
    record = soup.select_one("article.sb-record")
    assert record.select("script") == []
    assert record.select("iframe, img") == []
    for tag in record.find_all(True):
        assert not [name for name in tag.attrs if name.lower().startswith("on")], tag
        for attribute in ("href", "src"):
            assert not str(tag.get(attribute, "")).lower().startswith("javascript:"), tag
    assert record.select_one(".sb-update__body strong").get_text() == "Bold"
    assert (
        text(record.select_one("h1")) == "Hostile <script>alert('title')</script>"
    )  # shown as text
    assert soup.title.get_text().startswith("Hostile <script>alert('title')</script>")
    assert not [s for s in soup.select("script") if "alert" in (s.string or "")]
    # ... and the home page's "latest update" excerpt is just as clean.
    home = page(out, "/")
    assert not [s for s in home.select("script") if "alert" in (s.string or "")]
    assert "SB601" in result.stderr  # the build warns like `statusbook validate`


def test_a_broken_record_stops_the_build_with_validate_messages(project, tmp_path):
    install_site_files(project.root)
    project.write(
        "2026-11-20-broken.md",
        "---\ntitle: Broken\nkind: outage\nimpact: huge\nupdates:\n  - at: 2026-11-20T10:00:00Z\n    status: investigating\n    message: x\n---\n",
    )
    result = build(project.root, tmp_path / "out", NOW)
    assert result.returncode != 0
    assert "incidents/2026/2026-11-20-broken.md:4:9: error SB104" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_in_bahasa_indonesia(project, tmp_path):
    install_site_files(project.root)
    project.catalog_path.write_text(
        project.catalog_path.read_text().replace(
            "  name: Test Status\n",
            "  name: Status Uji\n  language: id\n  time_zone: Asia/Jakarta\n",
        )
    )
    project.write(
        "2026-11-21-galat.md",
        "---\ntitle: Galat API\nkind: outage\nimpact: major\nstarted: 2026-11-21T03:00:00Z\ncomponents:\n  api: partial_outage\n"
        "updates:\n  - at: 2026-11-21T03:10:00Z\n    status: investigating\n    message: Kami sedang menyelidiki.\n---\n",
    )
    out = tmp_path / "out"
    result = build(project.root, out, NOW)
    assert result.returncode == 0, result.stderr
    home = page(out, "/")
    assert home.html["lang"] == "id"
    assert text(home.select_one(".sb-banner")) == "◆ Gangguan sebagian"
    assert text(component_rows(home)["api"].select_one(".sb-status")) == "◆ Gangguan sebagian"
    latest = text(home.select_one(".sb-incident__latest"))
    assert "Sedang diselidiki — 21 Nov 2026 10.10 WIB" in latest  # 03:10 UTC in Jakarta
    assert [text(a) for a in home.select(".md-tabs__link")] == ["Status", "Riwayat", "Ketersediaan"]


def test_record_body_that_looks_like_metadata_is_kept(project, tmp_path):
    install_site_files(project.root)
    body = "Impact: customers in the EU could not sign in.\n\n---\ntemplate: 404.html\n---\n"
    project.write(
        "2026-11-20-meta-lookalike.md",
        "---\ntitle: Meta lookalike\nkind: bug\nimpact: minor\ncomponents:\n  api: degraded_performance\n"
        "updates:\n  - at: 2026-11-20T10:00:00Z\n    status: investigating\n    message: Looking.\n---\n"
        + body,
    )
    out = tmp_path / "out"
    assert build(project.root, out, NOW).returncode == 0
    soup = page(out, "/incidents/2026-11-20-meta-lookalike/")
    narrative = text(soup.select_one(".sb-narrative"))
    assert narrative.startswith("Impact: customers in the EU could not sign in.")
    assert soup.select_one("article.sb-record") is not None  # not rendered with another template


def test_corrections_are_shown_on_the_incident_page(project, tmp_path):
    install_site_files(project.root)
    project.write(
        "2026-11-20-corrected.md",
        "---\ntitle: Corrected\nkind: bug\nimpact: minor\ncomponents:\n  api: degraded_performance\n"
        "updates:\n  - at: 2026-11-20T10:00:00Z\n    status: investigating\n    message: Looking.\n"
        "corrections:\n  - at: 2026-11-20T11:00:00Z\n    note: Fixed the time of the first update.\n---\n",
    )
    out = tmp_path / "out"
    assert build(project.root, out, NOW).returncode == 0
    corrections = page(out, "/incidents/2026-11-20-corrected/").select_one(".sb-corrections li")
    assert corrections.get_text() == "20 Nov 2026, 11:00 UTC: Fixed the time of the first update."
