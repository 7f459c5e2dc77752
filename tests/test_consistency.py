"""Every output agrees on every record's state and every component's status at `now`.

Hypothesis writes small status repositories — incidents and maintenance windows that
overlap, records with facts a few minutes after `now` (inside the validator's drift
tolerance), instants exactly on a boundary, ongoing incidents and windows still to come —
and checks the page data, the API documents, the feed, the badges, `list --open`, `show`
and notify's events against a reference that reads the records on its own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusbook.cli import cli
from statusbook.derive.snapshot import Snapshot, active_incidents, derive
from statusbook.derive.timeline import effective_status
from statusbook.i18n import Translator
from statusbook.load.catalog import load_catalog
from statusbook.load.rules import validate_paths
from statusbook.model import ComponentStatus, Incident
from statusbook.notifications.events import Published, find_events
from statusbook.render.badges import status_badges
from statusbook.render.feeds import feed_pair
from statusbook.render.pages import build_views
from statusbook.render.statuspage import api_documents

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
COMPONENTS = ("api", "db", "web")
CATALOG = """\
site:
  name: Consistency
  url: https://status.test.example/
components:
  - {id: api, name: API, monitored_since: 2026-01-01}
  - {id: db, name: Database, monitored_since: 2026-01-01}
  - {id: web, name: Web, monitored_since: 2026-01-01}
