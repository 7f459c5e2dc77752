"""One snapshot at `now`: a record reads the same on the page, in the API, the feeds, the
badges, `list`, `show` and notify, including facts stamped a few minutes after `now`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.derive.snapshot import derive
from statusbook.load.catalog import load_catalog
from statusbook.load.rules import validate_paths
from statusbook.model import RecordStatus
from statusbook.notifications.events import Published, find_events

from .conftest import Project
from .sitebuild import build, install_site_files, page, text

#: Resolved at 12:03 — accepted at 12:00 because of the validator's clock-drift tolerance.
DRIFTING = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
resolved: 2026-11-21T12:03:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into elevated API error rates.
  - at: 2026-11-21T12:03:00Z
    status: resolved
    message: Error rates are back to normal.
---
"""
RECORD = "2026-11-21-api-errors"
NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
RESOLVED = datetime(2026, 11, 21, 12, 3, tzinfo=UTC)


def cli_at(project: Project, moment: datetime, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def drifting(project: Project) -> Project:
    project.write(f"{RECORD}.md", DRIFTING)
    return project


def snapshot_at(project: Project, moment: datetime):
    catalog = load_catalog(project.catalog_path)
    result = validate_paths(None, catalog, moment)
    assert not result.errors, result.errors
    return derive(catalog, result.incidents, moment)


def test_at_noon_the_record_is_open_with_its_0905_update_newest(drifting: Project) -> None:
    state = snapshot_at(drifting, NOON).by_id[RECORD]
    assert state.status is RecordStatus.INVESTIGATING and state.is_open
    assert [post.key for post in state.posts] == ["u1"]
    assert state.ended is None
    assert state.record.resolved is None


def test_at_noon_the_api_says_investigating_without_a_resolution(drifting: Project) -> None:
    site = drifting.root / "site"
    result = build_site(drifting, site, NOON)
    assert result.returncode == 0, result.stderr
    document = json.loads((site / f"api/v2/incidents/{RECORD}.json").read_text())["incident"]
    assert document["status"] == "investigating"
    assert document["resolved_at"] is None
    assert [u["id"] for u in document["incident_updates"]] == [f"{RECORD}-u1"]
    assert document["incident_updates"][0]["status"] == "investigating"
    unresolved = json.loads((site / "api/v2/incidents/unresolved.json").read_text())
    assert [i["id"] for i in unresolved["incidents"]] == [RECORD]
    summary = json.loads((site / "api/v2/summary.json").read_text())
    assert summary["status"]["indicator"] == "critical"
    api = next(c for c in summary["components"] if c["id"] == "api")
    assert api["status"] == "major_outage"

    home = page(site, "/")
    active = home.select_one("#sb-active").find_parent("section")
    listed = active.select(".sb-incident")
    assert [text(item.select_one(".sb-incident__title")) for item in listed] == ["API errors"]
    meta = text(listed[0].select_one(".sb-incident__meta"))
    assert "Investigating" in meta and "Resolved" not in meta
    assert "3 h 03 min" not in meta
    incident_page = page(site, f"/incidents/{RECORD}/")
    facts = text(incident_page.select_one("dl.sb-facts"))
    assert "Resolved" not in facts and "Duration so far 3 h 00 min" in facts
    assert "Error rates are back to normal" not in text(incident_page.select_one(".sb-timeline"))

    feed = feedparser.parse((site / "history.atom").read_bytes())
    (entry,) = feed.entries
    assert "Error rates are back to normal" not in entry.content[0].value
    assert entry.updated == "2026-11-21T09:05:00+00:00"
    badge = json.loads((site / "components/api/badge.json").read_text())
    assert badge["message"] == "Major outage"


def test_at_noon_list_and_show_say_open(drifting: Project) -> None:
    listed = json.loads(cli_at(drifting, NOON, "list", "--open", "--format", "json"))
    assert [(item["id"], item["status"], item["resolved"]) for item in listed] == [
        (RECORD, "investigating", None)
    ]
    shown = cli_at(drifting, NOON, "show", RECORD)
    assert "status:     investigating" in shown
    assert "resolved:" not in shown
    assert "1 later update(s)" in shown


def test_at_noon_notify_announces_only_the_0905_update(drifting: Project) -> None:
    snapshot = snapshot_at(drifting, NOON)
    events = find_events({RECORD: Published(RECORD, 0)}, snapshot, since=NOON)
    assert [event.id for event in events if not event.component] == [f"{RECORD}/u1"]


def test_at_1203_it_is_resolved_everywhere(drifting: Project) -> None:
    state = snapshot_at(drifting, RESOLVED).by_id[RECORD]
    assert state.status is RecordStatus.RESOLVED and not state.is_open
    assert state.ended == RESOLVED
    listed = json.loads(cli_at(drifting, RESOLVED, "list", "--open", "--format", "json"))
    assert listed == []
    events = find_events(
        {RECORD: Published(RECORD, 1)}, snapshot_at(drifting, RESOLVED), since=NOON
    )
    assert [event.id for event in events if not event.component] == [f"{RECORD}/u2"]


def build_site(project: Project, out: Path, moment: datetime):
    install_site_files(project.root)
    return build(project.root, out, moment)


RECOVERED_EARLIER = DRIFTING.replace(
    "resolved: 2026-11-21T12:03:00Z", "resolved: 2026-11-21T11:58:00Z"
)


def test_a_recovery_is_not_resolved_before_the_update_announcing_it(project: Project) -> None:
    """Service recovered at 11:58 and the resolving update was posted at 12:03: at 12:00
    readers have not been told, so the record is still open everywhere."""
    project.write(f"{RECORD}.md", RECOVERED_EARLIER)
    state = snapshot_at(project, NOON).by_id[RECORD]
    assert state.is_open and state.status is RecordStatus.INVESTIGATING and state.ended is None
    resolved = snapshot_at(project, RESOLVED).by_id[RECORD]
    assert resolved.status is RecordStatus.RESOLVED
    assert resolved.ended == datetime(2026, 11, 21, 11, 58, tzinfo=UTC)
