"""The maintenance calendar: a real site build, every .ics read back with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from .published import (
    DEMO_NOW,
    EXECUTABLE,
    HOSTILE_WORDS,
    build_ok,
    demo_project,
    demo_records,
    hostile_maintenance,
    maintenance_text,
    new_project,
    record_name,
)
from .sitebuild import install_site_files, page

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    demo = demo_project(tmp_path_factory.mktemp("demo"))
    return build_ok(demo, tmp_path_factory.mktemp("site"), DEMO_NOW)


def events(path: Path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"duplicate UID {uid}"
        found[uid] = event
    return found


def utc(value) -> datetime:
    moment = value.dt
    assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    return moment


def test_site_calendar_has_every_maintenance_past_upcoming_and_cancelled(site):
    _, incidents = demo_records()
    maintenance = {i.id for i in incidents if i.is_maintenance}
    found = events(site / "maintenance.ics")
    assert set(found) == {f"{record_id}@status.lumen.example" for record_id in maintenance}
    assert len(maintenance) == 3


def test_events_have_utc_times_status_and_components(site):
    found = events(site / "maintenance.ics")
    upgrade = found["2026-12-03-database-major-version-upgrade@status.lumen.example"]
    assert utc(upgrade["DTSTART"]) == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert utc(upgrade["DTEND"]) == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    assert str(upgrade["STATUS"]) == "CONFIRMED"
    assert "Affected components: Managed databases" in str(upgrade["DESCRIPTION"])
    assert "PostgreSQL 18 upgrade" in str(upgrade["SUMMARY"])
    assert str(upgrade["URL"]) == (
        "https://status.lumen.example/incidents/2026-12-03-database-major-version-upgrade/"
    )
    cancelled = found["2026-11-14-search-reindex@status.lumen.example"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # A finished window shows when the work actually ran.
    rotation = found["2026-10-20-cdn-certificate-rotation@status.lumen.example"]
    assert utc(rotation["DTSTART"]) == datetime(2026, 10, 20, 1, 4, tzinfo=UTC)
    assert utc(rotation["DTEND"]) == datetime(2026, 10, 20, 1, 41, tzinfo=UTC)
    assert str(rotation["STATUS"]) == "CONFIRMED"
    description = str(rotation["DESCRIPTION"])
    # Newest update first, as in the feeds.
    assert description.index("All edge nodes") < description.index("We will rotate")


def test_dtstamp_is_the_records_last_change_not_the_build_time(site):
    found = events(site / "maintenance.ics")
    rotation = found["2026-10-20-cdn-certificate-rotation@status.lumen.example"]
    assert utc(rotation["DTSTAMP"]) == datetime(2026, 10, 20, 1, 41, tzinfo=UTC)
    upgrade = found["2026-12-03-database-major-version-upgrade@status.lumen.example"]
    assert utc(upgrade["DTSTAMP"]) == datetime(2026, 11, 19, 10, 0, tzinfo=UTC)


def test_component_calendars_hold_only_their_maintenance_and_none_is_empty(site):
    catalog, incidents = demo_records()
    for component in catalog.components:
        path = site / "components" / component.id / "maintenance.ics"
        expected = {
            f"{i.id}@status.lumen.example"
            for i in incidents
            if i.is_maintenance and component.id in i.affected_components
        }
        # RFC 5545 §3.6: a calendar holds at least one component; none means no file.
        assert path.exists() == bool(expected), component.id
        if expected:
            assert set(events(path)) == expected, component.id
    assert len(events(site / "components/cdn/maintenance.ics")) == 1
    assert not (site / "components/api/maintenance.ics").exists()


def test_the_subscribe_list_offers_only_calendars_that_exist(site):
    for component, offered in (("api", False), ("cdn", True)):
        html = page(site, f"/components/{component}/")
        links = [a["href"] for a in html.select(".sb-subscribe__links a")]
        assert any(href.endswith("maintenance.ics") for href in links) == offered, component


def test_calendars_are_plain_icalendar_that_says_how_often_to_refresh(site):
    """iTIP's METHOD:PUBLISH needs an ORGANIZER (RFC 5546), which a status page has not got:
    no METHOD at all. REFRESH-INTERVAL (RFC 7986) and Outlook's X-PUBLISHED-TTL: an hour."""
    for path in site.rglob("*.ics"):
        calendar = Calendar.from_ical(path.read_bytes())
        assert "METHOD" not in calendar, path
        assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
        assert "VALUE=DURATION" in path.read_text(encoding="utf-8")
        assert str(calendar["X-PUBLISHED-TTL"]) in ("PT1H", "1:00:00") or calendar[
            "X-PUBLISHED-TTL"
        ].dt == timedelta(hours=1)
        assert calendar.walk("VEVENT"), path