"""
IMPAIRED = ["degraded_performance", "partial_outage", "major_outage"]
DRIFT = 300  # seconds: the validator's tolerance for facts after `now`

#: Offsets from `now` in seconds, with the boundaries drawn often.
near = st.sampled_from([-DRIFT, -60, -1, 0, 1, 60, DRIFT])
past = near.filter(lambda s: s <= DRIFT) | st.integers(min_value=-3 * 86400, max_value=DRIFT)
anywhere = near | st.integers(min_value=-3 * 86400, max_value=3 * 86400)


def stamp(offset: int) -> str:
    return (NOW + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(offset: int) -> datetime:
    return NOW + timedelta(seconds=offset)


@dataclass
class Written:
    name: str
    front: dict


@st.composite
def incidents(draw, index: int) -> Written:
    times = sorted(draw(st.lists(past, min_size=1, max_size=3)))
    started = times[0] - draw(st.sampled_from([0, 60, 600]))
    components = draw(
        st.dictionaries(st.sampled_from(COMPONENTS), st.sampled_from(IMPAIRED), min_size=1)
    )
    updates = []
    for number, at in enumerate(times):
        status = draw(st.sampled_from(["investigating", "identified", "monitoring"]))
        if number and draw(st.booleans()):
            status = "update"
        update: dict = {"at": stamp(at), "status": status, "message": f"Update {number + 1}."}
        changed = draw(
            st.dictionaries(
                st.sampled_from(COMPONENTS), st.sampled_from([*IMPAIRED, "operational"])
            )
        )
        if changed:
            update["components"] = changed
        updates.append(update)
    front = {
        "title": f"Incident {index}",
        "kind": "outage",
        "impact": draw(st.sampled_from(["none", "minor", "major", "critical"])),
        "started": stamp(started),
        "components": components,
        "updates": updates,
    }
    if draw(st.booleans()):
        closing = draw(past.filter(lambda s: s >= times[-1]) | st.just(max(times[-1], DRIFT)))
        resolved = min(closing + draw(st.sampled_from([0, 0, 60])), DRIFT)
        updates.append({"at": stamp(closing), "status": "resolved", "message": "Fixed."})
        front["resolved"] = stamp(resolved)
    return Written(f"{moment(started):%Y-%m-%d}-incident-{index}.md", front)


@st.composite
def windows(draw, index: int) -> Written:
    start = draw(anywhere)
    end = start + draw(st.sampled_from([1, 3600, 7200]))
    announced = min(draw(past), start)
    components = draw(
        st.dictionaries(
            st.sampled_from(COMPONENTS),
            st.sampled_from(["under_maintenance", *IMPAIRED]),
            min_size=1,
        )
    )
    updates = [{"at": stamp(announced), "status": "scheduled", "message": "Planned."}]
    front: dict = {
        "title": f"Window {index}",
        "kind": "maintenance",
        "scheduled_start": stamp(start),
        "scheduled_end": stamp(end),
        "components": components,
    }
    how = draw(st.sampled_from(["clock", "started", "completed", "cancelled"]))
    if how in ("started", "completed") and start <= DRIFT:
        began = max(start, announced)
        updates.append({"at": stamp(began), "status": "in_progress", "message": "Begun."})
        front["started"] = stamp(began)
        if how == "completed":
            finished = min(max(began, end), DRIFT)
            updates.append({"at": stamp(finished), "status": "completed", "message": "Done."})
            front["completed"] = stamp(finished)
    elif how == "cancelled":
        cancelled = draw(past.filter(lambda s: s >= announced) | st.just(max(announced, 0)))
        updates.append({"at": stamp(cancelled), "status": "cancelled", "message": "Off."})
        front["state"] = "cancelled"
    front["updates"] = updates
    return Written(f"{moment(start):%Y-%m-%d}-window-{index}.md", front)


@st.composite
def repositories(draw) -> tuple[list[Written], int]:
    count = draw(st.integers(min_value=1, max_value=4))
    written = [
        draw(windows(index) if draw(st.booleans()) else incidents(index)) for index in range(count)
    ]
    return written, draw(
        near.filter(lambda s: s >= 0) | st.integers(min_value=0, max_value=2 * 86400)
    )


# --- the reference -------------------------------------------------------------------------


def published(record: Incident, now: datetime) -> bool:
    return record.updates[0].at <= now


def reference_open(record: Incident, now: datetime) -> bool:
    """Open: an incident not resolved by `now`; a window not cancelled (as announced by
    `now`) and not over by `now` (actual end once it has passed, else the schedule)."""
    window = record.maintenance
    if window is None:
        return record.resolved is None or record.resolved > now
    if window.state is not None:
        cancel = [u.at for u in record.updates if u.status.value == "cancelled"]
        if not cancel or min(cancel) <= now:
            return False
    end = window.completed if window.completed and window.completed <= now else None
    return now < (end or window.scheduled_end)


def reference_newest(record: Incident, now: datetime) -> int:
    """The number of the newest written update posted by `now`."""
    return max(number for number, u in enumerate(record.updates, 1) if u.at <= now)


def reference_statuses(records: list[Incident], now: datetime) -> dict[str, ComponentStatus]:
    """Each component: the worst status a running record gives it at `now` (planned
    maintenance only where strictly worse than everything unplanned)."""
    unplanned: dict[str, list[ComponentStatus]] = {c: [] for c in COMPONENTS}
    planned: dict[str, list[ComponentStatus]] = {c: [] for c in COMPONENTS}
    for record in records:
        if not published(record, now) or not reference_open(record, now):
            continue
        window = record.maintenance
        if window is not None:
            started = window.started if window.started and window.started <= now else None
            start = started or window.scheduled_start
            if start > now:
                continue
        else:
            start = record.started
        held = {c: (start, s) for c, s in record.components.items()}
        for update in record.updates:
            for component, status in update.components.items():
                if update.at <= now:
                    held[component] = (max(update.at, start), status)
        target = planned if window is not None else unplanned
        for component, (since, status) in held.items():
            if since <= now and status is not ComponentStatus.OPERATIONAL:
                target[component].append(status)
    return {c: effective_status(unplanned[c], planned[c])[0] for c in COMPONENTS}


# --- the outputs ---------------------------------------------------------------------------


def write_repository(root: Path, written: list[Written]) -> None:
    for old in root.glob("incidents/*/*.md"):
        old.unlink()
    for record in written:
        path = root / "incidents" / record.name[:4] / record.name
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(record.front, sort_keys=False, allow_unicode=True)
        path.write_text(f"---\n{front}---\n", encoding="utf-8")


def outputs(root: Path, now: datetime) -> tuple[list[Incident], Snapshot]:
    catalog = load_catalog(root / "statusbook.yml")
    result = validate_paths(None, catalog, now)
    assert not result.errors, [p.message for p in result.errors]
    return result.incidents, derive(catalog, result.incidents, now)


def cli_json(now: datetime, *args: str):
    result = CliRunner().invoke(cli, [*args, "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(repositories())
def test_every_output_agrees_with_the_reference(tmp_path_factory, repository) -> None:
    written, offset = repository
    now = moment(offset)
    root = tmp_path_factory.mktemp("repo")
    (root / "statusbook.yml").write_text(CATALOG, encoding="utf-8")
    (root / "incidents").mkdir()
    write_repository(root, written)
    records, snapshot = outputs(root, now)
    visible = [r for r in records if published(r, now)]
    is_open = {r.id: reference_open(r, now) for r in visible}
    statuses = reference_statuses(records, now)
    t = Translator("en")

    # The snapshot itself, and the shortcut validate's reminders take to its open incidents.
    assert {s.id for s in snapshot.records} == set(is_open)
    shortcut = active_incidents(snapshot.catalog, records, now)
    assert [s.id for s in shortcut] == [s.id for s in snapshot.active]
    assert {s.id: s.is_open for s in snapshot.records} == is_open
    assert dict(snapshot.components) == statuses
    for state in snapshot.records:
        written_posts = [p.number for p in state.posts if p.number is not None]
        assert written_posts[-1] == reference_newest(state.record, now)

    # Page data.
    views = build_views(snapshot)
    assert {s.id for s in views.home.active} == {
        r.id for r in visible if is_open[r.id] and not r.is_maintenance
    }
    shown_windows = [*views.home.maintenance_now, *views.home.maintenance_next]
    assert {s.id for s in shown_windows} == {
        r.id for r in visible if is_open[r.id] and r.is_maintenance
    }
    rows = {row.id: row for group in views.home.groups for row in group.components}
    assert {c: rows[c].status.value for c in COMPONENTS} == {
        c: s.value for c, s in statuses.items()
    }
    latest = f"{now:%Y-%m-%dT%H:%M:%SZ}"
    for record in visible:
        page = views.incidents[record.id]
        newest = record.updates[reference_newest(record, now) - 1]
        times = [update.at.iso for update in page.timeline]
        assert f"{newest.at:%Y-%m-%dT%H:%M:%SZ}" in times
        assert all(moment <= latest for moment in times)
        assert page.summary.state.value == snapshot.by_id[record.id].status.value

    # The API.
    documents = {p: json.loads(b) for p, b in api_documents(snapshot).items()}
    summary = documents["summary.json"]
    assert {c["id"]: c["status"] for c in summary["components"]} == {
        c: s.value for c, s in statuses.items()
    }
    assert {i["id"] for i in documents["incidents/unresolved.json"]["incidents"]} == {
        r.id for r in visible if is_open[r.id] and not r.is_maintenance
    }
    for record in visible:
        path = f"incidents/{record.id}.json"
        if path not in documents:
            assert record.maintenance is not None and record.maintenance.state is not None
            continue
        item = documents[path]["incident"]
        assert (item["resolved_at"] is None) == is_open[record.id] or record.is_maintenance
        written_ids = [u["id"] for u in item["incident_updates"] if "-u" in u["id"]]
        assert written_ids[0] == f"{record.id}-u{reference_newest(record, now)}"
        assert all(
            u["created_at"] <= f"{now:%Y-%m-%dT%H:%M:%S}.000Z" for u in item["incident_updates"]
        )

    # The feed.
    _rss, atom = feed_pair(
        snapshot.catalog,
        snapshot.records,
        base="https://status.test.example/",
        rss_href="history.rss",
        atom_href="history.atom",
    )
    entries = feedparser.parse(atom).entries
    assert {entry.id.rstrip("/").rsplit("/", 1)[-1] for entry in entries} == set(is_open)
    for entry in entries:
        assert datetime.fromisoformat(entry.updated) <= now

    # The badges.
    _site, badges = status_badges(snapshot)
    assert {c: badges[c].message for c in COMPONENTS} == {
        c: t(f"status.{s.value}") for c, s in statuses.items()
    }

    # The command line.
    cwd = os.getcwd()
    os.chdir(root)
    try:
        listed = json.loads(cli_json(now, "list", "--open", "--format", "json"))
        assert {item["id"] for item in listed} == {r for r, open_ in is_open.items() if open_}
        for record in visible:
            shown = cli_json(now, "show", record.id)
            state = snapshot.by_id[record.id]
            assert f"status:     {state.status.value}\n" in shown
    finally:
        os.chdir(cwd)

    # Notify: every written update posted by now is announced, none posted later.
    base = {r.id: Published(r.id, 0) for r in records}
    events = find_events(base, snapshot, since=now - timedelta(days=30))
    announced = {(e.record.id, e.post.number) for e in events if e.post and e.post.number}
    assert announced == {
        (r.id, n) for r in visible for n, u in enumerate(r.updates, 1) if u.at <= now
    }
    assert all(event.at <= now for event in events)
