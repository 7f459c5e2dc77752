"""`statusbook validate`: every rule reports file, line and code through the real CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusbook.cli import cli

from .conftest import DEMO_ROOT, REPO_ROOT

NOW = "2026-11-21T12:00:00Z"

VALID = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-20T14:00:00Z
resolved: 2026-11-20T15:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-20T14:05:00Z
    status: investigating
    message: We are looking into it.
  - at: 2026-11-20T15:00:00Z
    status: resolved
    message: Fixed.
---
Narrative.
"""


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--now", NOW, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def codes_at(document: dict) -> list[tuple[str, str, int | None]]:
    return [(p["code"], p["file"], p["line"]) for p in document["problems"]]


def test_a_valid_record_passes(project):
    project.write("2026-11-20-api-errors.md", VALID)
    code, document = run()
    assert code == 0
    assert document == {"files": 1, "errors": 0, "warnings": 0, "problems": []}


def test_the_demo_records_are_valid():
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(DEMO_ROOT / "statusbook.yml"),
            "validate",
            "--now",
            "2026-11-21T06:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    # The one finding is the example problem's overdue action item, which it is there to show.
    assert "0 errors, 1 warning" in result.output
    assert "warning SB811 [overdue-action-item]" in result.output


# (name of the rule, a broken record, the expected code, the line it must point at)
BROKEN = {
    "yaml syntax": (
        VALID.replace("  api: major_outage", "  api: major_outage\n bad: [indent"),
        "SB003",
        9,
    ),
    "duplicate key": (
        VALID.replace("impact: major\n", "impact: major\nimpact: minor\n"),
        "SB004",
        5,
    ),
    "unknown key": (VALID.replace("title:", "titel:"), "SB101", 2),
    "wrong type": (VALID.replace("title: API errors", "title: 404"), "SB103", 2),
    "invalid enum": (VALID.replace("impact: major", "impact: huge"), "SB104", 4),
    "naive timestamp": (
        VALID.replace("started: 2026-11-20T14:00:00Z", "started: 2026-11-20 14:00"),
        "SB202",
        5,
    ),
    "unparsable timestamp": (
        VALID.replace("started: 2026-11-20T14:00:00Z", "started: yesterday"),
        "SB201",
        5,
    ),
    "unknown component": (VALID.replace("  api: major_outage", "  apii: major_outage"), "SB301", 8),
    "empty message": (VALID.replace("message: Fixed.", 'message: "  "'), "SB105", 15),
    "future update": (VALID.replace("2026-11-20T14:05:00Z", "2026-11-22T14:05:00Z"), "SB203", 10),
    "missing title": (VALID.replace("title: API errors\n", ""), "SB102", 2),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_broken_record_is_reported_with_file_line_and_rule(project, case):
    text, expected_code, expected_line = BROKEN[case]
    path = project.write("2026-11-20-api-errors.md", text)
    code, document = run()
    assert code == 1
    assert (expected_code, "incidents/2026/2026-11-20-api-errors.md", expected_line) in codes_at(
        document
    ), document
    problem = next(p for p in document["problems"] if p["code"] == expected_code)
    assert problem["fix"], "every problem tells how to fix it"
    assert path.read_text() == text, "validate never touches the file"


def test_did_you_mean_for_unknown_keys_and_values(project):
    project.write(
        "2026-11-20-api-errors.md",
        VALID.replace("title:", "titel:").replace("kind: outage", "kind: outgae"),
    )
    _, document = run()
    fixes = {p["code"]: p["fix"] for p in document["problems"]}
    assert "did you mean 'title'" in fixes["SB101"]
    assert "did you mean 'outage'" in fixes["SB104"]


def test_updates_out_of_chronological_order(project):
    text = VALID.replace("  - at: 2026-11-20T15:00:00Z", "  - at: 2026-11-20T14:01:00Z").replace(
        "resolved: 2026-11-20T15:00:00Z", "resolved: 2026-11-20T14:01:00Z"
    )
    project.write("2026-11-20-api-errors.md", text)
    _, document = run()
    assert ("SB204", "incidents/2026/2026-11-20-api-errors.md", 13) in codes_at(document)


def test_resolved_incident_without_resolution_time_is_rejected(project):
    project.write("2026-11-20-api-errors.md", VALID.replace("resolved: 2026-11-20T15:00:00Z\n", ""))
    _, document = run()
    problem = next(p for p in document["problems"] if p["code"] == "SB302")
    assert problem["line"] == 13  # the resolving update's status
    assert "resolved: 2026-11-20T15:00:00Z" in problem["fix"]


def test_update_after_resolution_is_rejected(project):
    text = VALID.replace(
        "---\nNarrative",
        "  - at: 2026-11-20T16:00:00Z\n    status: update\n    message: Later.\n---\nNarrative",
    )
    project.write("2026-11-20-api-errors.md", text)
    _, document = run()
    assert ("SB303", "incidents/2026/2026-11-20-api-errors.md", 16) in codes_at(document)


def test_resolution_time_without_resolved_update_is_rejected(project):
    project.write(
        "2026-11-20-api-errors.md", VALID.replace("status: resolved", "status: monitoring")
    )
    _, document = run()
    assert ("SB304", "incidents/2026/2026-11-20-api-errors.md", 6) in codes_at(document)


def test_start_after_first_update_is_rejected(project):
    project.write(
        "2026-11-20-api-errors.md",
        VALID.replace("started: 2026-11-20T14:00:00Z", "started: 2026-11-20T14:30:00Z"),
    )
    _, document = run()
    assert [p["code"] for p in document["problems"]] == ["SB205"]


def test_incident_without_updates_is_rejected(project):
    text = "---\ntitle: X\nkind: bug\nimpact: minor\nstarted: 2026-11-20T10:00:00Z\ncomponents:\n  api: degraded_performance\n---\n"
    project.write("2026-11-20-x.md", text)
    _, document = run()
    assert [p["code"] for p in document["problems"]] == ["SB305"]


MAINTENANCE = """\
---
title: Database upgrade
kind: maintenance
scheduled_start: 2026-12-03T02:00:00Z
scheduled_end: 2026-12-03T04:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-11-19T10:00:00Z
    status: scheduled
    message: Planned upgrade.
---
"""


def test_future_scheduled_maintenance_is_allowed(project):
    project.write("2026-12-03-database-upgrade.md", MAINTENANCE)
    code, document = run()
    assert (code, document["problems"]) == (0, [])


def test_maintenance_ending_before_it_starts_is_rejected(project):
    project.write("2026-12-03-database-upgrade.md", MAINTENANCE.replace("T04:00:00Z", "T01:00:00Z"))
    _, document = run()
    assert ("SB206", "incidents/2026/2026-12-03-database-upgrade.md", 5) in codes_at(document)


def test_maintenance_fields_on_an_incident_are_rejected(project):
    project.write(
        "2026-11-20-api-errors.md",
        VALID.replace("impact: major", "impact: major\nscheduled_end: 2026-11-20T16:00:00Z"),
    )
    _, document = run()
    assert ("SB306", "incidents/2026/2026-11-20-api-errors.md", 5) in codes_at(document)


def test_resolved_on_maintenance_suggests_completed(project):
    project.write(
        "2026-12-03-database-upgrade.md",
        MAINTENANCE.replace("components:", "resolved: 2026-11-19T10:00:00Z\ncomponents:"),
    )
    _, document = run()
    problem = next(p for p in document["problems"] if p["code"] == "SB306")
    assert "completed" in problem["fix"]


def test_cancelled_maintenance_needs_cancelled_state(project):
    text = MAINTENANCE.replace(
        "---\n",
        "  - at: 2026-11-20T10:00:00Z\n    status: cancelled\n    message: Called off.\n---\n",
        2,
    )
    text = text.replace(
        "  - at: 2026-11-20T10:00:00Z\n    status: cancelled\n    message: Called off.\n---\ntitle",
        "---\ntitle",
    )
    project.write("2026-12-03-database-upgrade.md", text)
    _, document = run()
    assert [p["code"] for p in document["problems"]] == ["SB307"]
    project.write(
        "2026-12-03-database-upgrade.md",
        text.replace("components:", "state: cancelled\ncomponents:"),
    )
    code, document = run()
    assert (code, document["problems"]) == (0, [])


def test_duplicate_ids_across_year_folders_are_rejected(project):
    project.write("2026-11-20-api-errors.md", VALID)
    other = project.records / "2025" / "2026-11-20-api-errors.md"
    other.parent.mkdir()
    other.write_text(VALID)
    _, document = run()
    assert "SB402" in [p["code"] for p in document["problems"]]
    assert any(p["code"] == "SB401" and "year" in p["message"] for p in document["problems"])


@pytest.mark.parametrize(
    "name", ["API errors.md", "2026-13-01-bad-month.md", "20261120-api.md", "2026-11-20-Caps.md"]
)
def test_file_names_must_follow_the_convention(project, name):
    project.write(name, VALID)
    _, document = run()
    assert "SB401" in [p["code"] for p in document["problems"]]


def test_file_date_mismatch_is_a_warning_that_strict_mode_fails(project):
    project.write("2026-11-19-api-errors.md", VALID)
    code, document = run()
    assert (code, [p["code"] for p in document["problems"]]) == (0, ["SB403"])
    assert document["problems"][0]["severity"] == "warning"
    code, _ = run("--strict")
    assert code == 1


def test_extension_keys_are_allowed(project):
    project.write(
        "2026-11-20-api-errors.md", VALID.replace("impact: major", "impact: major\nx-jira: OPS-123")
    )
    assert run()[0] == 0


def test_non_utf8_bytes_are_reported_with_their_line(project):
    project.write_bytes(
        "2026-11-20-api-errors.md", VALID.encode().replace(b"Fixed.", b"Fixed \xff.")
    )
    _, document = run()
    assert codes_at(document) == [("SB001", "incidents/2026/2026-11-20-api-errors.md", 15)]


def test_missing_front_matter(project):
    project.write("2026-11-20-api-errors.md", "# Just Markdown\n")
    _, document = run()
    assert codes_at(document) == [("SB002", "incidents/2026/2026-11-20-api-errors.md", 1)]


def test_front_matter_that_is_not_a_mapping(project):
    project.write("2026-11-20-api-errors.md", "---\n- a\n- b\n---\n")
    _, document = run()
    assert [p["code"] for p in document["problems"]] == ["SB103"]


def test_control_characters_are_reported_not_raised(project):
    project.write("2026-11-20-api-errors.md", VALID.replace("Fixed.", "Fixed\x07."))
    _, document = run()
    assert [(p["code"], p["line"]) for p in document["problems"]] == [("SB003", 15)]


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400).map(lambda t: ("---\n" + t + "\n---\n").encode()),
    )
)
def test_no_bytes_make_validate_crash(project, data):
    project.write_bytes("2026-11-20-fuzz.md", data)
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--now", NOW])
    assert result.exit_code in (0, 1), result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    json.loads(result.output)


