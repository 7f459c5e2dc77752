"""Reopening an incident and reminding people to tell customers: `statusbook reopen`, and
`statusbook validate` warning about open incidents left without news (SB310).

Run through the command line in a real Git repository, so the history guard judges the
reopening exactly as the pull-request check would.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import GitRepo, Project
from .samples import DATABASE_WINDOW, OPEN_INCIDENT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOW = "2026-11-21T12:00:00Z"
PATH = "incidents/2026/2026-11-21-api-errors.md"


def invoke(*args: str, now: str = NOW, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--now", now], input=input)


@pytest.fixture
def repo(project: Project) -> GitRepo:
    project.write("2026-11-21-api-errors.md", OPEN_INCIDENT)
    project.write("2026-11-22-database-upgrade.md", DATABASE_WINDOW)
    repository = GitRepo(project.root)
    repository.commit()
    return repository


def resolved(repo: GitRepo) -> None:
    result = invoke("resolve", "api-errors", "-m", "Errors are back to normal.", "--at", "10:00")
    assert result.exit_code == 0, result.output
    repo.commit("resolved")


# --- reopen ------------------------------------------------------------------------------------


def test_reopen_removes_resolved_and_posts_an_update_with_the_old_statuses(repo: GitRepo) -> None:
    resolved(repo)
    result = invoke("reopen", "api-errors", "-m", "Errors are rising again.", "--at", "11:30")
    assert result.exit_code == 0, result.output
    assert "Reopened incidents/2026/2026-11-21-api-errors.md: investigating at " in result.stdout
    assert "api major_outage" in result.stdout
    diff = repo.git("diff")
    assert "-resolved: 2026-11-21T10:00:00Z" in diff
    assert (
        "+  - at: 2026-11-21T11:30:00Z\n"
        "+    status: investigating\n"
        "+    message: Errors are rising again.\n"
        "+    components:\n"
        "+      api: major_outage\n"
    ) in diff
    shown = invoke("show", "api-errors")
    assert "status:     investigating" in shown.stdout
    assert "components: api major_outage" in shown.stdout
    listed = json.loads(invoke("list", "--open", "--format", "json").stdout)
    assert [item["id"] for item in listed if item["kind"] == "outage"] == ["2026-11-21-api-errors"]


def test_a_reopening_passes_the_history_guard(repo: GitRepo) -> None:
    resolved(repo)
    base = repo.git("rev-parse", "HEAD").strip()
    result = invoke("reopen", "api-errors", "-m", "Back again.", "--status", "identified")
    assert result.exit_code == 0, result.output
    checked = invoke("validate", "--base", base)
    assert checked.exit_code == 0, checked.output
    assert "SB7" not in checked.output
    # Removing `resolved` by hand without saying the incident is open again is not that.
    repo.git("checkout", "--", PATH)
    path = repo.root / PATH
    path.write_text(path.read_text().replace("resolved: 2026-11-21T10:00:00Z\n", ""))
    assert invoke("validate", "--base", base).exit_code == 1


def test_reopen_sets_the_components_it_is_given(repo: GitRepo) -> None:
    resolved(repo)
    result = invoke("reopen", "api-errors", "-m", "Slow again.", "-c", "api=degraded_performance")
    assert result.exit_code == 0, result.output
    assert "+      api: degraded_performance\n" in repo.git("diff")


def test_reopen_asks_for_the_message_at_a_terminal(repo: GitRepo) -> None:
    resolved(repo)
    result = invoke("reopen", "api-errors", "--prompt", input="\nIt failed again.\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("What customers should know:") == 2  # asked again
    assert "message: It failed again." in (repo.root / PATH).read_text()


def test_reopen_refuses_what_is_not_a_resolved_incident(repo: GitRepo) -> None:
    still_open = invoke("reopen", "api-errors", "-m", "x")
    assert still_open.exit_code == 1
    assert "not resolved; post an update" in still_open.output
    window = invoke("reopen", "database-upgrade", "-m", "x")
    assert window.exit_code == 1
    assert "matches no incident, only the maintenance record" in window.output
    no_message = invoke("reopen", "api-errors", "--no-prompt")
    assert no_message.exit_code == 2 and "missing --message" in no_message.output
    assert repo.git("status", "--porcelain") == ""


def test_reopen_is_in_the_help() -> None:
    listing = CliRunner().invoke(cli, ["--help"])
    assert "reopen" in listing.output and "Reopen the resolved incident RECORD" in listing.output
    own = CliRunner().invoke(cli, ["reopen", "--help"])
    assert own.exit_code == 0
    assert "[investigating|identified|monitoring]" in own.output


# --- reminders: SB310 ----------------------------------------------------------------------------


def test_validate_warns_when_an_open_incident_has_had_no_update_for_two_hours(
    repo: GitRepo,
) -> None:
    fresh = invoke("validate", now="2026-11-21T11:00:00Z")  # 1 h 55 min after 09:05
    assert fresh.exit_code == 0 and "SB310" not in fresh.output
    stale = invoke("validate", now="2026-11-21T11:30:00Z")
    assert stale.exit_code == 0, stale.output  # a warning: the page still builds
    assert (
        f"{PATH}:9:9: warning SB310 [stale-incident] the incident is open and customers "
        "have had no news for 2 h 25 min (latest update 2026-11-21T09:05:00Z)"
    ) in stale.output
    assert "statusbook update 2026-11-21-api-errors -m" in stale.output
    assert invoke("validate", "--strict", now="2026-11-21T11:30:00Z").exit_code == 1
    # Any update clears it, and a resolved incident is not waiting for news.
    assert (
        invoke("update", "api-errors", "-m", "Still on it.", now="2026-11-21T11:30:00Z").exit_code
        == 0
    )
    assert "SB310" not in invoke("validate", now="2026-11-21T12:00:00Z").output
    assert invoke("resolve", "api-errors", now="2026-11-21T12:00:00Z").exit_code == 0
    assert "SB310" not in invoke("validate", now="2026-11-22T12:00:00Z").output


def test_open_means_what_the_snapshot_says(repo: GitRepo, project: Project) -> None:
    """An update stamped after now is not news yet: the reminder reads the record as
    readers know it at now (the snapshot), not as the file has it."""
    ahead = OPEN_INCIDENT.replace(
        "    message: We are looking into elevated API error rates.\n",
        "    message: We are looking into elevated API error rates.\n"
        "  - at: 2026-11-21T12:03:00Z\n"
        "    status: identified\n"
        "    message: Found it.\n",
    )
    project.write("2026-11-21-api-errors.md", ahead)
    result = invoke("validate", now="2026-11-21T12:00:00Z")
    assert result.exit_code == 0, result.output
    assert "warning SB310" in result.output
    assert "latest update 2026-11-21T09:05:00Z" in result.output


def test_the_interval_is_a_catalog_setting(repo: GitRepo, project: Project) -> None:
    catalog = project.catalog_path.read_text()
    project.catalog_path.write_text(catalog + "reminders:\n  stale_after: 4h\n")
    assert "SB310" not in invoke("validate", now="2026-11-21T12:00:00Z").output
    assert "SB310" in invoke("validate", now="2026-11-21T13:10:00Z").output
    project.catalog_path.write_text(catalog + "reminders:\n  stale_after: soon\n")
    broken = invoke("validate")
    assert broken.exit_code == 2
    assert "statusbook.yml:23:16: error SB104" in broken.output
    assert "'soon' is not a length of time" in broken.output
    assert "e.g. 2h, 90m or 1h30m" in broken.output


def test_maintenance_is_not_reminded(repo: GitRepo) -> None:
    """A running window speaks for itself: the clock starts and ends it."""
    result = invoke("validate", now="2026-11-22T03:00:00Z")
    reminders = [line for line in result.output.splitlines() if "SB310" in line]
    assert reminders and all(line.startswith(PATH) for line in reminders), result.output


# --- the CLI's own words follow the site's language ------------------------------------------


def test_default_messages_are_in_the_sites_language(repo: GitRepo, project: Project) -> None:
    catalog = project.catalog_path.read_text()
    project.catalog_path.write_text(catalog.replace("  url:", "  language: id\n  url:", 1))
    result = invoke("resolve", "api-errors")
    assert result.exit_code == 0, result.output
    assert "message: Insiden ini telah diselesaikan." in (repo.root / PATH).read_text()
    window = invoke("maintenance", "cancel", "database-upgrade")
    assert window.exit_code == 0, window.output
    text = (repo.root / "incidents/2026/2026-11-22-database-upgrade.md").read_text()
    assert "message: Pemeliharaan terjadwal ini dibatalkan." in text
    drafted = invoke("postmortem", "api-errors")
    assert drafted.exit_code == 0, drafted.output
    assert "summary: 'Belum ditulis: apa yang terjadi" in (repo.root / PATH).read_text()
