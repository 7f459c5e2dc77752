"""``statusbook import cstate`` on hand-written issues shaped like cState's ``content/issues``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli
from statusbook.load.catalog import load_catalog

from .conftest import REPO_ROOT, Project

NOW = "2026-11-21T12:00:00Z"
SITE = REPO_ROOT / "tests" / "fixtures" / "cstate"


def run(folder: Path, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(cli, ["import", "cstate", str(folder), *args, "--now", now])


def record(project: Project, name: str) -> str:
    return (project.records / name[:4] / name).read_text()


@pytest.fixture
def imported(project: Project) -> Result:
    result = run(SITE)
    assert result.exit_code == 0, result.output
    return result


def test_issues_become_valid_records(project: Project, imported: Result) -> None:
    assert sorted(p.name for p in project.records.rglob("*.md")) == [
        "2026-04-13-connection-issues-with-the-api.md",
        "2026-05-02-slow-search-results.md",
        "2026-06-20-database-maintenance.md",
        "2026-11-20-email-delays.md",
    ]
    validation = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert validation.exit_code == 0, validation.output


def test_tracked_paragraphs_become_updates_and_the_rest_stays_in_the_body(
    project: Project, imported: Result
) -> None:
    assert record(project, "2026-04-13-connection-issues-with-the-api.md") == (
        "---\n"
        "title: Connection issues with the API\n"
        "kind: outage\n"
        "impact: critical\n"
        "started: 2026-04-13T13:36:00Z\n"
        "resolved: 2026-04-13T15:54:00Z\n"
        "components:\n"
        "  api: major_outage\n"
        "  dashboard: major_outage\n"
        "updates:\n"
        "  - at: 2026-04-13T13:36:00Z\n"
        "    status: investigating\n"
        "    message: We're aware of connection issues to the API and the dashboard.\n"
        "  - at: 2026-04-13T15:10:00Z\n"
        "    status: monitoring\n"
        "    message: A fix is in place; we are watching error rates.\n"
        "  - at: 2026-04-13T15:54:00Z\n"
        "    status: resolved\n"
        "    message: We have rolled back the load balancer change and connections succeed again.\n"
        "x-cstate:\n"
        "  id: 2026-04-13-connection-issues.md\n"
        "---\n"
        "Some clients in the EU were affected longer because of cached DNS entries.\n"
    )


def test_a_notice_becomes_a_maintenance_window(project: Project, imported: Result) -> None:
    text = record(project, "2026-06-20-database-maintenance.md")
    assert "kind: maintenance\n" in text
    assert "scheduled_start: 2026-06-20T02:00:00Z\nscheduled_end: 2026-06-20T03:00:00Z\n" in text
    assert "completed: 2026-06-20T03:00:00Z\n" in text
    assert "    status: scheduled\n" in text and "    status: completed\n" in text
    assert "database: under_maintenance" in text


def test_what_could_not_be_mapped_is_reported_and_kept(project: Project, imported: Result) -> None:
    output = imported.output
    assert "2026-07-01-new-office.md: an informational post" in output
    assert "status 'Escalated' has no equivalent" in output
    assert "message: '*Escalated* - Our provider is looking into it.'" in record(
        project, "2026-11-20-email-delays.md"
    )
    assert "2026-05-02-slow-search.md: no dated updates" in output
    assert "resolved without a resolving update" in output
    slow = record(project, "2026-05-02-slow-search-results.md")
    assert (
        "message: Search queries took several seconds to return for about ninety minutes.\n" in slow
    )
    assert "started: 2026-05-02T06:00:00Z\nresolved: 2026-05-02T07:30:00Z\n" in slow


def test_unknown_systems_are_added_to_the_catalog(project: Project, imported: Result) -> None:
    catalog = load_catalog(project.catalog_path)
    assert catalog.component_ids[3:] == ("search", "email-notifications")
    assert catalog.component("email-notifications").name == "Email notifications"  # type: ignore[union-attr]


def test_importing_twice_changes_nothing(project: Project, imported: Result) -> None:
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    again = run(SITE / "content" / "issues")
    assert again.exit_code == 0, again.output
    assert "Created 0 record(s)." in again.output
    assert "4 record(s) imported before and unchanged." in again.output
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_toml_front_matter_and_an_upcoming_notice(project: Project, tmp_path: Path) -> None:
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "upgrade.md").write_text(
        "+++\n"
        'title = "Planned API upgrade"\n'
        "date = 2026-12-01T02:00:00Z\n"
        'severity = "notice"\n'
        'affected = ["API"]\n'
        "+++\n"
        "We will upgrade the API gateway.\n"
    )
    result = run(issues)
    assert result.exit_code == 0, result.output
    text = record(project, "2026-12-01-planned-api-upgrade.md")
    assert "scheduled_start: 2026-12-01T02:00:00Z\nscheduled_end: 2026-12-01T03:00:00Z\n" in text
    assert "  - at: 2026-11-21T12:00:00Z\n    status: scheduled\n" in text
    assert "the window was set to end at 2026-12-01T03:00:00Z, check it" in result.output
    assert "cState keeps no announcement time" in result.output


def test_a_folder_without_issues_is_reported(project: Project, tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.exit_code == 0
    assert "no cState issues (*.md) found" in result.output
    assert "Created 0 record(s)." in result.output


def test_broken_front_matter_is_reported_not_fatal(project: Project, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\nText\n")
    (tmp_path / "none.md").write_text("Just text\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "bad.md: front matter cannot be read" in result.output
    assert "none.md: no front matter; skipped" in result.output
