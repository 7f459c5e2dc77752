"""The Statuspage-compatible API: every document of a real build checked against the shapes
in shared/reference/statuspage-v2.md (as JSON Schemas) and against the records."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from statusbook.importers.statuspage import read_statuspage
from statusbook.render.statuspage import DOCUMENTS, LIST_LIMIT

from .published import (
    DEMO_NOW,
    EXECUTABLE,
    HOSTILE_WORDS,
    build_ok,
    demo_project,
    demo_records,
    hostile_incident,
    incident_text,
    maintenance_text,
    new_project,
    record_name,
)
from .sitebuild import install_site_files

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

# --- the documented shapes -------------------------------------------------------------------

TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"}
NULLABLE_TIMESTAMP = {"anyOf": [TIMESTAMP, {"type": "null"}]}
COMPONENT_STATUS = {
    "enum": [
        "operational",
        "degraded_performance",
        "partial_outage",
        "major_outage",
        "under_maintenance",
    ]
}
STRING = {"type": "string", "minLength": 1}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }


PAGE = _object(
    {
        "id": STRING,
        "name": STRING,
        "url": {"type": ["string", "null"]},
        "time_zone": STRING,
        "updated_at": TIMESTAMP,
    }
)
STATUS = _object(
    {
        "indicator": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
        "description": {
            "enum": [
                "All Systems Operational",
                "Partially Degraded Service",
                "Minor Service Outage",
                "Partial System Outage",
                "Major System Outage",
                "Service Under Maintenance",
            ]
        },
    }
)
_COMPONENT_FIELDS = {
    "id": STRING,
    "name": STRING,
    "status": COMPONENT_STATUS,
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "position": {"type": "integer", "minimum": 1},
    "description": {"type": ["string", "null"]},
    "showcase": {"type": "boolean"},
    "start_date": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
    "group_id": {"type": ["string", "null"]},
    "page_id": STRING,
    "group": {"type": "boolean"},
    "only_show_if_degraded": {"type": "boolean"},
}
COMPONENT = {
    "oneOf": [
        _object(_COMPONENT_FIELDS | {"group": {"const": False}}),
        _object(
            _COMPONENT_FIELDS
            | {
                "group": {"const": True},
                "group_id": {"type": "null"},
                "components": {"type": "array", "items": STRING, "minItems": 1},
            }
        ),
    ]
}
AFFECTED = _object(
    {"code": STRING, "name": STRING, "old_status": COMPONENT_STATUS, "new_status": COMPONENT_STATUS}
)


def _update(statuses: list[str]) -> dict[str, Any]:
    return _object(
        {
            "id": STRING,
            "status": {"enum": statuses},
            "body": {"type": "string"},
            "incident_id": STRING,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "display_at": TIMESTAMP,
            "affected_components": {
                "anyOf": [{"type": "null"}, {"type": "array", "items": AFFECTED, "minItems": 1}]
            },
            "deliver_notifications": {"type": "boolean"},
            "custom_tweet": {"type": ["string", "null"]},
            "tweet_id": {"type": ["string", "null"]},
        }
    )


_INCIDENT_FIELDS = {
    "id": STRING,
    "name": STRING,
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "monitoring_at": NULLABLE_TIMESTAMP,
    "resolved_at": NULLABLE_TIMESTAMP,
    "shortlink": {"type": ["string", "null"]},
    "started_at": TIMESTAMP,
    "page_id": STRING,
    "components": {"type": "array", "items": COMPONENT},
}
INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"]
MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"]
INCIDENT = _object(
    _INCIDENT_FIELDS
    | {
        "status": {"enum": INCIDENT_STATUSES},
        "impact": {"enum": ["none", "minor", "major", "critical"]},
        "incident_updates": {"type": "array", "items": _update(INCIDENT_STATUSES[:4])},
        "postmortem_body": {"type": ["string", "null"]},
        "postmortem_published_at": NULLABLE_TIMESTAMP,
    }
)
MAINTENANCE = _object(
    _INCIDENT_FIELDS
    | {
        "status": {"enum": MAINTENANCE_STATUSES},
        "impact": {"const": "maintenance"},
        "incident_updates": {"type": "array", "items": _update(MAINTENANCE_STATUSES)},
        "scheduled_for": TIMESTAMP,
        "scheduled_until": TIMESTAMP,
    }
)


def _list(key: str, item: dict[str, Any], limit: int | None = None) -> dict[str, Any]:
    items: dict[str, Any] = {"type": "array", "items": item}
    if limit is not None:
        items["maxItems"] = limit
    return _object({"page": PAGE, key: items})


SCHEMAS: dict[str, dict[str, Any]] = {
    "summary.json": _object(
        {
            "page": PAGE,
            "components": {"type": "array", "items": COMPONENT},
            "incidents": {"type": "array", "items": INCIDENT},
            "scheduled_maintenances": {"type": "array", "items": MAINTENANCE},
            "status": STATUS,
        }
    ),
    "status.json": _object({"page": PAGE, "status": STATUS}),
    "components.json": _list("components", COMPONENT),
    "incidents.json": _list("incidents", INCIDENT, LIST_LIMIT),
    "incidents/unresolved.json": _list("incidents", INCIDENT),
    "scheduled-maintenances.json": _list("scheduled_maintenances", MAINTENANCE, LIST_LIMIT),
    "scheduled-maintenances/upcoming.json": _list("scheduled_maintenances", MAINTENANCE),
    "scheduled-maintenances/active.json": _list("scheduled_maintenances", MAINTENANCE),
}
SINGLE = _object({"page": PAGE, "incident": {"oneOf": [INCIDENT, MAINTENANCE]}})


def check_shapes(out: Path) -> dict[str, Any]:
    """Validate every document under api/v2; return them parsed, by path."""
    root = out / "api/v2"
    documents = {
        path.relative_to(root).as_posix(): json.loads(path.read_bytes())
        for path in sorted(root.rglob("*.json"))
    }
    assert set(DOCUMENTS) <= set(documents)
    for name, document in documents.items():
        schema = SCHEMAS.get(name, SINGLE)
        errors = sorted(Draft202012Validator(schema).iter_errors(document), key=str)
        assert not errors, f"{name}: {errors[0].message} at {list(errors[0].absolute_path)}"
    for name, document in documents.items():
        if name not in SCHEMAS:
            assert name == f"incidents/{document['incident']['id']}.json"
    pages = {json.dumps(document["page"], sort_keys=True) for document in documents.values()}
    assert len(pages) == 1, "every document carries the same page object"
    for document in documents.values():
        for item in [*document.get("incidents", []), *document.get("scheduled_maintenances", [])]:
            _check_update_order(item)
    return documents


def _check_update_order(item: dict[str, Any]) -> None:
    times = [update["created_at"] for update in item["incident_updates"]]
    assert times == sorted(times, reverse=True), f"{item['id']}: updates are not newest first"
    assert all(update["incident_id"] == item["id"] for update in item["incident_updates"])


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


# --- the example records ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    demo = demo_project(tmp_path_factory.mktemp("demo"))
    return build_ok(demo, tmp_path_factory.mktemp("site"), DEMO_NOW)


@pytest.fixture(scope="module")
def api(site) -> dict[str, Any]:
    return check_shapes(site)


def test_every_document_has_the_documented_shape_and_one_file_per_record(api):
    _, incidents = demo_records()
    published = {i.id for i in incidents if i.id != "2026-11-14-search-reindex"}
    singles = {name for name in api if name not in SCHEMAS}
    assert singles == {f"incidents/{record_id}.json" for record_id in published}


def test_status_is_the_roll_up_with_statuspages_description(api):
    assert api["status.json"]["status"] == {
        "indicator": "major",
        "description": "Partial System Outage",
    }
    assert api["summary.json"]["status"] == api["status.json"]["status"]
    page = api["status.json"]["page"]
    assert page["name"] == "Lumen Cloud Status"
    assert page["url"] == "https://status.lumen.example"
    assert page["updated_at"] == "2026-11-21T05:05:00.000Z"  # the latest update, not the build
    assert len(page["id"]) == 12 and page["id"].isalnum()


def test_components_follow_the_catalog_with_group_components(api):
    catalog, _ = demo_records()
    components = api["components.json"]["components"]
    assert components == api["summary.json"]["components"]
    listed = by_id(components)
    plain = [c["id"] for c in components if not c["group"]]
    assert plain == list(catalog.component_ids)
    statuses = {c["id"]: c["status"] for c in components if not c["group"]}
    assert statuses["api"] == "partial_outage"
    assert statuses["webhooks"] == "degraded_performance"
    assert {statuses[c] for c in statuses if c not in ("api", "webhooks")} == {"operational"}
    groups = [c for c in components if c["group"]]
    assert [g["name"] for g in groups] == ["Core platform", "Data", "Delivery"]
    for group in groups:
        children = [listed[child] for child in group["components"]]
        assert all(child["group_id"] == group["id"] for child in children)
        assert [child["position"] for child in children] == list(range(1, len(children) + 1))
        # Each group comes right before its components.
        start = components.index(group)
        assert components[start + 1 : start + 1 + len(children)] == children
    assert listed["group.core"]["status"] == "partial_outage"
    assert listed["group.delivery"]["status"] == "degraded_performance"
    assert listed["group.data"]["status"] == "operational"
    assert listed["api"]["updated_at"] == "2026-11-21T04:02:00.000Z"
    assert listed["search"]["start_date"] == "2026-06-01"


def test_incidents_are_the_records_newest_first_with_their_state_now(api):
    _, incidents = demo_records()
    expected = sorted(
        (i for i in incidents if not i.is_maintenance),
        key=lambda i: i.started,
        reverse=True,
    )
    listed = api["incidents.json"]["incidents"]
    assert [item["id"] for item in listed] == [i.id for i in expected]
    for record, item in zip(expected, listed, strict=True):
        assert item["name"] == record.title
        assert item["impact"] == record.impact.value
        assert len(item["incident_updates"]) == len(record.updates)
        assert item["shortlink"] == f"https://status.lumen.example/incidents/{record.id}/"
    items = by_id(listed)
    ongoing = items["2026-11-21-api-elevated-error-rates"]
    assert ongoing["status"] == "identified"
    assert ongoing["resolved_at"] is None
    assert ongoing["started_at"] == "2026-11-21T03:12:00.000Z"
    assert ongoing["created_at"] == "2026-11-21T03:21:00.000Z"
    assert [c["id"] for c in ongoing["components"]] == ["api", "webhooks"]
    eu = items["2026-09-02-eu-region-outage"]
    assert eu["status"] == "postmortem"
    assert eu["monitoring_at"] == "2026-09-02T15:40:00.000Z"
    assert eu["resolved_at"] == "2026-09-02T16:31:00.000Z"
    assert eu["postmortem_published_at"] == "2026-09-08T10:00:00.000Z"
    assert eu["postmortem_body"]
    dashboard = items["2026-02-11-dashboard-slow-page-loads"]
    assert dashboard["status"] == "resolved" and dashboard["postmortem_body"] is None


def test_unresolved_and_summary_hold_only_the_ongoing_incident(api):
    unresolved = api["incidents/unresolved.json"]["incidents"]
    assert [i["id"] for i in unresolved] == ["2026-11-21-api-elevated-error-rates"]
    assert api["summary.json"]["incidents"] == unresolved


def test_updates_are_newest_first_with_the_component_changes_they_made(api):
    updates = api["incidents/2026-09-02-eu-region-outage.json"]["incident"]["incident_updates"]
    assert [u["status"] for u in updates] == [
        "resolved",
        "monitoring",
        "identified",
        "investigating",
    ]
    assert [u["id"] for u in updates] == [f"2026-09-02-eu-region-outage-u{n}" for n in (4, 3, 2, 1)]

    def changes(update):
        return {
            a["code"]: (a["old_status"], a["new_status"]) for a in update["affected_components"]
        }

    assert changes(updates[3]) == {
        "api": ("operational", "major_outage"),
        "dashboard": ("operational", "major_outage"),
        "webhooks": ("operational", "partial_outage"),
    }
    assert changes(updates[2]) == {
        "api": ("major_outage", "partial_outage"),
        "dashboard": ("major_outage", "degraded_performance"),
    }
    assert changes(updates[1]) == {
        "api": ("partial_outage", "operational"),
        "dashboard": ("degraded_performance", "operational"),
        "webhooks": ("partial_outage", "degraded_performance"),
    }
    # Resolving returns what is still impaired to operational.
    assert changes(updates[0]) == {"webhooks": ("degraded_performance", "operational")}
    assert updates[0]["affected_components"][0]["name"] == "Webhooks"
    assert "All failed webhook deliveries have been replayed." in updates[0]["body"]
    # A plain progress note reports the lifecycle status in force.
    ongoing = api["incidents/2026-11-21-api-elevated-error-rates.json"]["incident"]
    assert ongoing["incident_updates"][0]["status"] == "identified"
    assert ongoing["incident_updates"][0]["affected_components"] is None


def test_maintenance_lists_skip_cancelled_windows(api):
    listed = api["scheduled-maintenances.json"]["scheduled_maintenances"]
    assert [m["id"] for m in listed] == [
        "2026-12-03-database-major-version-upgrade",
        "2026-10-20-cdn-certificate-rotation",
    ]
    upcoming = api["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]
    assert [m["id"] for m in upcoming] == ["2026-12-03-database-major-version-upgrade"]
    assert upcoming[0]["scheduled_for"] == "2026-12-03T02:00:00.000Z"
    assert upcoming[0]["scheduled_until"] == "2026-12-03T04:00:00.000Z"
    assert api["scheduled-maintenances/active.json"]["scheduled_maintenances"] == []
    assert api["summary.json"]["scheduled_maintenances"] == upcoming
    done = by_id(listed)["2026-10-20-cdn-certificate-rotation"]
    assert done["status"] == "completed"
    assert done["resolved_at"] == "2026-10-20T01:41:00.000Z"
    assert "search-reindex" not in json.dumps(api)


def test_existing_statuspage_tools_read_the_documents(site):
    """statusbook's own Statuspage importer, written from real Statuspage responses."""
    _, incidents = demo_records()
    api = site / "api/v2"
    drafts, notes = read_statuspage([api / "incidents.json", api / "scheduled-maintenances.json"])
    # Postmortem text lives in the body; an upcoming window has changed no component yet
    # (the truth at `now`), so the importer infers its components from the list.
    upcoming = "PostgreSQL 18 upgrade for managed databases in eu-west"
    assert all(
        "postmortem" in note or (upcoming in note and "under_maintenance (inferred)" in note)
        for note in notes
    ), notes
    records = {i.id: i for i in incidents}
    assert len(drafts) == 12
    for draft in drafts:
        record = records[draft.key]
        assert draft.title == record.title
        assert [u.at for u in draft.updates] == [u.at for u in record.updates]
        if not record.is_maintenance:
            assert draft.started == record.started
            assert draft.resolved == record.resolved


