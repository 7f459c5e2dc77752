"""Catalog text is text everywhere: hostile names, descriptions and URLs through the real renderers.

The catalog is written by whoever runs the status page, often in a pull request anyone in the
organisation may open, and a component's name or the site's name is printed on every page, in
every feed, calendar, badge, API document and chat message. Each test here writes values that
would run script or break out of an attribute if any path printed them unescaped, builds or
renders with the real code, and checks what a reader (a browser, an XML parser, a JSON parser,
a Markdown renderer) makes of the result: the text shown literally, and nothing live.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from icalendar import Calendar

from statusbook.cli import cli
from statusbook.derive.snapshot import derive
from statusbook.load.catalog import load_catalog
from statusbook.load.rules import validate_paths
from statusbook.render.statuspage import api_documents

from .conftest import CATALOG, NOW, Project
from .published import executable_parts, maintenance_text, new_project
from .sitebuild import build, page, text

#: Each one breaks out of a different context when printed raw: an element, a double-quoted
#: attribute, a single-quoted attribute; the ampersand and quotes must survive as text.
SITE_NAME = (
    "<script>alert('site')</script> \"><img src=x onerror=alert(1)> ' onmouseover='alert(2)' A & B"
)
GROUP_NAME = '<script>alert(3)</script>Core & "edge"'
GROUP_DESCRIPTION = '"><img src=x onerror=alert(4)>'
COMPONENT_NAME = "\"><img src=x onerror=alert(5)> API ' onmouseover='alert(6)"
COMPONENT_DESCRIPTION = "<script>alert(7)</script>&amp; [click](javascript:alert(8))"
#: A second component with a plain name, for the record and the calendar to mention.
PLAIN_NAME = "Database"

HOSTILE_CATALOG = f"""\
site:
  name: {json.dumps(SITE_NAME)}
  url: https://status.test.example/
  edit_url: https://github.com/org/status/edit/main/
groups:
  - id: core
    name: {json.dumps(GROUP_NAME)}
    description: {json.dumps(GROUP_DESCRIPTION)}
components:
  - id: api
    name: {json.dumps(COMPONENT_NAME)}
    description: {json.dumps(COMPONENT_DESCRIPTION)}
    group: core
    sla: 99.9
    monitored_since: 2025-01-01
  - id: database
    name: {PLAIN_NAME}
    monitored_since: 2025-01-01
"""

INCIDENT = """\
---
title: Slow responses
kind: degradation
impact: minor
started: 2026-11-21T09:00:00Z
components:
  api: degraded_performance
  database: degraded_performance
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into slow responses.
---
"""
INCIDENT_ID = "2026-11-21-slow-responses"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built by ``mkdocs build`` from the hostile catalog: pages, feeds, API, badges."""
    root = tmp_path_factory.mktemp("hostile")
    project = new_project(root)
    project.catalog_path.write_text(HOSTILE_CATALOG, encoding="utf-8")
    project.write(f"{INCIDENT_ID}.md", INCIDENT)
    project.write(
        "2026-11-22-database-upgrade.md",
        maintenance_text(datetime(2026, 11, 22, 2, 0, tzinfo=UTC)),
    )
    out = tmp_path_factory.mktemp("hostile-site")
    result = build(root, out, NOW)
    assert result.returncode == 0, result.stderr
    return out


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def _live_parts(soup: BeautifulSoup) -> list[str]:
    """Script, images and event handlers a page holds that did not come with the theme."""
    found = [
        f"<script>{script.string[:40]!r}"
        for script in soup.find_all("script")
        if script.string and "alert(" in script.string
    ]
    found += [f"<{tag.name}>" for tag in soup.find_all(["img", "iframe", "object", "embed"])]
    for tag in soup.find_all(True):
        found += [f"{tag.name}[{name}]" for name in tag.attrs if name.startswith("on")]
        for name in ("href", "src", "action"):
            value = tag.get(name)
            if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
                found.append(f"{tag.name}[{name}={value}]")
    return found


# --- pages -------------------------------------------------------------------------------------


def test_no_page_built_from_a_hostile_catalog_holds_script_images_or_handlers(hostile_site):
    pages = _pages(hostile_site)
    assert len(pages) >= 6  # home, history, uptime, the incident, two components, 404
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert _live_parts(soup) == [], path.relative_to(hostile_site)


