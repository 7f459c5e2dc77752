"""Maintenance speaks maintenance: upcoming, running, completed and cancelled windows show only
facts true at the build's instant, in maintenance words, in English and Bahasa Indonesia;
a window the clock started or ended carries that transition in the API and the feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from .published import build_ok, new_project
from .sitebuild import page, text

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

WINDOWS = {
    # Planned for tomorrow: nothing has started.
    "2026-11-22-upcoming": """\
        ---
        title: Upcoming upgrade
        kind: maintenance
        manager: Marek Nowak
        scheduled_start: 2026-11-22T02:00:00Z
        scheduled_end: 2026-11-22T04:00:00Z
        components:
          database: under_maintenance
        updates:
          - at: 2026-11-19T10:00:00Z
            status: scheduled
            message: We will upgrade the database.
        ---
        """,
    # Started by the clock at 11:00, nobody posted a start.
    "2026-11-21-running": """\
        ---
        title: Running migration
        kind: maintenance
        scheduled_start: 2026-11-21T11:00:00Z
        scheduled_end: 2026-11-21T13:00:00Z
        components:
          api: under_maintenance
        updates:
          - at: 2026-11-18T10:00:00Z
            status: scheduled
            message: We will migrate the API.
        ---
        """,
    # Started and ended by the clock, yesterday.
    "2026-11-20-finished": """\
        ---
        title: Finished rotation
        kind: maintenance
        scheduled_start: 2026-11-20T02:00:00Z
        scheduled_end: 2026-11-20T03:00:00Z
        components:
          dashboard: under_maintenance
        updates:
          - at: 2026-11-17T10:00:00Z
            status: scheduled
            message: We will rotate certificates.
        ---
        """,
    # Called off before it began.
    "2026-11-23-called-off": """\
        ---
        title: Called-off cleanup
        kind: maintenance
        scheduled_start: 2026-11-23T02:00:00Z
        scheduled_end: 2026-11-23T03:00:00Z
        state: cancelled
        components:
          database: under_maintenance
        updates:
          - at: 2026-11-16T10:00:00Z
            status: scheduled
            message: We will clean up.
          - at: 2026-11-20T15:30:00Z
            status: cancelled
            message: No longer needed.
        ---
        """,
}


def site_in(tmp_path_factory, language: str) -> Path:
    project = new_project(tmp_path_factory.mktemp(f"repo-{language}"))
    catalog = project.catalog_path.read_text(encoding="utf-8")
    project.catalog_path.write_text(
        catalog.replace("site:\n", f"site:\n  language: {language}\n"), encoding="utf-8"
    )
    for name, record in WINDOWS.items():
        project.write(f"{name}.md", record)
    return build_ok(project.root, tmp_path_factory.mktemp(f"site-{language}"), NOW)


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return site_in(tmp_path_factory, "en")


@pytest.fixture(scope="module")
def indonesian(tmp_path_factory) -> Path:
    return site_in(tmp_path_factory, "id")


def facts(site: Path, record: str) -> dict[str, str]:
    listing = page(site, f"/incidents/{record}/").select_one("dl.sb-facts")
    return {
        text(dt): text(dd)
        for dt, dd in zip(listing.select("dt"), listing.select("dd"), strict=True)
    }


def state(site: Path, record: str) -> str:
    return text(page(site, f"/incidents/{record}/").select_one(".sb-incident__meta .sb-state"))


ENGLISH = {
    "2026-11-22-upcoming": (
        "Scheduled",
        {
            "Scheduled for": "22 Nov 2026, 02:00 UTC – 04:00 UTC",
            "Maintenance lead": "Marek Nowak",
            "Affected components": "Database",
        },
    ),
    "2026-11-21-running": (
        "In progress",
        {
            "Scheduled for": "21 Nov 2026, 11:00 UTC – 13:00 UTC",
            "Started": "21 Nov 2026, 11:00 UTC",
            "Affected components": "API: \u2692\ufe0e Under maintenance",
        },
    ),
    "2026-11-20-finished": (
        "Completed",
        {
            "Scheduled for": "20 Nov 2026, 02:00 UTC – 03:00 UTC",
            "Started": "20 Nov 2026, 02:00 UTC",
            "Completed": "20 Nov 2026, 03:00 UTC",
            "Affected components": "Dashboard: ✓ Operational",
        },
    ),
    "2026-11-23-called-off": (
        "Cancelled",
        {
            "Scheduled for": "23 Nov 2026, 02:00 UTC – 03:00 UTC",
            "Cancelled": "20 Nov 2026, 15:30 UTC",
            "Affected components": "Database",
        },
    ),
}


@pytest.mark.parametrize("record", list(ENGLISH))
def test_each_window_shows_only_true_facts_in_maintenance_words(english, record):
    expected_state, expected_facts = ENGLISH[record]
    assert state(english, record) == expected_state
    assert facts(english, record) == expected_facts


def test_indonesian_windows_speak_indonesian(indonesian):
    assert state(indonesian, "2026-11-22-upcoming") == "Terjadwal"
    assert facts(indonesian, "2026-11-22-upcoming") == {
        "Dijadwalkan": "22 Nov 2026 02.00 UTC – 04.00 UTC",
        "Penanggung jawab pemeliharaan": "Marek Nowak",
        "Komponen terdampak": "Database",
    }
    finished = list(facts(indonesian, "2026-11-20-finished"))
    assert finished == ["Dijadwalkan", "Dimulai", "Selesai", "Komponen terdampak"]
    assert state(indonesian, "2026-11-23-called-off") == "Dibatalkan"
    called_off = list(facts(indonesian, "2026-11-23-called-off"))
    assert called_off == ["Dijadwalkan", "Dibatalkan", "Komponen terdampak"]
    running = page(indonesian, "/incidents/2026-11-21-running/")
    assert "Pemeliharaan terjadwal telah dimulai." in text(running.select_one(".sb-timeline"))


def test_no_window_page_uses_incident_words(english):
    for record in ENGLISH:
        words = text(page(english, f"/incidents/{record}/").select_one("article"))
        assert "Resolved" not in words and "Incident manager" not in words


def test_the_clock_starts_and_ends_windows_in_the_api_with_stable_ids(english):
    def updates(record: str) -> list[tuple[str, str]]:
        document = json.loads((english / f"api/v2/incidents/{record}.json").read_text())
        return [(u["id"], u["status"]) for u in document["incident"]["incident_updates"]]

    assert updates("2026-11-21-running") == [
        ("2026-11-21-running-started", "in_progress"),
        ("2026-11-21-running-u1", "scheduled"),
    ]
    assert updates("2026-11-20-finished") == [
        ("2026-11-20-finished-completed", "completed"),
        ("2026-11-20-finished-started", "in_progress"),
        ("2026-11-20-finished-u1", "scheduled"),
    ]
    active = json.loads((english / "api/v2/scheduled-maintenances/active.json").read_text())
    (running,) = active["scheduled_maintenances"]
    newest = running["incident_updates"][0]
    assert newest["body"] == "The scheduled maintenance has started."
    assert newest["affected_components"] == [
        {
            "code": "api",
            "name": "API",
            "old_status": "operational",
            "new_status": "under_maintenance",
        }
    ]


def test_the_clock_transitions_are_in_the_feed(english):
    feed = feedparser.parse((english / "history.atom").read_bytes())
    entries = {entry.title: entry for entry in feed.entries}
    running = entries["In progress — Running migration"]
    assert "The scheduled maintenance has started." in running.content[0].value
    assert running.updated == "2026-11-21T11:00:00+00:00"
    finished = entries["Completed — Finished rotation"]
    assert "The scheduled maintenance has been completed." in finished.content[0].value