def test_two_project_sites_on_one_host_get_their_own_ids():
    from statusbook.render.ical import event_uid
    from statusbook.render.statuspage import page_id

    catalog, _ = demo_records()

    def at(url: str):
        return catalog._replace(site=catalog.site._replace(url=url))

    status, ops = "https://org.github.io/status/", "https://org.github.io/ops/"
    assert event_uid(status, "x") == "x@org.github.io/status"
    assert event_uid(ops, "x") != event_uid(status, "x")
    assert page_id(at(status)) != page_id(at(ops))
    # A site at a host's root keeps the ids it always had.
    assert event_uid("https://status.lumen.example/", "x") == "x@status.lumen.example"


def test_calendar_does_not_depend_on_the_build_time(tmp_path):
    demo = demo_project(tmp_path / "demo")
    first = build_ok(demo, tmp_path / "a", DEMO_NOW)
    second = build_ok(demo, tmp_path / "b", DEMO_NOW + timedelta(hours=3))
    for path in first.rglob("*.ics"):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()


def test_uid_stays_and_sequence_grows_when_a_window_gains_an_update(project, tmp_path):
    install_site_files(project.root)
    start = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    name = record_name(start, "db-upgrade")
    project.write(name, maintenance_text(start))
    before = events(build_ok(project.root, tmp_path / "a", NOW) / "maintenance.ics")
    moved = """\
        - at: 2026-11-21T09:00:00Z
          status: update
          message: We have moved the window to 03:00.
        """
    project.write(name, maintenance_text(start + timedelta(hours=1), extra_updates=moved))
    after = events(build_ok(project.root, tmp_path / "b", NOW) / "maintenance.ics")
    assert list(before) == list(after) == ["2026-11-25-db-upgrade@status.test.example"]
    old, new = before.popitem()[1], after.popitem()[1]
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert utc(new["DTSTART"]) == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert utc(new["DTSTAMP"]) == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert str(new["DESCRIPTION"]).index("moved the window") < str(new["DESCRIPTION"]).index(
        "We will upgrade"
    )


def test_hostile_maintenance_text_is_plain_and_harmless(tmp_path):
    project = new_project(tmp_path / "repo")
    start = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    project.write(record_name(start, "hostile"), hostile_maintenance(start))
    out = build_ok(project.root, tmp_path / "out", NOW)
    for path in (out / "maintenance.ics", out / "components/database/maintenance.ics"):
        (event,) = events(path).values()
        description = str(event["DESCRIPTION"])
        for word in HOSTILE_WORDS:
            assert word in description
        assert not EXECUTABLE.search(description), description
        assert "<" not in description
        assert not EXECUTABLE.search(path.read_text(encoding="utf-8"))


def test_calendar_reaches_back_one_year_and_forward_without_limit(tmp_path):
    from statusbook.derive.snapshot import derive
    from statusbook.render.outputs import static_files

    from .published import records

    project = new_project(tmp_path / "repo")
    old = NOW - timedelta(days=400)
    recent = NOW - timedelta(days=300)
    future = NOW + timedelta(days=30)
    for moment, slug in ((old, "old-window"), (recent, "recent-window"), (future, "future-window")):
        project.write(
            record_name(moment, slug),
            maintenance_text(moment, announced=min(moment, NOW) - timedelta(days=7)),
        )
    catalog, incidents = records(project.root, NOW)
    calendar = Calendar.from_ical(static_files(derive(catalog, incidents, NOW))["maintenance.ics"])
    uids = sorted(str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT"))
    expected = [record_name(recent, "recent-window"), record_name(future, "future-window")]
    assert uids == sorted(name.removesuffix(".md") for name in expected)  # not the 400-day-old one
