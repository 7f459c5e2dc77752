"""RSS and Atom feeds: a real site build, every feed read back with feedparser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.derive.snapshot import derive
from statusbook.render.feeds import FEED_LIMIT
from statusbook.render.outputs import static_files

from .published import (
    BASE,
    DEMO_NOW,
    EXECUTABLE,
    HOSTILE_WORDS,
    build_ok,
    demo_project,
    demo_records,
    executable_parts,
    hostile_incident,
    hostile_maintenance,
    incident_text,
    new_project,
    record_name,
    records,
)
from .sitebuild import build, install_site_files, page

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    demo = demo_project(tmp_path_factory.mktemp("demo"))
    return build_ok(demo, tmp_path_factory.mktemp("site"), DEMO_NOW)


def feed_paths(out: Path) -> list[Path]:
    return sorted([*out.rglob("history.rss"), *out.rglob("history.atom")])


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def test_every_feed_parses_cleanly_in_a_feed_reader(site):
    catalog, _ = demo_records()
    paths = feed_paths(site)
    # One RSS and one Atom feed for the site and for each component.
    assert len(paths) == 2 * (1 + len(catalog.components))
    for path in paths:
        parsed = parse(path)
        assert parsed.version == ("rss20" if path.suffix == ".rss" else "atom10")
        assert parsed.feed.title.startswith("Lumen Cloud Status – ")
        for entry in parsed.entries:
            assert entry.link.startswith(BASE + "incidents/")


def test_site_feed_has_one_entry_per_record_with_stable_absolute_ids(site):
    _, incidents = demo_records()
    for name in ("history.rss", "history.atom"):
        parsed = parse(site / name)
        expected = {BASE + f"incidents/{incident.id}/" for incident in incidents}
        assert {entry.id for entry in parsed.entries} == expected
        assert all(entry.id == entry.link for entry in parsed.entries)
        assert parsed.feed.link == BASE


def test_entries_carry_status_kind_and_impact_categories(site):
    parsed = parse(site / "history.atom")
    entry = next(e for e in parsed.entries if "api-elevated-error-rates" in e.id)
    terms = {(tag.scheme, tag.term) for tag in entry.tags}
    assert ("urn:statusbook:status", "identified") in terms
    assert ("urn:statusbook:kind", "outage") in terms
    assert ("urn:statusbook:impact", "major") in terms
    rss = parse(site / "history.rss")
    rss_entry = next(e for e in rss.entries if "api-elevated-error-rates" in e.id)
    assert {tag.term for tag in rss_entry.tags} == {"Identified", "Outage", "Major impact"}
    assert rss_entry.title == "Identified — Elevated error rates on the API"


def test_entry_content_is_the_whole_timeline_newest_first(site):
    for name in ("history.rss", "history.atom"):
        parsed = parse(site / name)
        entry = next(e for e in parsed.entries if "api-elevated-error-rates" in e.id)
        content = entry.content[0].value if "content" in entry else entry.summary
        positions = [
            content.index("21 Nov 2026, 05:05 UTC"),
            content.index("The rollback has completed"),
            content.index("21 Nov 2026, 04:02 UTC"),
            content.index("A configuration change"),
            content.index("21 Nov 2026, 03:21 UTC"),
            content.index("We are seeing elevated"),
        ]
        assert positions == sorted(positions)
        for label in ("Update", "Identified", "Investigating"):
            assert f"<strong>{label}</strong>" in content
        assert "API, Webhooks" in content


def test_entry_updated_is_its_latest_update_and_published_its_first(site):
    parsed = parse(site / "history.atom")
    entry = next(e for e in parsed.entries if "api-elevated-error-rates" in e.id)
    assert entry.updated == "2026-11-21T05:05:00+00:00"
    assert entry.published == "2026-11-21T03:21:00+00:00"
    # The newest change first; the feed's own date is its newest entry's, not the clock's.
    assert parsed.entries[0].id == entry.id
    assert parsed.feed.updated == "2026-11-21T05:05:00+00:00"
    rss = ET.parse(site / "history.rss").getroot()
    assert rss.findtext("channel/lastBuildDate") == "Sat, 21 Nov 2026 05:05:00 +0000"


def test_maintenance_entry_shows_its_window(site):
    parsed = parse(site / "history.atom")
    entry = next(e for e in parsed.entries if "database-major-version-upgrade" in e.id)
    content = entry.content[0].value
    assert "3 Dec 2026, 02:00 UTC – 3 Dec 2026, 04:00 UTC" in content
    assert {(t.scheme, t.term) for t in entry.tags} >= {("urn:statusbook:kind", "maintenance")}


def test_component_feeds_list_only_records_touching_the_component(site):
    catalog, incidents = demo_records()
    for component in catalog.components:
        for name in ("history.rss", "history.atom"):
            parsed = parse(site / "components" / component.id / name)
            expected = {
                BASE + f"incidents/{incident.id}/"
                for incident in incidents
                if component.id in incident.affected_components
            }
            assert {entry.id for entry in parsed.entries} == expected, (component.id, name)
            assert parsed.feed.link == BASE + f"components/{component.id}/"
            assert component.name in parsed.feed.title


def test_every_page_announces_the_site_feeds_and_component_pages_their_own(site):
    for url in ("/", "/incidents/2026-09-02-eu-region-outage/", "/history/"):
        links = page(site, url).select('link[rel="alternate"]')
        types = {link["type"]: link["href"] for link in links}
        assert set(types) == {"application/rss+xml", "application/atom+xml"}
        folder = (site / url.strip("/")) if url.strip("/") else site
        for href in types.values():
            assert (folder / href).resolve().is_file()
    links = page(site, "/components/api/").select('link[rel="alternate"]')
    hrefs = {(link["type"], (site / "components/api" / link["href"]).resolve()) for link in links}
    assert ("application/rss+xml", (site / "components/api/history.rss").resolve()) in hrefs
    assert ("application/atom+xml", (site / "components/api/history.atom").resolve()) in hrefs
    assert ("application/rss+xml", (site / "history.rss").resolve()) in hrefs
    assert all(link.get("title") for link in links)


def test_subscribe_section_links_every_published_file(site):
    home = page(site, "/")
    section = home.select_one("section.sb-subscribe")
    assert section.select_one("h2").get_text(strip=True) == "Subscribe"
    hrefs = {a["href"] for a in section.select("a[type]")}
    for expected in ("history.rss", "history.atom", "maintenance.ics", "api/v2/summary.json"):
        assert expected in hrefs
    assert not any(href.startswith("components/") for href in hrefs)  # they are on component pages
    assert "own feeds" in section.select_one(".sb-subscribe__components").get_text()
    for href in hrefs:
        assert (site / href).is_file(), href
    component = page(site, "/components/database/").select_one("section.sb-subscribe")
    own = {a["href"] for a in component.select("a[type]")}
    assert {"history.rss", "history.atom", "maintenance.ics", "badge.svg", "badge.json"} <= own
    for href in own:
        assert (site / "components/database" / href).resolve().is_file(), href


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = new_project(tmp_path_factory.mktemp("hostile"))
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "hostile"), hostile_incident(day))
    start = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    project.write(record_name(start, "hostile-window"), hostile_maintenance(start))
    return build_ok(project.root, project.root / "out", NOW)


def test_hostile_record_text_reaches_feeds_without_anything_executable(hostile_site):
    for path in feed_paths(hostile_site):
        root = ET.parse(path).getroot()
        contents = [
            element.text or ""
            for element in root.iter()
            if element.tag in (f"{ATOM}content", "description")
        ]
        entries = [c for c in contents if "Watch" in c]
        if path.parent in (
            hostile_site,
            hostile_site / "components/api",
            hostile_site / "components/database",
        ):
            assert entries, path
        for content in contents:
            assert executable_parts(content) == [], (path, content)
            assert not EXECUTABLE.search(content), (path, content)
        for content in entries:
            for word in HOSTILE_WORDS:
                assert word in content
        parse(path)


def test_markup_in_a_title_is_carried_as_text(project, tmp_path):
    install_site_files(project.root)
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "title"), incident_text(day, "'Errors in <Widget> & co'"))
    out = build_ok(project.root, tmp_path / "out", NOW)
    atom = ET.parse(out / "history.atom").getroot()
    title = atom.find(f"{ATOM}entry/{ATOM}title")
    assert title.text == "Resolved — Errors in <Widget> & co"
    assert title.get("type") in (None, "text")
    assert list(title) == []
    assert parse(out / "history.rss").entries[0].title == "Resolved — Errors in <Widget> & co"


def test_a_new_update_keeps_the_entry_id_and_moves_updated(project, tmp_path):
    install_site_files(project.root)
    day = datetime(2026, 11, 20, tzinfo=UTC)
    name = record_name(day, "slow")
    project.write(name, incident_text(day, resolved=False))
    before = parse(build_ok(project.root, tmp_path / "a", NOW) / "history.atom").entries[0]
    later = """\
        - at: 2026-11-20T10:40:00Z
          status: identified
          message: A slow disk; replacing it.
        """
    project.write(name, incident_text(day, resolved=False, extra_updates=later))
    after_feed = parse(build_ok(project.root, tmp_path / "b", NOW) / "history.atom")
    after = after_feed.entries[0]
    assert after.id == before.id == "https://status.test.example/incidents/2026-11-20-slow/"
    assert before.updated == "2026-11-20T10:05:00+00:00"
    assert after.updated == "2026-11-20T10:40:00+00:00"
    content = after.content[0].value
    assert content.index("A slow disk") < content.index("We are looking into")
    rss_ids = [e.id for e in parse(tmp_path / "b" / "history.rss").entries]
    assert rss_ids == [before.id]


def test_feeds_keep_the_most_recently_changed_records(project, tmp_path):
    install_site_files(project.root)
    first = datetime(2026, 8, 1, tzinfo=UTC)
    days = [first + timedelta(days=n) for n in range(FEED_LIMIT + 5)]
    for n, day in enumerate(days):
        project.write(record_name(day, f"slow-{n}"), incident_text(day, f"Slow {n}"))
    out = build_ok(project.root, tmp_path / "out", NOW)
    for name in ("history.rss", "history.atom", "components/api/history.atom"):
        entries = parse(out / name).entries
        assert len(entries) == FEED_LIMIT
        titles = [entry.title for entry in entries]
        assert titles == [f"Resolved — Slow {n}" for n in reversed(range(5, FEED_LIMIT + 5))]


def test_without_a_site_url_the_page_is_not_built_and_validate_says_why(project, tmp_path):
    """Feeds, calendars and the API's page.url and shortlinks need the site's address:
    rather than publish nulls that strict Statuspage clients reject, the build refuses."""
    install_site_files(project.root)
    catalog = project.catalog_path.read_text()
    project.catalog_path.write_text(catalog.replace("  url: https://status.test.example/\n", ""))
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "slow"), incident_text(day))
    out = tmp_path / "out"
    result = build(project.root, out, NOW)
    assert result.returncode != 0
    assert "site.url is not set in the catalog" in result.stderr
    assert "Traceback" not in result.stderr
    checked = CliRunner().invoke(cli, ["validate", "--strict", "--now", NOW.isoformat()])
    assert checked.exit_code == 1
    assert "statusbook.yml:1:1: warning SB502 [site-url-missing]" in checked.output
    assert "set site.url" in checked.output
    assert CliRunner().invoke(cli, ["validate", "--now", NOW.isoformat()]).exit_code == 0


def test_feeds_do_not_change_when_only_the_build_time_does(project):
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "slow"), incident_text(day))
    catalog, incidents = records(project.root, NOW)
    first = static_files(derive(catalog, incidents, NOW))
    second = static_files(derive(catalog, incidents, NOW + timedelta(days=3)))
    feeds = [path for path in first if path.endswith((".rss", ".atom", ".ics"))]
    assert "components/dashboard/history.atom" in feeds
    assert feedparser.parse(first["components/dashboard/history.atom"]).entries == []
    for path in feeds:
        assert first[path] == second[path], path