def test_github_format_emits_annotations(project):
    project.write("2026-11-20-api-errors.md", VALID.replace("impact: major", "impact: huge"))
    result = CliRunner().invoke(cli, ["validate", "--format", "github", "--now", NOW])
    assert result.exit_code == 1
    line = result.output.splitlines()[0]
    match = re.fullmatch(
        r"::error file=([^,]+),line=(\d+),col=(\d+),title=SB104 invalid-value::(.+)", line
    )
    assert match, line
    assert match.groups()[:3] == ("incidents/2026/2026-11-20-api-errors.md", "4", "9")
    assert "%0AFix: " in match.group(4) and "\n" not in match.group(4)


def test_text_format_names_file_line_rule_and_fix(project):
    project.write("2026-11-20-api-errors.md", VALID.replace("impact: major", "impact: huge"))
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 1
    first, fix = result.output.splitlines()[:2]
    assert first.startswith(
        "incidents/2026/2026-11-20-api-errors.md:4:9: error SB104 [invalid-value]"
    )
    assert fix.strip().startswith("fix: ")
    assert "1 error" in result.output


def test_validating_one_file_checks_only_that_file(project):
    good = project.write("2026-11-20-api-errors.md", VALID)
    project.write("2026-11-19-broken.md", "no front matter")
    code, document = run(str(good))
    assert (code, document["files"]) == (0, 1)


