"""``statusbook import statuspage`` on hand-written fixtures shaped like Statuspage's API v2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusbook.cli import cli
from statusbook.load.catalog import load_catalog

from .conftest import REPO_ROOT, Project

NOW = "2026-11-21T12:00:00Z"
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "statuspage"
CHECKOUT = "incidents/2026/2026-10-14-elevated-errors-on-the-checkout-api.md"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["import", "statuspage", *args, "--now", NOW])


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def imported(project: Project) -> Result:
    result = run(str(FIXTURES))
    assert result.exit_code == 0, result.output
    return result


def test_every_incident_becomes_a_valid_record(project: Project, imported: Result) -> None:
    records = sorted(p.relative_to(project.root).as_posix() for p in project.records.rglob("*.md"))
    assert records == [
        "incidents/2026/2026-08-02-sign-in-unavailable.md",
        "incidents/2026/2026-09-05-database-storage-migration.md",
        CHECKOUT,
        "incidents/2026/2026-11-20-delayed-webhook-deliveries.md",
    ]
    validation = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert validation.exit_code == 0, validation.output


def test_updates_statuses_and_component_transitions_are_carried_over(
    project: Project, imported: Result
) -> None:
    assert (project.root / CHECKOUT).read_text() == (
        "---\n"
        "title: Elevated errors on the checkout API\n"
        "kind: outage\n"
        "impact: major\n"
        "started: 2026-10-14T09:05:00Z\n"
        "resolved: 2026-10-14T11:02:31Z\n"
        "components:\n"
        "  checkout-api: major_outage\n"
        "  dashboard: degraded_performance\n"
        "updates:\n"
        "  - at: 2026-10-14T09:12:04Z\n"
        "    status: investigating\n"
        "    message: We are investigating errors when completing a purchase.\n"
        "  - at: 2026-10-14T09:48:00Z\n"
        "    status: identified\n"
        "    message: 'The issue has been identified: a lowered connection pool limit.'\n"
        "    components:\n"
        "      checkout-api: partial_outage\n"
        "  - at: 2026-10-14T10:40:00Z\n"
        "    status: monitoring\n"
        "    message: A fix has been deployed and we are monitoring the results.\n"
        "    components:\n"
        "      checkout-api: degraded_performance\n"
        "      dashboard: operational\n"
        "  - at: 2026-10-14T11:02:31Z\n"
        "    status: resolved\n"
        "    message: Error rates are back to normal. This incident has been resolved.\n"
        "    components:\n"
        "      checkout-api: operational\n"
        "x-statuspage:\n"
        "  id: p31zjtct2jer\n"
        "  shortlink: https://stspg.io/p31zjtct2jer\n"
        "  postmortem_published_at: 2026-10-20T08:00:00.000Z\n"
        "---\n"
        "## Postmortem\n"
        "\n"
        "A connection pool limit was lowered by a configuration change.\n"
        "\n"
        "We now canary every pool change.\n"
    )


def test_times_with_offsets_are_stored_in_utc(project: Project, imported: Result) -> None:
    text = (project.records / "2026" / "2026-08-02-sign-in-unavailable.md").read_text()
    assert "started: 2026-08-02T14:15:00Z\n" in text
    assert "  - at: 2026-08-02T14:20:00Z\n" in text


def test_maintenance_keeps_its_window_and_actual_times(project: Project, imported: Result) -> None:
    text = (project.records / "2026" / "2026-09-05-database-storage-migration.md").read_text()
    assert "kind: maintenance\n" in text
    assert "scheduled_start: 2026-09-05T02:00:00Z\nscheduled_end: 2026-09-05T04:00:00Z\n" in text
    assert "started: 2026-09-05T02:00:12Z\ncompleted: 2026-09-05T03:41:00Z\n" in text
    assert "components:\n  database: under_maintenance\n" in text
    assert "impact" not in text


def test_missing_components_are_added_to_the_catalog_by_name(
    project: Project, imported: Result
) -> None:
    catalog = load_catalog(project.catalog_path)
    added = {c.id: c for c in catalog.components if c.id not in ("api", "dashboard", "database")}
    assert sorted(added) == ["checkout-api", "sign-in", "webhooks"]
    assert added["checkout-api"].name == "Checkout API"
    assert added["checkout-api"].monitored_since.date().isoformat() == "2024-03-01"
    assert added["webhooks"].description == "Event delivery"
    assert "Added 3 component(s) to the catalog" in imported.output
    # Existing components are matched by name, not duplicated.
    assert [c.id for c in catalog.components].count("dashboard") == 1


def test_what_could_not_be_mapped_is_reported(imported: Result) -> None:
    output = imported.output
    assert "custom tweet not imported: 'Checkout is recovering" in output
    assert "fields not imported: affected_regions" in output
    assert "had no text; wrote 'Status: identified.'" in output
    assert "Webhooks recorded as degraded_performance (inferred)" in output
    assert "postmortem text is in the record's body" in output
    assert "resolution time 2026-08-02T15:25:00Z is before the last update" in output


def test_importing_twice_changes_nothing(project: Project, imported: Result) -> None:
    before = snapshot(project.root)
    again = run(str(FIXTURES / "incidents.json"), str(FIXTURES / "incidents"))
    assert again.exit_code == 0, again.output
    assert "Created 0 record(s)." in again.output
    assert "4 record(s) imported before and unchanged." in again.output
    assert snapshot(project.root) == before


def test_a_record_edited_since_the_import_is_left_alone(project: Project, imported: Result) -> None:
    path = project.root / CHECKOUT
    edited = path.read_text().replace("## Postmortem", "## Postmortem (edited)")
    path.write_text(edited)
    again = run(str(FIXTURES))
    assert again.exit_code == 0
    assert "differ from the source now; left as they are" in again.output
    assert path.read_text() == edited


def test_catalog_comments_survive_the_component_additions(project: Project) -> None:
    original = "# The catalog.   \n" + project.catalog_path.read_text().replace(
        "sla: 99.9\n", "sla: 99.9   # promised\n", 1
    )
    project.catalog_path.write_text(original)
    assert run(str(FIXTURES)).exit_code == 0
    text = project.catalog_path.read_text()
    assert text.startswith(original)


def test_dry_run_writes_nothing_and_shows_the_diffs(project: Project) -> None:
    before = snapshot(project.root)
    result = run(str(FIXTURES), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+++ b/statusbook.yml" in result.stdout
    assert f"+++ b/{CHECKOUT}" in result.stdout
    assert "Would create 4 record(s)." in result.stderr
    assert snapshot(project.root) == before


def test_unreadable_files_and_duplicates_are_reported(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "broken.json").write_text("{not json")
    (folder / "other.json").write_text(json.dumps({"page": {}, "components": []}))
    shutil.copy(FIXTURES / "incidents" / "x9q2m4kd7trs.json", folder / "a.json")
    shutil.copy(FIXTURES / "incidents" / "x9q2m4kd7trs.json", folder / "b.json")
    result = run(str(folder))
    assert result.exit_code == 1, "a file that could not be read fails the import"
    assert "broken.json: not readable as JSON" in result.stderr
    assert "other.json: not a Statuspage incident document" in result.output
    assert "appears more than once" in result.output
    assert "Created 1 record(s)." in result.output, "what could be read is still imported"


def test_an_incident_that_cannot_be_a_valid_record_is_refused(
    project: Project, tmp_path: Path
) -> None:
    document = json.loads((FIXTURES / "incidents" / "x9q2m4kd7trs.json").read_text())
    for update in document["incident"]["incident_updates"]:
        update["display_at"] = update["created_at"] = "2027-01-01T00:00:00Z"
    future = tmp_path / "future.json"
    future.write_text(json.dumps(document))
    result = run(str(future))
    assert result.exit_code == 1
    assert "Refused future.json: 'Sign-in unavailable'" in result.stderr
    assert "SB203" in result.stderr
    assert not list(project.records.rglob("*.md"))
    assert "sign-in" not in project.catalog_path.read_text(), "no component for a refused record"


# --- untrusted input: never a traceback, never a silent success -----------------------------


def one_incident(**changes: object) -> dict:
    document = json.loads((FIXTURES / "incidents" / "x9q2m4kd7trs.json").read_text())
    document["incident"].update(changes)
    return document


@pytest.mark.parametrize(
    "changes",
    [
        {"incident_updates": 5},
        {"components": 7},
        {"incident_updates": [{"status": "investigating", "body": 3, "display_at": 4}]},
        {"incident_updates": [{"created_at": "2026-08-02T10:00:00Z", "affected_components": 9}]},
        {"name": 404},
        {"shortlink": 12, "postmortem_body": ["nested", ["text"]], "impact": 3},
    ],
)
def test_fields_of_the_wrong_type_are_reported_not_raised(
    project: Project, tmp_path: Path, changes: dict
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(one_incident(**changes)))
    result = run(str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


def test_an_integer_id_and_name_are_read_as_text(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ints.json"
    path.write_text(json.dumps(one_incident(id=12345, name=404)))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    (record,) = project.records.rglob("*.md")
    text = record.read_text()
    assert "title: '404'" in text and "id: '12345'" in text


def test_json_nested_thousands_deep_is_unreadable_not_a_crash(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = run(str(path))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "nested too deeply" in result.stderr


def test_json_with_a_byte_order_mark_is_read(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "incidents" / "x9q2m4kd7trs.json").read_bytes())
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert "Created 1 record(s)." in result.output


def test_nothing_readable_fails_the_import(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    result = run(str(path))
    assert result.exit_code == 1
    assert "Nothing could be read" in result.stderr
    assert snapshot(project.records) == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_not_waited_on(project: Project, tmp_path: Path) -> None:
    pipe = tmp_path / "incidents.json"
    os.mkfifo(pipe)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "statusbook", "import", "statuspage", str(pipe), "--now", NOW],
            capture_output=True,
            text=True,
            cwd=project.root,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the import waited on a named pipe")
    assert completed.returncode == 1
    assert "not a regular file" in completed.stderr


def test_control_characters_never_reach_a_record(project: Project, tmp_path: Path) -> None:
    document = one_incident(name="Sign-in\x07 unavailable\nagain")
    for update in document["incident"]["incident_updates"]:
        update["body"] = "Logins\x01 fail.\n\tWe are \x1b[31mlooking\x00."
    path = tmp_path / "control.json"
    path.write_text(json.dumps(document))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert "removed control characters" in result.output
    (record,) = project.records.rglob("*.md")
    text = record.read_text()
    assert "title: Sign-in unavailable again\n" in text
    assert "\\a" not in text and "\\x01" not in text and "\\e" not in text
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0


_KEYS = [
    "id",
    "name",
    "status",
    "impact",
    "created_at",
    "resolved_at",
    "started_at",
    "incident_updates",
    "components",
    "scheduled_for",
    "scheduled_until",
    "body",
    "display_at",
    "affected_components",
    "new_status",
    "shortlink",
    "incident",
    "incidents",
    "postmortem_body",
    "description",
]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(_KEYS), children, max_size=6)
    ),
    max_leaves=25,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=_JSON)
def test_no_json_document_makes_the_import_crash(project: Project, document: object) -> None:
    path = project.root / "fuzz.json"
    path.write_text(json.dumps(document))
    result = run(str(path), "--dry-run")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