def test_the_site_name_reads_literally_in_the_title_header_and_logo_label(hostile_site):
    for url in ("", "uptime/", "components/api/"):
        soup = page(hostile_site, url)
        assert soup.title.get_text().endswith(SITE_NAME), url
        topic = soup.select_one(".md-header__topic .md-ellipsis")
        assert text(topic) == " ".join(SITE_NAME.split()), url
        logo = soup.select_one("a.md-header__button.md-logo")
        assert logo["aria-label"] == SITE_NAME and logo["title"] == SITE_NAME, url
    not_found = BeautifulSoup(
        (hostile_site / "404.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert not_found.title.get_text() == SITE_NAME


def test_component_and_group_names_read_literally_on_every_page_that_shows_them(hostile_site):
    home = page(hostile_site, "")
    assert text(home.select_one(".sb-group__name")) == " ".join(GROUP_NAME.split())
    assert text(home.select_one("#component-api .sb-component__name")) == " ".join(
        COMPONENT_NAME.split()
    )
    component = page(hostile_site, "components/api/")
    assert component.title.get_text() == f"{COMPONENT_NAME} - {SITE_NAME}"
    assert text(component.find("h1")) == " ".join(COMPONENT_NAME.split())
    assert " ".join(COMPONENT_DESCRIPTION.split()) in text(component.select_one("article, main"))
    uptime = page(hostile_site, "uptime/")
    assert text(uptime.select_one("#sla-api a")) == " ".join(COMPONENT_NAME.split())
    incident = page(hostile_site, f"incidents/{INCIDENT_ID}/")
    affected = [text(item) for item in incident.select(".sb-affected li")]
    assert any(item.startswith(" ".join(COMPONENT_NAME.split())) for item in affected)


def test_feed_discovery_links_name_the_site_literally(hostile_site):
    home = page(hostile_site, "")
    titles = [link["title"] for link in home.select('link[rel="alternate"]')]
    assert titles and all(title.startswith(SITE_NAME) for title in titles)


# --- the published files -------------------------------------------------------------------------


def _xml(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def test_feeds_carry_the_names_as_text_and_their_entries_hold_nothing_live(hostile_site):
    for name in ("history.rss", "updates.rss", "components/api/updates.rss"):
        channel = _xml(hostile_site / name).find("channel")
        assert channel is not None
        assert SITE_NAME in channel.findtext("title", ""), name
        for item in channel.iter("item"):
            content = item.findtext("description", "")
            assert executable_parts(content) == [], (name, content)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = _xml(hostile_site / "components/api/history.atom")
    assert COMPONENT_NAME in feed.findtext(f"{atom}title", "")
    assert feed.findtext(f"{atom}author/{atom}name") == SITE_NAME
    for entry in feed.iter(f"{atom}entry"):
        content = entry.findtext(f"{atom}content", "")
        assert executable_parts(content) == []
        assert COMPONENT_NAME in BeautifulSoup(content, "html.parser").get_text()


def test_the_calendar_names_the_site_and_components_as_text(hostile_site):
    calendar = Calendar.from_ical(
        (hostile_site / "components/database/maintenance.ics").read_bytes()
    )
    assert SITE_NAME in str(calendar["X-WR-CALNAME"])
    (event,) = calendar.walk("VEVENT")
    assert PLAIN_NAME in str(event["DESCRIPTION"])


def test_badges_name_the_component_as_svg_text(hostile_site):
    svg = _xml(hostile_site / "components/api/badge.svg")
    namespace = "{http://www.w3.org/2000/svg}"
    assert [element.tag for element in svg.iter() if "script" in element.tag.lower()] == []
    assert svg.get("aria-label") == f"{COMPONENT_NAME}: Degraded performance"
    assert svg.findtext(f"{namespace}title") == f"{COMPONENT_NAME}: Degraded performance"
    assert all(not name.startswith("on") for element in svg.iter() for name in element.attrib)
    endpoint = json.loads((hostile_site / "components/api/badge.json").read_text())
    assert endpoint["label"] == COMPONENT_NAME


def test_the_api_carries_catalog_text_as_json_strings_with_no_markup_in_its_bytes(hostile_site):
    raw = (hostile_site / "api/v2/summary.json").read_bytes()
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    summary = json.loads(raw)
    assert summary["page"]["name"] == SITE_NAME
    by_id = {component["id"]: component for component in summary["components"]}
    assert by_id["group.core"]["name"] == GROUP_NAME
    assert by_id["group.core"]["description"] == GROUP_DESCRIPTION
    assert by_id["api"]["name"] == COMPONENT_NAME
    assert by_id["api"]["description"] == COMPONENT_DESCRIPTION


# --- in a browser ----------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")
def test_no_dialog_opens_on_pages_built_from_a_hostile_catalog(hostile_site):
    playwright = pytest.importorskip("playwright.sync_api")
    handler = functools.partial(_QuietHandler, directory=str(hostile_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context()
            for url in ("", "components/api/", "uptime/", f"incidents/{INCIDENT_ID}/", "404.html"):
                tab = context.new_page()
                tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                tab.goto(served + url, wait_until="networkidle")
                # An attribute that broke out would be a handler: fire the events they wait for.
                tab.evaluate(
                    "document.querySelectorAll('*').forEach(element => "
                    "['mouseover', 'focus', 'click'].forEach(type => "
                    "element.dispatchEvent(new Event(type, {bubbles: false}))))"
                )
                title = tab.title()
                tab.close()
                assert title.endswith(SITE_NAME), (url, title)
            browser.close()
    finally:
        server.shutdown()
    assert dialogs == []


# --- the catalog's URLs ------------------------------------------------------------------------------

BAD_URLS = [
    ('https://status.test.example/"><script>alert(1)</script>', "'\"'"),
    ("https://status.test.example/' onmouseover='alert(1)", '"\'"'),
    ("javascript:alert(1)//", "must start with https://"),
    ("https://user:secret@status.test.example/", "user name or password"),
    ("https://status.test.example/a b/", "a space"),
    ("https://status.test.example/?utm=1", "query"),
    ("https:///no-host/", "no host name"),
    ("https://status.test.example:port/", "port"),
    ("ftp://status.test.example/", "must start with https://"),
]


def _catalog_with(project: Project, old: str, new: str) -> None:
    catalog = project.catalog_path.read_text(encoding="utf-8")
    assert old in catalog
    project.catalog_path.write_text(catalog.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("url", "reason"), BAD_URLS)
def test_validate_rejects_a_site_url_that_is_not_a_plain_http_url_at_its_line(project, url, reason):
    _catalog_with(project, "https://status.test.example/", json.dumps(url))
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 2, result.output
    assert re.search(r"statusbook\.yml:3:8: error SB501 \[catalog\] 'url' in site", result.output)
    assert reason in result.output
    assert "fix: write the full address, like https://status.example.com/" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    ['https://github.com/org/status/edit/main/"onmouseover="alert(1)', "javascript:alert(1)//"],
)
def test_validate_rejects_an_edit_url_that_is_not_a_plain_http_url(project, url):
    _catalog_with(
        project,
        "  url: https://status.test.example/\n",
        f"  url: https://status.test.example/\n  edit_url: {json.dumps(url)}\n",
    )
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 2
    assert re.search(r"statusbook\.yml:4:13: error SB501 \[catalog\] 'edit_url'", result.output)


@pytest.mark.parametrize(
    "url",
    [
        "https://status.test.example",
        "http://localhost:8000/status/",
        "https://[2001:db8::1]:8443/",
        "https://statut.exemple.fr/état/",
    ],
)
def test_plain_addresses_are_accepted(project, url):
    _catalog_with(project, "https://status.test.example/", url)
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "url", ['https://subscribe.test.example/"><script>alert(1)</script>', "https://a:b@x.example/"]
)
def test_validate_rejects_a_subscription_service_url_that_is_not_a_plain_http_url(project, url):
    """The page's Subscribe form posts to it, and the service's mails link from it."""
    catalog = project.catalog_path.read_text(encoding="utf-8")
    project.catalog_path.write_text(
        catalog + f"subscriptions:\n  url: {json.dumps(url)}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 2, result.output
    line = catalog.count("\n") + 2
    assert re.search(
        rf"statusbook\.yml:{line}:8: error SB501 \[catalog\] 'url' in subscriptions", result.output
    )


def test_an_edit_url_may_carry_a_query_for_editors_that_take_the_path_as_a_parameter(project):
    _catalog_with(
        project,
        "  url: https://status.test.example/\n",
        "  url: https://status.test.example/\n  edit_url: https://cms.example/edit?path=\n",
    )
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 0, result.output


def test_the_build_stops_on_a_quote_in_site_url_with_the_catalog_problem(project, tmp_path):
    root = tmp_path / "repo"
    hostile = new_project(root)
    _catalog_with(hostile, "https://status.test.example/", json.dumps(BAD_URLS[0][0]))
    result = build(root, tmp_path / "out", NOW)
    assert result.returncode != 0
    assert "SB501" in result.stderr and "'url' in site" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_plain_catalog_still_validates(project):
    assert CATALOG in project.catalog_path.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21T12:00:00Z"])
    assert result.exit_code == 0, result.output


# --- plain text is text: what the API's body says -------------------------------------------------


def _api_bodies(project: Project, message: str) -> list[str]:
    """The update bodies the published API carries for one record with ``message``."""
    project.write(
        f"{INCIDENT_ID}.md",
        INCIDENT.replace("We are looking into slow responses.", json.dumps(message)),
    )
    catalog = load_catalog(project.catalog_path)
    result = validate_paths(None, catalog, NOW)
    assert not result.errors, result.errors
    documents = api_documents(derive(catalog, result.incidents, NOW))
    incident = json.loads(documents[f"incidents/{INCIDENT_ID}.json"])["incident"]
    return [update["body"] for update in incident["incident_updates"]]


@pytest.mark.parametrize(
    ("message", "body"),
    [
        (
            "&lt;script&gt;alert(1)&lt;/script&gt;Retry &lt;img src=x onerror=alert(2)&gt;later",
            "Retry later",
        ),
        ("&lt;b&gt;Bold&lt;/b&gt; claims", "Bold claims"),
        ("&lt;&lt;/b&gt;img src=x onerror=alert(3)&gt; joined", "joined"),
        (
            "Latency &lt; 200 ms &amp; rising, &gt; 3 s at worst",
            "Latency < 200 ms & rising, > 3 s at worst",
        ),
        ("Written twice: &amp;lt;b&amp;gt;", "Written twice: &lt;b&gt;"),
        ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
    ],
)
def test_the_api_body_is_plain_text_with_no_markup_once_parsed(project, message, body):
    (found,) = _api_bodies(project, message)
    assert found == body
    assert executable_parts(found) == []


def test_the_page_and_the_api_agree_that_decoded_markup_is_not_text(project):
    """The page shows raw markup removed and entity-written markup as words; the body has
    neither: it is what a program may put into its own HTML."""
    (body,) = _api_bodies(project, "<b>raw</b> and &lt;i&gt;encoded&lt;/i&gt;")
    assert body == "raw and encoded"


# --- titles are plain text: SB602 ----------------------------------------------------------------


def _validate_title(project: Project, title: str, *options: str):
    project.write(f"{INCIDENT_ID}.md", INCIDENT.replace("Slow responses", json.dumps(title)))
    # Half an hour after the update: the record is news, not stale (SB310).
    return CliRunner().invoke(
        cli, ["validate", "--now", "2026-11-21T09:30:00Z", "--format", "json", *options]
    )


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("[Reset your password](https://evil.example/)", "a Markdown link [text](url)"),
        ("Outage ![logo](https://evil.example/x.png)", "a Markdown image"),
        ("<b>Outage</b> in eu-west", "the HTML tag <b>"),
        ("Outage, see <https://evil.example/>", "an autolink"),
        ("R&amp;D dashboard down", "the character reference &amp;"),
        ("&lt;script&gt; in titles", "the character reference &lt;"),
        ("**Major** outage", "Markdown emphasis"),
        ("Errors in `billing`", "a Markdown code span"),
    ],
)
def test_validate_strict_warns_about_markup_in_a_title(project, title, found):
    result = _validate_title(project, title, "--strict")
    assert result.exit_code == 1, result.output
    (problem,) = json.loads(result.output)["problems"]
    assert (problem["code"], problem["severity"], problem["line"]) == ("SB602", "warning", 2)
    assert found in problem["message"] and problem["fix"]
    assert _validate_title(project, title).exit_code == 0  # a warning, unless --strict


@pytest.mark.parametrize(
    "title",
    [
        "Elevated error rates on the API",
        "AT&T peering: packet loss & timeouts",
        "Latency < 200 ms target missed; p99 > 3 s",
        "rate_limit_exceeded errors for *.example.com",
        "C++ SDK (beta) fails [intermittently]",
        "#1 priority: 2 * 3 regions down",
    ],
)
def test_plain_titles_raise_no_warning(project, title):
    result = _validate_title(project, title, "--strict")
    assert result.exit_code == 0, result.output
