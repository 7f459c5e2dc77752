"""Stakeholders who follow a feed hear every update, the resolution included.

Two real builds around `statusbook update` and `statusbook resolve`; a reader that
deduplicates by id (feedparser) must see exactly the new entries, and the feeds keep the
rules the W3C feed validator checks that can be checked offline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from click.testing import CliRunner

from statusbook.cli import cli

from .published import build_ok, new_project
from .sitebuild import page

BASE = "https://status.test.example/"
RECORD = "2026-11-21-api-errors"
OPENED = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T05:50:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T05:55:00Z
    status: investigating
    message: We are looking into elevated API error rates.
---
"""
FIRST = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
SECOND = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
FEEDS = ("updates.rss", "updates.atom", "components/api/updates.atom")
ATOM = "{http://www.w3.org/2005/Atom}"
RFC_822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def run(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    project = new_project(tmp_path_factory.mktemp("repo"))
    project.write(f"{RECORD}.md", OPENED)
    before = build_ok(project.root, tmp_path_factory.mktemp("before"), FIRST)
    config = ["--config", str(project.catalog_path)]
    run(*config, "update", "api-errors", "--status", "monitoring", "-m", "A fix is deployed.",
        "--at", "2026-11-21T06:10:00Z", "--now", "2026-11-21T06:10:00Z", "--no-prompt")  # fmt: skip
    run(*config, "resolve", "api-errors", "-m", "Resolved.",
        "--at", "2026-11-21T06:20:00Z", "--now", "2026-11-21T06:20:00Z", "--no-prompt")  # fmt: skip
    after = build_ok(project.root, tmp_path_factory.mktemp("after"), SECOND)
    return before, after


def entries(site: Path, name: str) -> dict[str, feedparser.FeedParserDict]:
    return {entry.id: entry for entry in feedparser.parse((site / name).read_bytes()).entries}


@pytest.mark.parametrize("name", FEEDS)
def test_a_reader_deduplicating_by_id_sees_the_update_and_the_resolution(builds, name):
    before, after = builds
    seen = entries(before, name)
    now = entries(after, name)
    assert set(seen) <= set(now)  # nothing a reader has seen changes its id
    new = [now[entry_id] for entry_id in now if entry_id not in seen]
    page_url = f"{BASE}incidents/{RECORD}/"
    assert [(entry.id, entry.title) for entry in new] == [
        (f"{page_url}#u3", "Resolved — API errors"),
        (f"{page_url}#u2", "Monitoring — API errors"),
    ]
    resolution = new[0]
    assert resolution.link == f"{page_url}#u3"
    body = resolution.content[0].value if "content" in resolution else resolution.summary
    assert "Resolved." in body
    assert "API: Operational" in body


def test_the_incident_feed_keeps_one_entry_whose_title_and_updated_move(builds):
    before, after = builds
    (old,) = entries(before, "history.atom").values()
    (new,) = entries(after, "history.atom").values()
    assert old.id == new.id == f"{BASE}incidents/{RECORD}/"
    assert old.title == "Investigating — API errors"
    assert new.title == "Resolved — API errors"
    assert (old.updated, new.updated) == ("2026-11-21T05:55:00+00:00", "2026-11-21T06:20:00+00:00")


@pytest.mark.parametrize("name", [*FEEDS, "history.rss", "history.atom"])
def test_feeds_keep_the_validators_offline_rules(builds, name):
    _before, site = builds
    root = ET.parse(site / name).getroot()
    if root.tag == "rss":
        channel = root.find("channel")
        assert channel is not None
        dates = [item.findtext("pubDate") for item in channel.iter("item")]
        dates.append(channel.findtext("lastBuildDate"))
        assert all(date and RFC_822.match(date) for date in dates), dates
        assert all(parsedate_to_datetime(date).tzinfo for date in dates if date)
        ids = [item.findtext("guid") for item in channel.iter("item")]
        self_links = [
            link.get("href") for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"
        ]
    else:
        dates = [
            node.text for node in root.iter() if node.tag in (f"{ATOM}updated", f"{ATOM}published")
        ]
        assert all(date and RFC_3339.match(date) for date in dates), dates
        ids = [entry.findtext(f"{ATOM}id") for entry in root.findall(f"{ATOM}entry")]
        self_links = [
            link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"
        ]
    assert ids and len(ids) == len(set(ids))
    assert self_links == [BASE + name]


def test_every_page_announces_both_feeds_and_the_subscribe_section_says_which_to_use(builds):
    _before, site = builds
    home = page(site, "/")
    discovered = {link["href"] for link in home.select('link[rel="alternate"]')}
    assert {"updates.rss", "updates.atom", "history.rss", "history.atom"} <= discovered
    listed = [a["href"] for a in home.select("section.sb-subscribe a[type]")]
    assert listed[:4] == ["updates.rss", "updates.atom", "history.rss", "history.atom"]
    hint = home.select_one(".sb-subscribe__hint").get_text(" ", strip=True)
    assert "chat app" in hint and "Every update" in hint
    component = page(site, "/components/api/")
    own = {
        urljoin(f"{BASE}components/api/", link["href"])
        for link in component.select('link[rel="alternate"]')
    }
    assert {f"{BASE}components/api/updates.rss", f"{BASE}updates.atom"} <= own


def test_rebuilding_later_with_the_same_records_gives_the_same_feeds(tmp_path):
    project = new_project(tmp_path / "repo")
    project.write(f"{RECORD}.md", OPENED)
    first = build_ok(project.root, tmp_path / "one", SECOND)
    second = build_ok(project.root, tmp_path / "two", datetime(2026, 11, 24, tzinfo=UTC))
    for name in (*FEEDS, "history.rss", "history.atom"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
