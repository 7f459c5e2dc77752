"""Problem records are checked like incident records: every finding has a file, a line, a
column, a code and a fix — the record's own rules, and the links between problems and
incidents in both directions. Audiences and overdue action items have rules of their own."""

from __future__ import annotations

import json
import textwrap

import jsonschema
import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.load.records import read_source
from statusbook.load.schema import problem_json_schema

from .conftest import DEMO_ROOT, REPO_ROOT
from .problem_fixtures import (
    GATEWAY_INCIDENT,
    KNOWN_ERROR,
    resolved_incident,
    write_incident,
    write_problem,
)
from .samples import DATABASE_WINDOW, OPEN_INCIDENT

NOW = "2026-11-21T12:00:00Z"


def validate(*args: str, now: str = NOW) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--now", now, *args])
    return result.exit_code, json.loads(result.output)


def findings(document: dict) -> list[tuple[str, int | None, int | None, str]]:
    return [(p["file"], p["line"], p["column"], p["code"]) for p in document["problems"]]


@pytest.fixture
def repo(project):
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    write_problem(project, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    return project


def test_a_problem_record_and_its_incident_validate_clean(repo):
    code, document = validate()
    assert code == 0
    assert document["problems"] == []
    assert document["files"] == 2  # the incident and the problem record


def test_without_a_problems_folder_there_are_no_problem_records(project):
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    code, document = validate()
    assert (code, document["files"], document["problems"]) == (0, 1, [])


PROBLEM_FILE = "problems/PRB-0001-gateway-config.md"

#: (the change to the known error, the code expected, its line and column)
BROKEN = {
    "status without its time": (
        ("identified: 2026-11-02T10:00:00Z\n", ""),
        "SB806",
        (3, 9),
    ),
    "investigating but identified": (
        ("status: known_error", "status: investigating"),
        "SB806",
        (3, 9),
    ),
    "identified before opened": (
        ("identified: 2026-11-02T10:00:00Z", "identified: 2026-10-02T10:00:00Z"),
        "SB807",
        (5, 13),
    ),
    "resolved with an open item": (
        (
            "status: known_error\n",
            "status: resolved\nresolved: 2026-11-20T10:00:00Z\n",
        ),
        "SB808",
        (16, 13),
    ),
    "a known error without a workaround": (
        ("workaround: Retry with backoff.\n", ""),
        "SB810",
        (3, 9),
    ),
    "an incident that does not exist": (
        ("  - 2026-11-01-gateway-errors", "  - 2026-11-01-gateway-eror"),
        "SB804",
        (11, 5),
    ),
    "an unknown key": (
        ("summary: API", "sumary: API"),
        "SB101",
        (7, 1),
    ),
    "opened in the future": (
        ("opened: 2026-11-01T10:00:00Z", "opened: 2026-12-01T10:00:00Z"),
        "SB203",
        (4, 9),
    ),
    "an unknown component": (
        ("incidents:\n", "components: [apii]\nincidents:\n"),
        "SB301",
        (10, 14),
    ),
}


@pytest.mark.parametrize("change, code, where", BROKEN.values(), ids=BROKEN.keys())
def test_each_problem_rule_points_at_the_line_and_column(project, change, code, where):
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    old, new = change
    assert old in KNOWN_ERROR
    write_problem(project, "PRB-0001-gateway-config.md", KNOWN_ERROR.replace(old, new))
    _, document = validate()
    assert (PROBLEM_FILE, *where, code) in findings(document), document["problems"]
    [problem] = [p for p in document["problems"] if p["code"] == code]
    assert problem["fix"]


def test_an_unknown_incident_id_suggests_the_nearest(project):
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    write_problem(
        project,
        "PRB-0001-gateway-config.md",
        KNOWN_ERROR.replace("2026-11-01-gateway-errors", "2026-11-01-gateway-eror"),
    )
    _, document = validate()
    [problem] = [p for p in document["problems"] if p["code"] == "SB804"]
    assert "2026-11-01-gateway-errors" in problem["fix"]


def test_a_file_name_without_an_id_is_reported(repo):
    write_problem(
        repo,
        "gateway-config.md",
        KNOWN_ERROR.replace("incidents:\n  - 2026-11-01-gateway-errors\n", ""),
    )
    code, document = validate(str(repo.root / "problems" / "gateway-config.md"))
    assert code == 1
    assert ("problems/gateway-config.md", 2, 1, "SB801") in findings(document)


def test_two_files_with_one_id_are_reported_on_the_later_one(repo):
    write_problem(
        repo,
        "PRB-0001-zzz-again.md",
        KNOWN_ERROR.replace("incidents:\n  - 2026-11-01-gateway-errors\n", ""),
    )
    code, document = validate()
    assert code == 1
    [problem] = document["problems"]
    assert (problem["file"], problem["code"]) == ("problems/PRB-0001-zzz-again.md", "SB802")
    assert "PRB-0001-gateway-config.md" in problem["message"]


# --- links in both directions --------------------------------------------------------------


def test_an_incident_naming_an_unknown_problem_is_reported_at_its_key(project):
    write_incident(
        project,
        "2026-11-01-gateway-errors.md",
        GATEWAY_INCIDENT.replace("kind: outage\n", "kind: outage\nproblem: PRB-0009\n"),
    )
    write_problem(project, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    code, document = validate()
    assert code == 1
    assert ("incidents/2026/2026-11-01-gateway-errors.md", 4, 10, "SB803") in findings(document)


def test_an_incident_linked_to_two_problems_is_reported(repo):
    second = KNOWN_ERROR.replace("Gateway config", "Another cause")
    write_problem(repo, "PRB-0002-another.md", second)
    code, document = validate()
    assert code == 1
    assert ("problems/PRB-0002-another.md", 11, 5, "SB805") in findings(document)


def test_an_incident_naming_one_problem_and_listed_by_another_is_reported(repo):
    path = repo.records / "2026" / "2026-11-01-gateway-errors.md"
    path.write_text(GATEWAY_INCIDENT.replace("kind: outage\n", "kind: outage\nproblem: PRB-0002\n"))
    write_problem(
        repo,
        "PRB-0002-another.md",
        KNOWN_ERROR.replace("incidents:\n  - 2026-11-01-gateway-errors\n", ""),
    )
    _, document = validate()
    assert (PROBLEM_FILE, 11, 5, "SB805") in findings(document)


def test_a_maintenance_window_is_no_symptom_of_a_problem(repo):
    repo.write("2026-11-22-database-upgrade.md", DATABASE_WINDOW)
    write_problem(
        repo,
        "PRB-0001-gateway-config.md",
        KNOWN_ERROR.replace(
            "  - 2026-11-01-gateway-errors\n",
            "  - 2026-11-01-gateway-errors\n  - 2026-11-22-database-upgrade\n",
        ),
    )
    _, document = validate()
    assert (PROBLEM_FILE, 12, 5, "SB816") in findings(document)


def test_an_incident_after_the_problem_was_resolved_is_a_recurrence_on_either_side(project):
    resolved = KNOWN_ERROR.replace(
        "status: known_error\n", "status: resolved\nresolved: 2026-11-05T10:00:00Z\n"
    ).replace("    status: open\n", "    status: done\n")
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    later = resolved_incident(
        "Gateway errors again", "2026-11-10T09:00:00Z", "2026-11-10T10:00:00Z"
    )
    write_incident(
        project,
        "2026-11-10-gateway-errors-again.md",
        later.replace("kind: outage\n", "kind: outage\nproblem: PRB-0001\n"),
    )
    write_problem(project, "PRB-0001-gateway-config.md", resolved)
    code, document = validate()
    assert code == 0  # a warning: it happened, and someone should reopen the problem
    assert ("incidents/2026/2026-11-10-gateway-errors-again.md", 4, 10, "SB809") in findings(
        document
    )
    listed = resolved.replace(
        "  - 2026-11-01-gateway-errors\n",
        "  - 2026-11-01-gateway-errors\n  - 2026-11-10-gateway-errors-again\n",
    )
    write_problem(project, "PRB-0001-gateway-config.md", listed)
    _, document = validate()
    assert (PROBLEM_FILE, 13, 5, "SB809") in findings(document)


def test_validating_a_problem_alone_still_checks_its_links(repo):
    code, document = validate(str(repo.root / PROBLEM_FILE))
    assert (code, document["files"], document["problems"]) == (0, 1, [])
    write_problem(
        repo,
        "PRB-0001-gateway-config.md",
        KNOWN_ERROR.replace("2026-11-01-gateway-errors", "2026-11-01-nothing"),
    )
    code, document = validate(str(repo.root / PROBLEM_FILE))
    assert code == 1 and [f[-1] for f in findings(document)] == ["SB804"]


# --- overdue action items --------------------------------------------------------------------


def test_an_overdue_item_is_a_warning_and_an_error_with_fail_overdue(repo):
    code, document = validate(now="2026-12-03T09:00:00Z")
    assert code == 0
    [problem] = document["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == (PROBLEM_FILE, 16, 10)
    assert problem["code"] == "SB811" and "2 days overdue" in problem["message"]
    code, document = validate("--fail-overdue", now="2026-12-03T09:00:00Z")
    assert code == 1 and [p["code"] for p in document["problems"]] == ["SB812"]


def test_an_item_due_today_is_not_overdue_in_the_sites_zone(repo):
    catalog = repo.catalog_path
    catalog.write_text(
        catalog.read_text().replace(
            "  name: Test Status\n", "  name: Test Status\n  time_zone: Asia/Jakarta\n"
        )
    )
    # 1 Dec 2026 23:30 UTC is already 2 Dec in Jakarta: one day overdue there.
    _, document = validate(now="2026-12-01T23:30:00Z")
    assert [p["code"] for p in document["problems"]] == ["SB811"]
    _, document = validate(now="2026-12-01T16:30:00Z")  # 23:30 on 1 Dec in Jakarta
    assert document["problems"] == []


def test_postmortem_action_items_are_held_to_their_dates_too(project):
    text = GATEWAY_INCIDENT.replace(
        "---\n",
        "",
        2,
    )
    incident = (
        "---\n"
        + text.replace("      message: It works again.\n", "      message: It works again.\n")
        + textwrap.dedent(
            """\
        postmortem:
          summary: Errors for an hour.
          root_cause: A config push.
          action_items:
            - title: Canary config
              owner: Platform team
              due: 2026-11-15
        ---
        """
        )
    )
    write_incident(project, "2026-11-01-gateway-errors.md", incident)
    _, document = validate()
    assert [(p["code"], p["line"]) for p in document["problems"]] == [("SB811", 22)]


# --- audiences -------------------------------------------------------------------------------

INTERNAL_UPDATE = """\
  - at: 2026-11-21T09:30:00Z
    status: update
    visibility: internal
    message: Paged the database team.
"""


def test_an_internal_update_may_note_but_not_change_statuses(project):
    body = OPEN_INCIDENT[: OPEN_INCIDENT.rindex("---")]
    project.write("2026-11-21-api-errors.md", body + INTERNAL_UPDATE + "---\n")
    code, document = validate(now="2026-11-21T10:00:00Z")
    assert (code, document["problems"]) == (0, [])
    changing = INTERNAL_UPDATE + "    components:\n      api: partial_outage\n"
    project.write("2026-11-21-api-errors.md", body + changing + "---\n")
    code, document = validate()
    assert code == 1
    assert ("incidents/2026/2026-11-21-api-errors.md", 16, 5, "SB813") in findings(document)


def test_an_internal_update_may_not_close_the_record(project):
    text = OPEN_INCIDENT[: OPEN_INCIDENT.rindex("---")]
    text = text.replace("impact: major\n", "impact: major\nresolved: 2026-11-21T10:00:00Z\n")
    text += "  - at: 2026-11-21T10:00:00Z\n    status: resolved\n    visibility: internal\n    message: Fixed.\n---\n"
    project.write("2026-11-21-api-errors.md", text)
    code, document = validate()
    assert code == 1
    assert ("incidents/2026/2026-11-21-api-errors.md", 14, 13, "SB813") in findings(document)


def test_hiding_impact_or_every_update_is_warned_about(project):
    internal = OPEN_INCIDENT.replace("kind: outage\n", "kind: outage\nvisibility: internal\n")
    project.write("2026-11-21-api-errors.md", internal)
    _, document = validate()
    assert ("incidents/2026/2026-11-21-api-errors.md", 4, 13, "SB814") in findings(document)
    hidden = OPEN_INCIDENT.replace(
        "    status: investigating\n", "    status: investigating\n    visibility: internal\n"
    )
    project.write("2026-11-21-api-errors.md", hidden)
    _, document = validate()
    assert ("incidents/2026/2026-11-21-api-errors.md", 8, 1, "SB815") in findings(document)


def test_visibility_takes_only_its_two_values(project):
    project.write(
        "2026-11-21-api-errors.md",
        OPEN_INCIDENT.replace("kind: outage\n", "kind: outage\nvisibility: private\n"),
    )
    code, document = validate()
    assert code == 1
    [problem] = document["problems"]
    assert (problem["code"], problem["line"], problem["column"]) == ("SB104", 4, 13)
    assert "internal" in problem["fix"]


# --- schema ----------------------------------------------------------------------------------


def test_the_committed_problem_schema_is_the_generated_one():
    committed = json.loads((REPO_ROOT / "schemas" / "problem.schema.json").read_text())
    assert committed == problem_json_schema()


def test_the_demo_problems_match_the_schema():
    validator = jsonschema.Draft202012Validator(problem_json_schema())
    paths = sorted((DEMO_ROOT / "problems").glob("*.md"))
    assert len(paths) == 3
    for path in paths:
        assert not [e.message for e in validator.iter_errors(read_source(path).data)], path


def test_the_schema_rejects_what_the_validator_rejects():
    validator = jsonschema.Draft202012Validator(problem_json_schema())
    assert list(validator.iter_errors({"title": "x", "status": "fixed", "opened": "2026-11-01"}))
    assert not list(
        validator.iter_errors({"title": "x", "status": "resolved", "opened": "2026-11-01"})
    )
