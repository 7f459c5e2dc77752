"""The recording commands end to end: CliRunner in a real Git repository, checked with git."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import GitRepo, Project
from .samples import DATABASE_WINDOW, OPEN_INCIDENT, RESOLVED_INCIDENT

NOW = "2026-11-21T12:00:00Z"

OPEN = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into it.
---
"""

RESOLVED = RESOLVED_INCIDENT

WINDOW = DATABASE_WINDOW

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


class Repo(GitRepo):
    """The project as a Git repository, so results are checked the way a reviewer sees them."""

    def __init__(self, project: Project) -> None:
        super().__init__(project.root)
        self.project = project
        self.commit()

    def diff(self) -> str:
        return self.git("diff")

    def added(self) -> list[str]:
        return [
            line[1:]
            for line in self.diff().splitlines()
            if line.startswith("+") and not line.startswith("+++")
        ]

    def removed(self) -> list[str]:
        return [
            line[1:]
            for line in self.diff().splitlines()
            if line.startswith("-") and not line.startswith("---")
        ]

    def untracked(self) -> list[str]:
        return self.git("ls-files", "--others", "--exclude-standard").splitlines()

    def clean(self) -> bool:
        return self.git("status", "--porcelain") == ""


@pytest.fixture
def repo(project: Project) -> Repo:
    project.write("2026-11-21-api-errors.md", OPEN)
    project.write("2026-10-01-slow-dashboard.md", RESOLVED)
    project.write("2026-11-22-database-upgrade.md", WINDOW)
    return Repo(project)


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--now", NOW], input=input)


# --- new ---------------------------------------------------------------------------------------