def test_missing_catalog_is_a_configuration_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STATUSBOOK_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "statusbook.yml" in result.output


def test_invalid_catalog_is_a_configuration_error_with_its_line(project):
    project.catalog_path.write_text(
        project.catalog_path.read_text().replace("sla: 99.9\n", "sla: 199\n")
    )
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert re.search(r"statusbook\.yml:\d+:\d+: error SB107", result.output), result.output


def test_catalog_group_typo_gets_a_suggestion(project):
    project.catalog_path.write_text(
        project.catalog_path.read_text().replace("group: core", "group: cor", 1)
    )
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert "did you mean 'core'" in result.output


def test_bad_now_is_a_usage_error(project):
    result = CliRunner().invoke(cli, ["validate", "--now", "2026-11-21 12:00"])
    assert result.exit_code == 2
    assert "--now" in result.output


def test_source_date_epoch_sets_now(project, monkeypatch):
    project.write("2026-11-20-api-errors.md", VALID)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763600000")  # 2025-11-20: the record is "future"
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 1
    assert {p["code"] for p in json.loads(result.output)["problems"]} == {"SB203"}


def test_python_dash_m_runs_the_cli(project):
    project.write("2026-11-20-api-errors.md", VALID)
    completed = subprocess.run(
        [sys.executable, "-m", "statusbook", "validate", "--now", NOW],
        capture_output=True,
        text=True,
        cwd=project.root,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Checked 1 record: no problems." in completed.stdout


def test_every_rule_is_documented_in_the_readme():
    from statusbook.problems import RULES

    readme = (REPO_ROOT / "README.md").read_text()
    missing = [code for code in RULES if code not in readme]
    assert not missing


def test_every_code_the_package_reports_is_a_rule():
    """A problem's code picks its severity and its line in the README, so a code that is
    not in the table would fail only when that problem is printed: every ``"SBnnn"`` the
    package spells is held to the table here."""
    import statusbook
    from statusbook.problems import RULES

    package = Path(statusbook.__file__).parent
    spelled = {
        code
        for path in package.rglob("*.py")
        for code in re.findall(r"[\"'](SB\d{3})[\"']", path.read_text(encoding="utf-8"))
    }
    assert len(spelled) > 50  # the pattern finds them
    assert sorted(spelled - set(RULES)) == []


def test_records_dir_readme_is_not_a_record(project):
    (project.records / "README.md").write_text("# About these records\n")
    project.write("2026-11-20-api-errors.md", VALID)
    code, document = run()
    assert (code, document["files"]) == (0, 1)


def test_problem_paths_are_relative_to_the_working_folder(project):
    project.write("2026-11-20-api-errors.md", VALID.replace("impact: major", "impact: huge"))
    _, document = run()
    assert not Path(document["problems"][0]["file"]).is_absolute()


# --- the catalog: whatever statusbook.yml holds, validate ends in problems ------------------

_CATALOG_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "api",
            "core",
            "UTC",
            "Mars/Olympus",
            "../../etc",
            "/abs",
            "en",
            "2025-01-01",
            "9999-12-31",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["id", "name", "description", "group", "sla", "monitored_since", "url", "language"]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _validate_with_catalog(project, data: bytes):
    project.catalog_path.write_bytes(data)
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    return result


@settings(
    max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_no_catalog_bytes_make_validate_crash(project, data):
    _validate_with_catalog(project, data)


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    site=_CATALOG_VALUES,
    components=st.lists(_CATALOG_VALUES, max_size=3),
    extra=st.dictionaries(
        st.sampled_from(["records", "groups", "sla", "notifications", "demo"]),
        _CATALOG_VALUES,
        max_size=3,
    ),
)
def test_no_catalog_shape_makes_validate_crash(project, site, components, extra):
    document = {"site": site, "components": components, **extra}
    text = yaml.safe_dump(document, allow_unicode=True)
    _validate_with_catalog(project, text.encode("utf-8", "surrogatepass"))
