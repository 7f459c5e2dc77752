"""The editing core: every operation plans a validated change; only ``write`` touches disk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from statusbook import edit
from statusbook.load.catalog import load_catalog
from statusbook.model import (
    ActionStatus,
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    Kind,
    UpdateStatus,
)

from .conftest import NOW, Project

OPEN = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-20T14:00:00Z
components:
  api: major_outage
  dashboard: degraded_performance
updates:
  - at: 2026-11-20T14:05:00Z
    status: investigating
    message: We are looking into it.
  - at: 2026-11-20T14:30:00Z
    status: identified
    message: A bad deploy.
    components:
      dashboard: operational
---
Narrative that must survive.
"""

MAINTENANCE = """\
---
title: Database upgrade
kind: maintenance
scheduled_start: 2026-11-21T10:00:00Z
scheduled_end: 2026-11-21T14:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-11-19T09:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def catalog(project: Project) -> Catalog:
    return load_catalog(project.catalog_path)


@pytest.fixture
def open_incident(project: Project) -> Path:
    return project.write("2026-11-20-api-errors.md", OPEN)


@pytest.fixture
def window(project: Project) -> Path:
    return project.write("2026-11-21-database-upgrade.md", MAINTENANCE)


def added_lines(change: edit.FileChange) -> list[str]:
    return [
        line[1:]
        for line in change.diff().splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]


def removed_lines(change: edit.FileChange) -> list[str]:
    return [
        line[1:]
        for line in change.diff().splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]


# --- creating -------------------------------------------------------------------------------


def test_new_incident_is_named_after_its_utc_start_day_and_title(catalog: Catalog) -> None:
    change = edit.new_incident(
        catalog,
        title="Élevated API errors: EU",
        kind=Kind.OUTAGE,
        impact=Impact.MAJOR,
        components={"api": ComponentStatus.MAJOR_OUTAGE},
        message="We are investigating.",
        at=at("2026-11-20T23:30:00"),
        now=NOW,
    )
    assert change.path == catalog.records_dir / "2026" / "2026-11-20-elevated-api-errors-eu.md"
    assert change.is_new and not change.path.exists()
    assert change.incident.id == "2026-11-20-elevated-api-errors-eu"
    assert change.after.decode() == (
        "---\n"
        "title: 'Élevated API errors: EU'\n"
        "kind: outage\n"
        "impact: major\n"
        "started: 2026-11-20T23:30:00Z\n"
        "components:\n"
        "  api: major_outage\n"
        "updates:\n"
        "  - at: 2026-11-20T23:30:00Z\n"
        "    status: investigating\n"
        "    message: We are investigating.\n"
        "---\n"
    )
    edit.write(change)
    assert change.path.read_bytes() == change.after


def test_new_record_id_never_collides_with_an_existing_one(
    project: Project, catalog: Catalog
) -> None:
    project.write("2026-11-20-api-errors.md", OPEN)
    change = edit.new_incident(
        catalog,
        title="API errors",
        kind=Kind.OUTAGE,
        impact=Impact.MINOR,
        components={"api": ComponentStatus.DEGRADED_PERFORMANCE},
        message="Again.",
        at=at("2026-11-20T18:00:00"),
        now=NOW,
    )
    assert change.path.name == "2026-11-20-api-errors-2.md"


def test_new_incident_keeps_multiline_messages_as_literal_blocks(catalog: Catalog) -> None:
    message = "First line: with a colon # and a hash.\n\n  Indented second paragraph."
    change = edit.new_incident(
        catalog,
        title="No",
        kind=Kind.BUG,
        impact=Impact.MINOR,
        components={"dashboard": ComponentStatus.DEGRADED_PERFORMANCE},
        message=message,
        at=at("2026-11-21T09:00:00"),
        now=NOW,
    )
    assert change.incident.updates[0].message.rstrip("\n") == message
    # 'No' would read as a boolean in YAML 1.1, so it must be quoted.
    assert change.incident.title == "No"
    assert "message: |" in change.after.decode()


def test_new_incident_with_an_unknown_component_is_refused_with_the_validator_message(
    catalog: Catalog,
) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.new_incident(
            catalog,
            title="Typo",
            kind=Kind.OUTAGE,
            impact=Impact.MAJOR,
            components={"apii": ComponentStatus.MAJOR_OUTAGE},
            message="Broken.",
            at=at("2026-11-21T09:00:00"),
            now=NOW,
        )
    assert [problem.code for problem in refused.value.problems] == ["SB301"]
    assert "did you mean 'api'" in refused.value.problems[0].fix
    assert not list(catalog.records_dir.rglob("*.md"))


def test_new_incident_in_the_future_is_refused(catalog: Catalog) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.new_incident(
            catalog,
            title="Too early",
            kind=Kind.OUTAGE,
            impact=Impact.MAJOR,
            components={"api": ComponentStatus.MAJOR_OUTAGE},
            message="Broken.",
            at=at("2026-11-22T09:00:00"),
            now=NOW,
        )
    assert {problem.code for problem in refused.value.problems} == {"SB203"}


def test_new_maintenance_is_named_after_its_scheduled_start(catalog: Catalog) -> None:
    change = edit.new_maintenance(
        catalog,
        title="Database upgrade",
        scheduled_start=at("2026-12-03T02:00:00"),
        scheduled_end=at("2026-12-03T04:00:00"),
        components={"database": ComponentStatus.UNDER_MAINTENANCE},
        message="We will upgrade the database.",
        at=NOW,
        now=NOW,
    )
    assert change.path.name == "2026-12-03-database-upgrade.md"
    assert change.incident.maintenance is not None
    assert change.incident.updates[0].status is UpdateStatus.SCHEDULED


def test_slugify_keeps_ascii_words_and_never_returns_nothing() -> None:
    assert edit.slugify("  API: 5xx errors — São Paulo!  ") == "api-5xx-errors-sao-paulo"
    assert edit.slugify("障害") == "incident"
    assert len(edit.slugify("word " * 40)) <= 60


# --- finding --------------------------------------------------------------------------------


def test_a_record_is_found_by_id_by_slug_or_by_path(catalog: Catalog, open_incident: Path) -> None:
    assert edit.find_record(catalog, "2026-11-20-api-errors") == open_incident
    assert edit.find_record(catalog, "api-errors") == open_incident
    assert edit.find_record(catalog, str(open_incident)) == open_incident


def test_an_ambiguous_or_unknown_id_is_refused_with_candidates(
    project: Project, catalog: Catalog, open_incident: Path
) -> None:
    project.write("2026-11-19-api-errors.md", OPEN.replace("2026-11-20", "2026-11-19"))
    with pytest.raises(edit.RecordNotFound, match="matches several records"):
        edit.find_record(catalog, "api-errors")
    with pytest.raises(edit.RecordNotFound, match="did you mean 2026-11-20-api-errors"):
        edit.find_record(catalog, "2026-11-20-api-eror")


# --- updating -------------------------------------------------------------------------------


def test_add_update_appends_only_the_new_update(catalog: Catalog, open_incident: Path) -> None:
    change = edit.add_update(
        catalog,
        "api-errors",
        status=UpdateStatus.MONITORING,
        message="A fix is deployed.",
        at=at("2026-11-20T15:00:00"),
        now=NOW,
        author="Dana",
        components={"api": ComponentStatus.DEGRADED_PERFORMANCE},
    )
    assert removed_lines(change) == []
    assert added_lines(change) == [
        "  - at: 2026-11-20T15:00:00Z",
        "    status: monitoring",
        "    author: Dana",
        "    message: A fix is deployed.",
        "    components:",
        "      api: degraded_performance",
    ]
    assert open_incident.read_text() == OPEN, "planning must not write"
    edit.write(change)
    assert open_incident.read_bytes() == change.after
    assert open_incident.read_text().endswith("---\nNarrative that must survive.\n")


def test_an_update_cannot_resolve_an_incident_by_itself(
    catalog: Catalog, open_incident: Path
) -> None:
    with pytest.raises(edit.EditError, match="resolve the incident instead"):
        edit.add_update(
            catalog,
            "api-errors",
            status=UpdateStatus.RESOLVED,
            message="Done.",
            at=at("2026-11-20T15:00:00"),
            now=NOW,
        )


def test_an_update_that_breaks_the_record_is_refused_and_nothing_is_written(
    catalog: Catalog, open_incident: Path
) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.add_update(
            catalog,
            "api-errors",
            status=UpdateStatus.UPDATE,
            message="Posted before the previous update.",
            at=at("2026-11-20T14:10:00"),
            now=NOW,
        )
    assert [problem.code for problem in refused.value.problems] == ["SB204"]
    assert open_incident.read_text() == OPEN


def test_an_empty_message_is_refused(catalog: Catalog, open_incident: Path) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.add_update(
            catalog,
            "api-errors",
            status=UpdateStatus.UPDATE,
            message="   ",
            at=at("2026-11-20T15:00:00"),
            now=NOW,
        )
    assert [problem.code for problem in refused.value.problems] == ["SB102"]


def test_resolve_sets_the_time_and_brings_impaired_components_back(
    catalog: Catalog, open_incident: Path
) -> None:
    change = edit.resolve(
        catalog, "api-errors", message="All good.", at=at("2026-11-20T16:00:00"), now=NOW
    )
    assert removed_lines(change) == []
    assert added_lines(change) == [
        "resolved: 2026-11-20T16:00:00Z",
        "  - at: 2026-11-20T16:00:00Z",
        "    status: resolved",
        "    message: All good.",
        "    components:",
        "      api: operational",
    ]
    assert change.after.decode().index("resolved:") > change.after.decode().index("started:")
    assert change.incident.resolved == at("2026-11-20T16:00:00")


def test_resolving_twice_is_refused(catalog: Catalog, open_incident: Path) -> None:
    edit.write(
        edit.resolve(catalog, "api-errors", message="Done.", at=at("2026-11-20T16:00"), now=NOW)
    )
    with pytest.raises(edit.EditError, match="already resolved"):
        edit.resolve(catalog, "api-errors", message="Again.", at=at("2026-11-20T17:00"), now=NOW)


def test_resolving_before_the_last_update_is_refused(catalog: Catalog, open_incident: Path) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.resolve(catalog, "api-errors", message="Done.", at=at("2026-11-20T14:20"), now=NOW)
    assert "SB204" in {problem.code for problem in refused.value.problems}


# --- maintenance ----------------------------------------------------------------------------


def test_maintenance_start_then_complete(catalog: Catalog, window: Path) -> None:
    started = edit.start_maintenance(
        catalog, "database-upgrade", message="Started.", at=at("2026-11-21T10:02"), now=NOW
    )
    assert added_lines(started) == [
        "started: 2026-11-21T10:02:00Z",
        "  - at: 2026-11-21T10:02:00Z",
        "    status: in_progress",
        "    message: Started.",
    ]
    edit.write(started)
    completed = edit.complete_maintenance(
        catalog, "database-upgrade", message="Done.", at=at("2026-11-21T11:30"), now=NOW
    )
    assert added_lines(completed)[0] == "completed: 2026-11-21T11:30:00Z"
    edit.write(completed)
    assert completed.incident.maintenance is not None
    assert completed.incident.maintenance.completed == at("2026-11-21T11:30")
    with pytest.raises(edit.EditError, match="already completed"):
        edit.complete_maintenance(catalog, "database-upgrade", message="x", at=NOW, now=NOW)


def test_maintenance_cancel_sets_the_state(catalog: Catalog, window: Path) -> None:
    change = edit.cancel_maintenance(
        catalog, "database-upgrade", message="Not needed.", at=at("2026-11-20T09:00"), now=NOW
    )
    assert "state: cancelled" in added_lines(change)
    assert change.incident.maintenance is not None
    assert change.incident.maintenance.state_at(NOW).value == "cancelled"


def test_a_started_maintenance_cannot_be_cancelled(catalog: Catalog, window: Path) -> None:
    edit.write(edit.start_maintenance(catalog, "database-upgrade", message="Go.", at=NOW, now=NOW))
    with pytest.raises(edit.EditError, match="complete it instead"):
        edit.cancel_maintenance(catalog, "database-upgrade", message="No.", at=NOW, now=NOW)


def test_maintenance_steps_refuse_incidents(catalog: Catalog, open_incident: Path) -> None:
    with pytest.raises(edit.EditError, match="no maintenance record, only the incident"):
        edit.start_maintenance(catalog, "api-errors", message="Go.", at=NOW, now=NOW)
    with pytest.raises(edit.EditError, match="not a maintenance record"):
        edit.start_maintenance(catalog, str(open_incident), message="Go.", at=NOW, now=NOW)


# --- postmortems ----------------------------------------------------------------------------


def test_postmortem_skeleton_then_action_items(catalog: Catalog, open_incident: Path) -> None:
    skeleton = edit.add_postmortem(catalog, "api-errors", now=NOW, root_cause="A bad deploy.")
    assert skeleton.incident.postmortem is not None
    assert skeleton.incident.postmortem.summary == edit.placeholders("en")[0]
    assert skeleton.incident.postmortem.root_cause == "A bad deploy."
    edit.write(skeleton)
    with pytest.raises(edit.EditError, match="already has a postmortem"):
        edit.add_postmortem(catalog, "api-errors", now=NOW)

    first = edit.add_action_item(
        catalog,
        "api-errors",
        title="Canary deploys",
        owner="Platform team",
        due=date(2026, 12, 15),
        link="https://example.com/issues/1",
        now=NOW,
    )
    assert "  action_items: []" in removed_lines(first)
    edit.write(first)
    second = edit.add_action_item(catalog, "api-errors", title="Alert on 5xx", owner="SRE", now=NOW)
    assert removed_lines(second) == []
    edit.write(second)

    closed = edit.set_action_status(catalog, "api-errors", "alert", now=NOW)
    assert removed_lines(closed) == ["      status: open"]
    assert added_lines(closed) == ["      status: done"]
    postmortem = closed.incident.postmortem
    assert postmortem is not None
    assert [(item.title, item.status) for item in postmortem.action_items] == [
        ("Canary deploys", ActionStatus.OPEN),
        ("Alert on 5xx", ActionStatus.DONE),
    ]
    assert postmortem.action_items[0].due == date(2026, 12, 15)


def test_action_items_need_a_postmortem(catalog: Catalog, open_incident: Path) -> None:
    with pytest.raises(edit.EditError, match="no postmortem"):
        edit.add_action_item(catalog, "api-errors", title="x", owner="y", now=NOW)


def test_an_action_item_is_picked_by_number_or_unique_title(
    catalog: Catalog, open_incident: Path
) -> None:
    edit.write(edit.add_postmortem(catalog, "api-errors", now=NOW))
    for title in ("Alert on errors", "Alert on latency"):
        edit.write(edit.add_action_item(catalog, "api-errors", title=title, owner="SRE", now=NOW))
    with pytest.raises(edit.EditError, match="matches action items 1, 2"):
        edit.set_action_status(catalog, "api-errors", "alert", now=NOW)
    with pytest.raises(edit.EditError, match="no action item 3"):
        edit.set_action_status(catalog, "api-errors", "3", now=NOW)
    change = edit.set_action_status(
        catalog, "api-errors", "2", now=NOW, status=ActionStatus.CANCELLED
    )
    assert added_lines(change) == ["      status: cancelled"]


# --- reviewing, conflicts, diffs -------------------------------------------------------------


def test_revise_validates_a_persons_edit(catalog: Catalog, open_incident: Path) -> None:
    change = edit.add_update(
        catalog, "api-errors", status=UpdateStatus.UPDATE, message="x", at=NOW, now=NOW
    )
    better = edit.revise(
        catalog, change, change.after.decode().replace("message: x", "message: Better."), now=NOW
    )
    assert better.incident.updates[-1].message == "Better."
    with pytest.raises(edit.EditRefused):
        edit.revise(
            catalog, change, change.after.decode().replace("kind: outage", "kind: oops"), now=NOW
        )


def test_write_refuses_when_the_file_changed_since_it_was_read(
    catalog: Catalog, open_incident: Path
) -> None:
    change = edit.add_update(
        catalog, "api-errors", status=UpdateStatus.UPDATE, message="x", at=NOW, now=NOW
    )
    someone_else = OPEN.replace("A bad deploy.", "A bad deploy, said someone else.")
    open_incident.write_text(someone_else)
    with pytest.raises(edit.ConflictError):
        edit.write(change)
    assert open_incident.read_text() == someone_else


def test_creating_over_a_file_that_appeared_meanwhile_is_refused(catalog: Catalog) -> None:
    change = edit.new_incident(
        catalog,
        title="Race",
        kind=Kind.OUTAGE,
        impact=Impact.MINOR,
        components={"api": ComponentStatus.DEGRADED_PERFORMANCE},
        message="x",
        at=NOW,
        now=NOW,
    )
    change.path.parent.mkdir(parents=True)
    change.path.write_text("theirs")
    with pytest.raises(edit.ConflictError):
        edit.write(change)
    assert change.path.read_text() == "theirs"
    assert [p.name for p in change.path.parent.iterdir()] == [change.path.name]


def test_diff_of_a_new_record_is_against_dev_null(catalog: Catalog) -> None:
    change = edit.new_incident(
        catalog,
        title="Diff",
        kind=Kind.OUTAGE,
        impact=Impact.MINOR,
        components={"api": ComponentStatus.DEGRADED_PERFORMANCE},
        message="x",
        at=NOW,
        now=NOW,
    )
    diff = change.diff()
    assert diff.startswith("--- /dev/null\n+++ b/incidents/2026/2026-11-21-diff.md\n")


def test_an_invalid_yaml_record_is_refused_with_its_problems(
    project: Project, catalog: Catalog
) -> None:
    project.write("2026-11-20-broken.md", "---\ntitle: [unclosed\n---\n")
    with pytest.raises(edit.EditRefused) as refused:
        edit.add_update(catalog, "broken", status=UpdateStatus.UPDATE, message="x", at=NOW, now=NOW)
    assert "SB003" in {problem.code for problem in refused.value.problems}


# --- the catalog ----------------------------------------------------------------------------


def test_add_components_is_a_round_trip_edit_of_the_catalog(
    project: Project, catalog: Catalog
) -> None:
    original = "# Our catalog\n" + project.catalog_path.read_text().replace(
        "  - id: database", "  # storage of record\n  - id: database"
    )
    project.catalog_path.write_text(original)
    catalog = load_catalog(project.catalog_path)
    change = edit.add_components(
        catalog,
        [Component(id="search", name="Search", monitored_since=at("2026-06-01T00:00"))],
    )
    assert removed_lines(change) == []
    assert added_lines(change) == [
        "  - id: search",
        "    name: Search",
        "    monitored_since: 2026-06-01",
    ]
    assert change.catalog.component("search") is not None
    assert project.catalog_path.read_text() == original
    edit.write(change)
    assert load_catalog(project.catalog_path).component_ids[-1] == "search"
    assert not [p for p in project.root.iterdir() if p.name.startswith(".statusbook.yml")]


def test_add_components_refuses_a_duplicate_id(catalog: Catalog) -> None:
    with pytest.raises(edit.EditRefused) as refused:
        edit.add_components(catalog, [Component(id="api", name="API again", monitored_since=NOW)])
    assert "defined twice" in refused.value.problems[0].message


def test_a_record_that_already_has_errors_says_so(project: Project, catalog: Catalog) -> None:
    project.write("2026-11-20-typo.md", OPEN.replace("api: major_outage", "apii: major_outage"))
    with pytest.raises(edit.EditRefused, match="already has errors; fix them first") as refused:
        edit.add_update(catalog, "typo", status=UpdateStatus.UPDATE, message="x", at=NOW, now=NOW)
    assert "SB301" in {problem.code for problem in refused.value.problems}