def test_new_with_flags_prints_the_path_and_creates_a_valid_record(repo: Repo) -> None:
    result = invoke(
        "new",
        "--title",
        "Sign-in failures",
        "--kind",
        "outage",
        "--impact",
        "critical",
        "-c",
        "api",
        "-c",
        "dashboard=partial_outage",
        "--manager",
        "Dana",
        "-m",
        "We are investigating failed sign-ins.",
        "--at",
        "-10m",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "incidents/2026/2026-11-21-sign-in-failures.md"
    assert "started 2026-11-21T11:50:00Z (UTC)" in result.stderr
    assert repo.untracked() == ["incidents/2026/2026-11-21-sign-in-failures.md"]
    assert repo.diff() == ""
    text = (repo.root / repo.untracked()[0]).read_text()
    assert "  api: major_outage\n  dashboard: partial_outage\n" in text
    assert "manager: Dana\n" in text
    assert invoke("validate").exit_code == 0


def test_new_without_a_terminal_names_what_is_missing(repo: Repo) -> None:
    result = invoke("new", "--kind", "outage")
    assert result.exit_code == 2
    assert "missing --title" in result.output
    assert repo.clean()


def test_new_asks_for_what_is_missing_when_prompting(repo: Repo) -> None:
    answers = "\n".join(
        ["Webhooks delayed", "degradation", "minor", "api", "", "Deliveries are late."]
    )
    result = invoke("new", "--prompt", input=answers + "\n")
    assert result.exit_code == 0, result.output
    path = repo.root / "incidents/2026/2026-11-21-webhooks-delayed.md"
    assert path.read_text() == (
        "---\n"
        "title: Webhooks delayed\n"
        "kind: degradation\n"
        "impact: minor\n"
        "started: 2026-11-21T12:00:00Z\n"
        "components:\n"
        "  api: degraded_performance\n"
        "updates:\n"
        "  - at: 2026-11-21T12:00:00Z\n"
        "    status: investigating\n"
        "    message: Deliveries are late.\n"
        "---\n"
    )


def test_new_dry_run_prints_the_diff_and_writes_nothing(repo: Repo) -> None:
    result = invoke(
        "new",
        "--title",
        "Dry",
        "--kind",
        "bug",
        "--impact",
        "minor",
        "-c",
        "api",
        "-m",
        "x",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("--- /dev/null\n+++ b/incidents/2026/2026-11-21-dry.md\n")
    assert "nothing was written" in result.stderr
    assert repo.clean()


def test_new_refuses_maintenance_and_unknown_statuses_as_usage_errors(repo: Repo) -> None:
    assert invoke("new", "--kind", "maintenance").exit_code == 2
    result = invoke(
        "new", "--title", "x", "--kind", "bug", "--impact", "minor", "-c", "api=down", "-m", "x"
    )
    assert result.exit_code == 2
    assert "'api=down': it is not a component status" in result.output


def test_new_with_an_unknown_component_is_refused_by_the_option_with_the_nearest(
    repo: Repo,
) -> None:
    result = invoke(
        "new", "--title", "x", "--kind", "bug", "--impact", "minor", "-c", "apii", "-m", "x"
    )
    assert result.exit_code == 2
    assert "'apii' is not in the catalog; did you mean 'api'?" in result.output
    assert "Traceback" not in result.output
    assert repo.clean() and repo.untracked() == []


# --- update and resolve -------------------------------------------------------------------------


def test_update_at_a_local_time_is_stored_in_utc_and_the_zone_is_stated(repo: Repo) -> None:
    result = invoke(
        "update",
        "api-errors",
        "--status",
        "identified",
        "-m",
        "Found it.",
        "-c",
        "api=partial_outage",
        "--at",
        "17:30",
        "--tz",
        "Asia/Jakarta",
        "--author",
        "Dana",
    )
    assert result.exit_code == 0, result.output
    assert "2026-11-21T10:30:00Z (2026-11-21 17:30 Asia/Jakarta, UTC+07:00)" in result.output
    assert repo.removed() == []
    assert repo.added() == [
        "  - at: 2026-11-21T10:30:00Z",
        "    status: identified",
        "    author: Dana",
        "    message: Found it.",
        "    components:",
        "      api: partial_outage",
    ]


def test_the_site_time_zone_is_the_default(repo: Repo) -> None:
    catalog = repo.project.catalog_path
    catalog.write_text(catalog.read_text().replace("  url:", "  time_zone: Europe/Berlin\n  url:"))
    result = invoke("update", "api-errors", "-m", "Progress.", "--at", "12:15")
    assert result.exit_code == 0, result.output
    assert "2026-11-21T11:15:00Z (2026-11-21 12:15 Europe/Berlin, UTC+01:00)" in result.output


def test_update_with_an_unreadable_time_is_a_usage_error(repo: Repo) -> None:
    result = invoke("update", "api-errors", "-m", "x", "--at", "half past nine")
    assert result.exit_code == 2
    assert "--at" in result.output and "not a time statusbook understands" in result.output
    assert repo.clean()


def test_update_of_an_unknown_record_suggests_the_nearest(repo: Repo) -> None:
    result = invoke("update", "2026-11-21-api-eror", "-m", "x")
    assert result.exit_code == 1
    assert "did you mean 2026-11-21-api-errors" in result.output


def test_an_update_that_would_break_the_record_is_refused(repo: Repo) -> None:
    result = invoke("update", "api-errors", "-m", "Too early.", "--at", "2026-11-21T08:00Z")
    assert result.exit_code == 1
    assert "SB205" in result.stderr or "SB204" in result.stderr
    assert "nothing was written" in result.output
    assert repo.clean()


def test_update_cannot_resolve(repo: Repo) -> None:
    result = invoke("update", "api-errors", "--status", "resolved", "-m", "x")
    assert result.exit_code == 2
    assert "to post 'resolved', use statusbook resolve" in result.output
    assert repo.clean()


def test_resolve_closes_the_incident(repo: Repo) -> None:
    result = invoke("resolve", "api-errors", "--at", "-5m")
    assert result.exit_code == 0, result.output
    assert repo.removed() == []
    assert repo.added() == [
        "resolved: 2026-11-21T11:55:00Z",
        "  - at: 2026-11-21T11:55:00Z",
        "    status: resolved",
        "    message: This incident has been resolved.",
        "    components:",
        "      api: operational",
    ]
    repo.commit()
    again = invoke("resolve", "api-errors")
    assert again.exit_code == 1 and "already resolved" in again.output


# --- maintenance --------------------------------------------------------------------------------


def test_maintenance_new_schedules_a_window(repo: Repo) -> None:
    created = invoke(
        "maintenance",
        "new",
        "--title",
        "CDN certificate rotation",
        "--start",
        "2026-11-28T01:00",
        "--end",
        "2026-11-28T02:00",
        "-c",
        "api",
        "-m",
        "We will rotate certificates.",
    )
    assert created.exit_code == 0, created.output
    assert created.stdout.strip() == "incidents/2026/2026-11-28-cdn-certificate-rotation.md"
    assert "api: under_maintenance" in (repo.root / created.stdout.strip()).read_text()
    assert "from 2026-11-28T01:00:00Z (UTC) to 2026-11-28T02:00:00Z (UTC)" in created.stderr


def test_maintenance_lifecycle_through_git(repo: Repo) -> None:
    later = ["--now", "2026-11-22T05:00:00Z"]
    result = CliRunner().invoke(
        cli, ["maintenance", "start", "database-upgrade", "--at", "2026-11-22T02:03Z", *later]
    )
    assert result.exit_code == 0, result.output
    assert repo.added() == [
        "started: 2026-11-22T02:03:00Z",
        "  - at: 2026-11-22T02:03:00Z",
        "    status: in_progress",
        "    message: The scheduled maintenance is in progress.",
    ]
    repo.commit()
    result = CliRunner().invoke(
        cli, ["maintenance", "complete", "database-upgrade", "-m", "Done.", "--at", "03:40", *later]
    )
    assert result.exit_code == 0, result.output
    assert repo.added()[0] == "completed: 2026-11-22T03:40:00Z"
    repo.commit()
    result = CliRunner().invoke(cli, ["maintenance", "cancel", "database-upgrade", *later])
    assert result.exit_code == 1 and "already completed" in result.output


def test_maintenance_cancel(repo: Repo) -> None:
    result = invoke("maintenance", "cancel", "database-upgrade", "-m", "Not needed after all.")
    assert result.exit_code == 0, result.output
    assert "state: cancelled" in repo.added()
    listed = invoke("list", "--open")
    assert "database-upgrade" not in listed.output


# --- postmortems ----------------------------------------------------------------------------------


def test_postmortem_and_action_items(repo: Repo) -> None:
    result = invoke("postmortem", "slow-dashboard")
    assert result.exit_code == 0, result.output
    assert "Readers do not see a draft: write the summary and root cause" in result.stderr
    assert repo.added()[0] == "postmortem:"
    repo.commit()
    result = invoke(
        "action",
        "slow-dashboard",
        "Add a query timeout",
        "--owner",
        "Web team",
        "--due",
        "2026-12-01",
    )
    assert result.exit_code == 0, result.output
    assert repo.added() == [
        "  action_items:",
        "    - title: Add a query timeout",
        "      owner: Web team",
        "      status: open",
        "      due: 2026-12-01",
    ]
    repo.commit()
    result = invoke("action", "slow-dashboard", "--close", "timeout")
    assert result.exit_code == 0, result.output
    assert (repo.removed(), repo.added()) == (["      status: open"], ["      status: done"])


def test_action_usage_errors(repo: Repo) -> None:
    assert invoke("action", "slow-dashboard", "x", "--close", "1").exit_code == 2
    assert invoke("action", "slow-dashboard", "Title only").exit_code == 2
    bad_date = invoke("action", "slow-dashboard", "x", "--owner", "y", "--due", "soon")
    assert bad_date.exit_code == 2
    no_postmortem = invoke("action", "slow-dashboard", "x", "--owner", "y")
    assert no_postmortem.exit_code == 1 and "no postmortem" in no_postmortem.output


# --- --edit ----------------------------------------------------------------------------------------


def test_edit_lets_a_person_reword_before_writing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "click.edit", lambda text, **_: text.replace("message: draft", "message: Polished.")
    )
    result = invoke("update", "api-errors", "-m", "draft", "--edit")
    assert result.exit_code == 0, result.output
    assert "    message: Polished." in repo.added()


def test_a_refused_edit_keeps_the_persons_text(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "click.edit", lambda text, **_: text.replace("kind: outage", "kind: catastrophe")
    )
    result = invoke("update", "api-errors", "-m", "My careful words.", "--edit")
    assert result.exit_code == 1
    assert repo.clean()
    rescue = Path(result.output.split("saved in ")[1].split()[0])
    try:
        assert "My careful words." in rescue.read_text()
        assert "kind: catastrophe" in rescue.read_text()
    finally:
        rescue.unlink()


# --- list and show ---------------------------------------------------------------------------------


def test_list_filters(repo: Repo) -> None:
    everything = invoke("list")
    assert everything.exit_code == 0, everything.output
    lines = everything.stdout.splitlines()
    assert lines[0].split()[:2] == ["ID", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == [
        "2026-11-22-database-upgrade",
        "2026-11-21-api-errors",
        "2026-10-01-slow-dashboard",
    ]
    assert ids(invoke("list", "--open")) == ["2026-11-22-database-upgrade", "2026-11-21-api-errors"]
    assert ids(invoke("list", "--kind", "degradation")) == ["2026-10-01-slow-dashboard"]
    assert ids(invoke("list", "--component", "database")) == ["2026-11-22-database-upgrade"]
    assert ids(invoke("list", "--since", "-30d")) == [
        "2026-11-22-database-upgrade",
        "2026-11-21-api-errors",
    ]
    data = json.loads(invoke("list", "--format", "json", "--open", "--kind", "outage").stdout)
    assert data == [
        {
            "id": "2026-11-21-api-errors",
            "path": "incidents/2026/2026-11-21-api-errors.md",
            "title": "API errors",
            "visibility": "public",
            "kind": "outage",
            "impact": "major",
            "status": "investigating",
            "open": True,
            "started": "2026-11-21T09:00:00Z",
            "resolved": None,
            "components": ["api"],
        }
    ]


def ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.split()[0] for line in result.stdout.splitlines()[1:]]


def test_list_mentions_records_it_cannot_read(repo: Repo) -> None:
    repo.project.write("2026-11-01-broken.md", "---\ntitle: [\n---\n")
    result = invoke("list")
    assert result.exit_code == 0
    assert "1 record(s) with errors are not listed" in result.stderr


def test_show_prints_the_timeline_in_the_chosen_zone(repo: Repo) -> None:
    result = invoke("show", "api-errors", "--tz", "Asia/Jakarta")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "API errors"
    assert "status:     investigating" in result.stdout
    assert "2026-11-21T09:05:00Z (2026-11-21 16:05 Asia/Jakarta, UTC+07:00)  investigating" in (
        result.stdout
    )
    assert "components: api major_outage" in result.stdout


def test_show_of_a_broken_record_prints_its_problems(repo: Repo) -> None:
    repo.project.write("2026-11-01-broken.md", "---\ntitle: x\n---\n")
    result = invoke("show", "broken")
    assert result.exit_code == 1
    assert "SB102" in result.stderr


def test_every_command_is_documented() -> None:
    names = ["new", "update", "resolve", "maintenance", "postmortem", "action", "list", "show"]
    for name in names:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help, name
    for name in ("new", "start", "complete", "cancel"):
        result = CliRunner().invoke(cli, ["maintenance", name, "--help"])
        assert result.exit_code == 0 and "--dry-run" in result.output


def test_a_file_changed_while_the_editor_was_open_is_not_overwritten(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo.root / "incidents/2026/2026-11-21-api-errors.md"

    def editor(text: str, **_: object) -> str:
        path.write_text(path.read_text().replace("looking into it", "on it"))  # a teammate
        return text.replace("message: mine", "message: My long careful update.")

    monkeypatch.setattr("click.edit", editor)
    result = invoke("update", "api-errors", "-m", "mine", "--edit")
    assert result.exit_code == 1
    assert "changed after it was read" in result.output
    assert "on it" in path.read_text() and "careful" not in path.read_text()
    rescue = Path(result.output.split("saved in ")[1].split()[0])
    try:
        assert "My long careful update." in rescue.read_text()
    finally:
        rescue.unlink()


INTERNAL_RECORD = """\
---
title: Build farm down
kind: outage
impact: minor
visibility: internal
started: 2026-11-21T08:00:00Z
updates:
  - at: 2026-11-21T08:05:00Z
    status: investigating
    message: CI runners are down.
---
"""
WITH_INTERNAL_UPDATE = (
    OPEN_INCIDENT.removesuffix("---\n")
    + """\
  - at: 2026-11-21T09:20:00Z
    status: update
    visibility: internal
    message: Paged the gateway team.
---
"""
)


def test_operators_list_and_show_internal_records_and_updates_marked(project) -> None:
    """The public page leaves them out; the people running the page must still see them."""
    project.write("2026-11-21-build-farm-down.md", INTERNAL_RECORD)
    project.write("2026-11-21-api-errors.md", WITH_INTERNAL_UPDATE)
    listed = CliRunner().invoke(cli, ["list", "--open", "--now", "2026-11-21T12:00:00Z"])
    assert listed.exit_code == 0, listed.output
    assert "[internal] Build farm down" in listed.stdout and "  API errors" in listed.stdout
    shown = CliRunner().invoke(cli, ["show", "build-farm", "--now", "2026-11-21T12:00:00Z"])
    assert "visibility: internal" in shown.stdout and "status:     investigating" in shown.stdout
    api = CliRunner().invoke(cli, ["show", "api-errors", "--now", "2026-11-21T12:00:00Z"])
    assert "update [internal]" in api.stdout and "Paged the gateway team." in api.stdout