# --- hand-written projects -------------------------------------------------------------------


@pytest.fixture(scope="module")
def windows(tmp_path_factory) -> tuple[Path, datetime]:
    """One window in each state, at an instant inside two of them."""
    project = new_project(tmp_path_factory.mktemp("windows"))
    now = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)
    day = datetime(2026, 11, 21, tzinfo=UTC)
    project.write(record_name(day, "running"), maintenance_text(day.replace(hour=2), "Running"))
    verifying = """\
        - at: 2026-11-21T02:20:00Z
          status: verifying
          message: Checking the results.
        """
    project.write(
        record_name(day, "verifying"),
        maintenance_text(
            day.replace(hour=2), "Verifying", component="api", extra_updates=verifying
        ),
    )
    later = datetime(2026, 11, 28, 2, tzinfo=UTC)
    project.write(record_name(later, "later"), maintenance_text(later, "Later"))
    project.write(
        record_name(later, "called-off"), maintenance_text(later, "Called off", state="cancelled")
    )
    past = datetime(2026, 11, 1, 2, tzinfo=UTC)
    project.write(record_name(past, "past"), maintenance_text(past, "Past"))
    return build_ok(project.root, project.root / "out", now), now


def test_upcoming_and_active_follow_the_windows_at_build_time(windows):
    out, _ = windows
    api = check_shapes(out)

    def ids(name):
        return [m["name"] for m in api[name]["scheduled_maintenances"]]

    assert ids("scheduled-maintenances.json") == ["Later", "Verifying", "Running", "Past"]
    assert ids("scheduled-maintenances/upcoming.json") == ["Later"]
    assert ids("scheduled-maintenances/active.json") == ["Running", "Verifying"]
    assert ids("summary.json") == ["Running", "Verifying", "Later"]
    statuses = {
        m["name"]: m["status"] for m in api["scheduled-maintenances.json"]["scheduled_maintenances"]
    }
    assert statuses == {
        "Later": "scheduled",
        "Running": "in_progress",
        "Verifying": "verifying",
        "Past": "completed",
    }
    assert api["status.json"]["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    components = by_id(api["components.json"]["components"])
    assert components["database"]["status"] == "under_maintenance"
    assert components["database"]["updated_at"] == "2026-11-21T02:00:00.000Z"


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """More than 50 incidents and 50 windows, and an old incident still open."""
    project = new_project(tmp_path_factory.mktemp("many"))
    first = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(LIST_LIMIT + 8):
        day = first + timedelta(days=n)
        project.write(record_name(day, f"slow-{n}"), incident_text(day, f"Slow {n}"))
        start = (first + timedelta(days=n)).replace(hour=2)
        project.write(record_name(start, f"window-{n}"), maintenance_text(start, f"Window {n}"))
    old = datetime(2026, 5, 20, tzinfo=UTC)
    project.write(record_name(old, "still-open"), incident_text(old, "Still open", resolved=False))
    return build_ok(project.root, project.root / "out", NOW)


def test_lists_stop_at_fifty_newest_and_each_listed_record_has_its_document(many):
    api = check_shapes(many)
    incidents = [i["name"] for i in api["incidents.json"]["incidents"]]
    assert incidents == [f"Slow {n}" for n in reversed(range(8, LIST_LIMIT + 8))]
    windows = [m["name"] for m in api["scheduled-maintenances.json"]["scheduled_maintenances"]]
    assert windows == [f"Window {n}" for n in reversed(range(8, LIST_LIMIT + 8))]
    # Unresolved incidents are listed however old they are.
    assert [i["name"] for i in api["incidents/unresolved.json"]["incidents"]] == ["Still open"]
    singles = {name for name in api if name not in SCHEMAS}
    listed = [
        *api["incidents.json"]["incidents"],
        *api["incidents/unresolved.json"]["incidents"],
        *api["scheduled-maintenances.json"]["scheduled_maintenances"],
    ]
    # One document per listed record (2 × 50 + the old open one), not per record ever.
    assert singles == {f"incidents/{item['id']}.json" for item in listed}
    assert len(singles) == 2 * LIST_LIMIT + 1


def test_ids_stay_when_a_record_gains_an_update(project, tmp_path):
    install_site_files(project.root)
    day = datetime(2026, 11, 20, tzinfo=UTC)
    name = record_name(day, "slow")
    project.write(name, incident_text(day, resolved=False))
    before = check_shapes(build_ok(project.root, tmp_path / "a", NOW))
    later = """\
        - at: 2026-11-20T10:40:00Z
          status: monitoring
          message: A fix is out.
          components:
            api: operational
        """
    project.write(name, incident_text(day, resolved=False, extra_updates=later))
    after = check_shapes(build_ok(project.root, tmp_path / "b", NOW))
    old = before["incidents/2026-11-20-slow.json"]["incident"]
    new = after["incidents/2026-11-20-slow.json"]["incident"]
    assert old["id"] == new["id"] == "2026-11-20-slow"
    assert new["incident_updates"][1:] == old["incident_updates"]
    assert new["incident_updates"][0]["id"] == "2026-11-20-slow-u2"
    assert new["incident_updates"][0]["affected_components"] == [
        {
            "code": "api",
            "name": "API",
            "old_status": "degraded_performance",
            "new_status": "operational",
        }
    ]
    assert (new["status"], new["monitoring_at"]) == ("monitoring", "2026-11-20T10:40:00.000Z")
    assert new["updated_at"] == "2026-11-20T10:40:00.000Z"
    assert before["status.json"]["page"]["id"] == after["status.json"]["page"]["id"]


def test_hostile_record_text_reaches_the_api_without_markup(tmp_path):
    project = new_project(tmp_path / "repo")
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "hostile"), hostile_incident(day))
    out = build_ok(project.root, tmp_path / "out", NOW)
    api = check_shapes(out)
    for path in (out / "api/v2").rglob("*.json"):
        assert b"<" not in path.read_bytes(), path
    strings = list(_strings(api))
    assert not [s for s in strings if EXECUTABLE.search(s)]
    item = api["incidents/2026-11-20-hostile.json"]["incident"]
    body = item["incident_updates"][1]["body"]
    for word in HOSTILE_WORDS:
        assert word in body
    assert item["incident_updates"][0]["body"] == "Fixed now."
    assert item["postmortem_body"] == "A summary\n\ncause"


def test_markup_characters_in_a_title_stay_text(project, tmp_path):
    install_site_files(project.root)
    day = datetime(2026, 11, 20, tzinfo=UTC)
    project.write(record_name(day, "title"), incident_text(day, "'Errors in <Widget> & co'"))
    out = build_ok(project.root, tmp_path / "out", NOW)
    raw = (out / "api/v2/incidents.json").read_bytes()
    assert b"Errors in \\u003cWidget\\u003e \\u0026 co" in raw
    assert json.loads(raw)["incidents"][0]["name"] == "Errors in <Widget> & co"


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_two_builds_write_byte_identical_feeds_calendars_api_and_badges(site, tmp_path):
    again = build_ok(demo_project(tmp_path / "demo"), tmp_path / "again", DEMO_NOW)
    published = [
        *site.rglob("*.json"),
        *site.rglob("*.rss"),
        *site.rglob("*.atom"),
        *site.rglob("*.ics"),
        *site.rglob("badge.svg"),
    ]
    assert len(published) > 60
    for path in published:
        assert path.read_bytes() == (again / path.relative_to(site)).read_bytes(), path
