"""The history guard end to end: `statusbook validate --base REV` in a real git repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import GitRepo, Project
from .samples import DATABASE_WINDOW

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOW = "2026-11-21T12:00:00Z"
RECORD = "2026-11-21-api-errors.md"

PUBLISHED = """\
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
    message: We are looking into elevated API error rates.
  - at: 2026-11-21T09:40:00Z
    status: identified
    message: A bad deploy is being rolled back.
    components:
      api: partial_outage
  - at: 2026-11-21T10:10:00Z
    status: monitoring
    message: Error rates are falling.
---
What happened.
"""

MAINTENANCE = DATABASE_WINDOW


class Repo(GitRepo):
    """The status repository under git; ``main`` holds what is published."""

    def __init__(self, project: Project) -> None:
        super().__init__(project.root)
        self.project = project

    def path(self, name: str = RECORD) -> Path:
        return self.project.records / name[:4] / name

    def read(self, name: str = RECORD) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def edit(self, old: str, new: str, name: str = RECORD) -> None:
        text = self.read(name)
        assert old in text, old
        self.path(name).write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, text: str, name: str = RECORD) -> int:
        lines = self.read(name).splitlines()
        return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def repo(project: Project) -> Repo:
    project.write(RECORD, PUBLISHED)
    project.write("2026-11-22-database-upgrade.md", MAINTENANCE)
    repo = Repo(project)
    repo.commit("publish")
    return repo


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", "--now", NOW, *args])


def codes(result: Result) -> list[str]:
    return [problem["code"] for problem in json.loads(result.output)["problems"]]


def problems(result: Result, code: str) -> list[dict]:
    return [p for p in json.loads(result.output)["problems"] if p["code"] == code]


def check(*args: str) -> Result:
    return validate("--format", "json", "--base", "main", *args)


def add_correction(repo: Repo, note: str = "Fixed a typo in the 09:05 update.") -> None:
    repo.edit(
        "---\nWhat happened.", f"corrections:\n  - at: {NOW}\n    note: {note}\n---\nWhat happened."
    )


# --- allowed -------------------------------------------------------------------------------


def test_an_untouched_repository_passes(repo):
    result = validate("--base", "main")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_appending_updates_resolving_and_adding_a_postmortem_are_allowed(repo):
    repo.edit(
        "    message: Error rates are falling.\n",
        "    message: Error rates are falling.\n"
        "  - at: 2026-11-21T11:00:00Z\n"
        "    status: resolved\n"
        "    message: Error rates are back to normal.\n"
        "resolved: 2026-11-21T11:00:00Z\n"
        "postmortem:\n"
        "  summary: A deploy raised error rates.\n"
        "  root_cause: A config value shipped without a canary.\n",
    )
    result = check()
    assert result.exit_code == 0, result.output
    assert codes(result) == []


def test_rewrapping_text_and_rewriting_a_time_in_another_notation_are_not_rewrites(repo):
    repo.edit(
        "    message: We are looking into elevated API error rates.",
        "    message: >\n      We are looking into\n      elevated API error rates.",
    )
    repo.edit("at: 2026-11-21T09:40:00Z", "at: '2026-11-21T16:40:00+07:00'")
    repo.edit("      api: partial_outage\n", "      api: partial_outage\n    x-slack: C123\n")
    result = check()
    assert result.exit_code == 0, result.output


def test_unpublished_records_may_change_freely(repo):
    repo.git("checkout", "-q", "-b", "incident")
    repo.project.write("2026-11-21-slow-dashboard.md", PUBLISHED.replace("api", "dashboard"))
    repo.commit("draft a new incident")
    repo.edit("Error rates are falling.", "Errors are falling.", "2026-11-21-slow-dashboard.md")
    repo.edit("message: A bad deploy", "message: A bad release", "2026-11-21-slow-dashboard.md")
    result = check()
    assert result.exit_code == 0, result.output


def test_drafts_and_notes_are_not_published_records(repo):
    (repo.project.records / "_draft.md").write_text("draft", encoding="utf-8")
    (repo.project.records / "README.md").write_text("notes", encoding="utf-8")
    repo.commit("notes")
    (repo.project.records / "_draft.md").unlink()
    (repo.project.records / "README.md").unlink()
    assert check().exit_code == 0


# --- rewrites of published updates ------------------------------------------------------------


def test_rewritten_text_is_reported_at_its_line(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    result = check()
    assert result.exit_code == 1
    [problem] = problems(result, "SB703")
    assert problem["file"] == "incidents/2026/" + RECORD
    assert problem["line"] == repo.line_of("A bad deploy was rolled back.")
    assert "update 2" in problem["message"]
    assert "its text changed" in problem["message"]
    assert "corrections" in problem["fix"]


def test_rewritten_time_is_reported_at_its_line(repo):
    repo.edit("at: 2026-11-21T09:40:00Z", "at: 2026-11-21T09:45:00Z")
    result = check()
    [problem] = problems(result, "SB703")
    assert problem["line"] == repo.line_of("at: 2026-11-21T09:45:00Z")
    assert "its time changed" in problem["message"]
    assert "2026-11-21T09:40:00Z" in problem["message"]  # names the update as published


def test_changed_status_and_components_are_rewrites(repo):
    repo.edit("status: identified", "status: investigating")
    repo.edit("      api: partial_outage", "      api: degraded_performance")
    [problem] = problems(check(), "SB703")
    assert "its status, components changed" in problem["message"]
    # The first changed field is shown: the second update's status line.
    assert problem["line"] == repo.line_of("at: 2026-11-21T09:40:00Z") + 1


def test_time_and_text_rewritten_together_are_still_caught(repo):
    repo.edit(
        "  - at: 2026-11-21T09:40:00Z\n    status: identified\n    message: A bad deploy is being rolled back.",
        "  - at: 2026-11-21T09:41:00Z\n    status: identified\n    message: We rolled back a deploy.",
    )
    [problem] = problems(check(), "SB703")
    assert "its time, text changed" in problem["message"]


def test_deleted_update_is_reported(repo):
    repo.edit(
        "  - at: 2026-11-21T09:40:00Z\n"
        "    status: identified\n"
        "    message: A bad deploy is being rolled back.\n"
        "    components:\n"
        "      api: partial_outage\n",
        "",
    )
    result = check()
    assert result.exit_code == 1
    assert codes(result) == ["SB701"]
    [problem] = problems(result, "SB701")
    assert problem["line"] == repo.line_of("updates:")
    assert (
        "update 2 (2026-11-21T09:40:00Z, 'A bad deploy is being rolled back.')"
        in problem["message"]
    )


def test_emptied_timeline_reports_every_published_update(repo):
    repo.edit(
        "  - at: 2026-11-21T10:10:00Z\n    status: monitoring\n    message: Error rates are falling.\n",
        "",
    )
    repo.edit(
        "  - at: 2026-11-21T09:40:00Z\n"
        "    status: identified\n"
        "    message: A bad deploy is being rolled back.\n"
        "    components:\n"
        "      api: partial_outage\n",
        "",
    )
    # The history guard's findings (what is left is also stale news, SB310).
    assert [code for code in codes(check()) if code.startswith("SB7")] == ["SB701", "SB701"]


def test_reordered_updates_are_reported_at_the_moved_update(repo):
    second = (
        "  - at: 2026-11-21T09:40:00Z\n"
        "    status: identified\n"
        "    message: A bad deploy is being rolled back.\n"
        "    components:\n"
        "      api: partial_outage\n"
    )
    third = "  - at: 2026-11-21T10:10:00Z\n    status: monitoring\n    message: Error rates are falling.\n"
    repo.edit(second + third, third + second)
    result = check()
    assert result.exit_code == 1
    [moved] = problems(result, "SB702")
    assert "position" in moved["message"]
    lines = repo.read().splitlines()
    assert lines[moved["line"] - 1].startswith("  - at: ")
    assert "SB204" in codes(result)  # and the timeline is out of order, as validate says anyway


def test_backdated_update_inserted_before_published_ones_is_reported(repo):
    repo.edit(
        "  - at: 2026-11-21T09:40:00Z\n",
        "  - at: 2026-11-21T09:20:00Z\n"
        "    status: update\n"
        "    message: We posted on social media too.\n"
        "  - at: 2026-11-21T09:40:00Z\n",
    )
    result = check()
    assert codes(result) == ["SB704"]
    [problem] = problems(result, "SB704")
    assert problem["line"] == repo.line_of("at: 2026-11-21T09:20:00Z")


def test_maintenance_updates_are_guarded_too(repo):
    name = "2026-11-22-database-upgrade.md"
    repo.edit("We will upgrade the database.", "We upgraded the database.", name)
    [problem] = problems(check(), "SB703")
    assert problem["file"] == "incidents/2026/" + name


def test_changes_committed_on_a_branch_are_compared_with_the_base_branch(repo):
    repo.git("checkout", "-q", "-b", "fix")
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    repo.commit("rewrite on a branch")
    assert codes(check()) == ["SB703"]
    assert codes(validate("--format", "json", "--base", "HEAD")) == []


# --- the escape in the record: a correction ------------------------------------------------------


def test_a_new_correction_allows_rewriting_published_updates(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    repo.edit("at: 2026-11-21T09:05:00Z", "at: 2026-11-21T09:06:00Z")
    repo.edit(
        "  - at: 2026-11-21T10:10:00Z\n    status: monitoring\n    message: Error rates are falling.\n",
        "",
    )
    add_correction(repo, "Fixed the text and time of two updates and removed a duplicate.")
    result = check()
    assert result.exit_code == 0, result.output


def test_a_correction_already_published_does_not_allow_new_rewrites(repo):
    add_correction(repo)
    repo.commit("published correction")
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    assert codes(check()) == ["SB703"]


def test_a_correction_in_another_record_does_not_allow_rewrites_here(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    name = "2026-11-22-database-upgrade.md"
    repo.edit(
        "    message: We will upgrade the database.\n",
        f"    message: We will upgrade the database.\ncorrections:\n  - at: {NOW}\n    note: Nothing.\n",
        name,
    )
    assert codes(check()) == ["SB703"]


def test_published_corrections_are_append_only(repo):
    add_correction(repo, "First note.")
    repo.commit("published correction")
    repo.edit("note: First note.", "note: A different story.")
    result = check()
    [problem] = problems(result, "SB705")
    assert problem["line"] == repo.line_of("note: A different story.") - 1
    assert "rewritten" in problem["message"]
    repo.edit(f"corrections:\n  - at: {NOW}\n    note: A different story.\n", "")
    [problem] = problems(check(), "SB705")
    assert "deleted" in problem["message"]


# --- records deleted or renamed, and the command-line escapes -----------------------------------


def test_deleted_record_is_reported_and_can_be_allowed_by_id(repo):
    repo.path().unlink()
    result = check()
    assert result.exit_code == 1
    [problem] = problems(result, "SB706")
    assert problem["file"] == "incidents/2026/" + RECORD
    assert "--allow-removal 2026-11-21-api-errors" in problem["fix"]
    assert check("--allow-removal", "2026-11-21-api-errors").exit_code == 0
    assert check("--allow-removal", "incidents/2026/" + RECORD).exit_code == 0
    assert check("--allow-removal", "2026-11-22-database-upgrade").exit_code == 1


def test_unpublishing_a_record_by_renaming_it_to_a_draft_is_a_deletion(repo):
    repo.path().rename(repo.path().with_name("_" + RECORD))
    assert codes(check()) == ["SB706"]


def test_renamed_record_is_reported_at_its_new_file(repo):
    new_name = "2026-11-21-api-error-rates.md"
    repo.git("mv", str(repo.path()), str(repo.path(new_name)))
    result = check()
    assert result.exit_code == 1
    [problem] = problems(result, "SB707")
    assert problem["file"] == "incidents/2026/" + new_name
    assert problem["line"] == 1
    assert "2026-11-21-api-errors" in problem["message"]
    assert check("--allow-removal", "2026-11-21-api-errors").exit_code == 0


def test_renamed_and_edited_record_is_still_recognised(repo):
    new_name = "2026-11-21-api-error-rates.md"
    repo.path().rename(repo.path(new_name))
    repo.edit("title: API errors", "title: Elevated API error rates", new_name)
    repo.edit("Error rates are falling.", "Errors are falling.", new_name)
    result = check("--allow-removal", "2026-11-21-api-errors")
    # The rename is allowed; retitling it and rewriting its published updates are not.
    assert codes(result) == ["SB713", "SB703"]
    assert problems(result, "SB703")[0]["file"] == "incidents/2026/" + new_name


def test_moving_a_record_to_another_folder_keeps_its_id(repo):
    moved = repo.project.records / "2026" / "api" / RECORD
    moved.parent.mkdir()
    repo.path().rename(moved)
    # Only the folder convention complains; the history guard sees the same record.
    assert codes(check()) == ["SB401"]


def test_the_guard_covers_every_record_whatever_paths_are_given(repo):
    repo.path().unlink()
    other = repo.path("2026-11-22-database-upgrade.md")
    assert codes(validate("--format", "json", "--base", "main", str(other))) == ["SB706"]


def test_allow_history_rewrite_allows_everything(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    repo.path("2026-11-22-database-upgrade.md").unlink()
    assert check().exit_code == 1
    result = check("--allow-history-rewrite")
    assert result.exit_code == 0, result.output


def test_history_problems_still_show_with_other_problems_and_paths(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    repo.edit("impact: major", "impact: majr")
    result = validate("--format", "json", "--base", "main", str(repo.path()))
    assert sorted(codes(result)) == ["SB104", "SB703"]


# --- output formats -----------------------------------------------------------------------------


def test_problems_print_as_text_and_github_annotations(repo):
    repo.edit("A bad deploy is being rolled back.", "A bad deploy was rolled back.")
    line = repo.line_of("A bad deploy was rolled back.")
    text = validate("--base", "main")
    assert f"incidents/2026/{RECORD}:{line}:" in text.output
    assert "error SB703 [published-update-rewritten]" in text.output
    github = validate("--format", "github", "--base", "main")
    assert github.exit_code == 1
    assert (
        f"::error file=incidents/2026/{RECORD},line={line},col=14,"
        "title=SB703 published-update-rewritten::published update 2" in github.output
    )


def test_deleted_record_annotation_names_the_file(repo):
    repo.path().unlink()
    github = validate("--format", "github", "--base", "main")
    assert f"::error file=incidents/2026/{RECORD},title=SB706 record-deleted::" in github.output


# --- usage errors ---------------------------------------------------------------------------------


def test_unknown_revision_is_a_usage_error(repo):
    result = validate("--base", "origin/nowhere")
    assert result.exit_code == 2
    assert "'origin/nowhere' is not a commit" in result.output
    assert "fetch-depth: 0" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_option_looking_revision_is_refused(repo):
    result = validate("--base", "--output=/tmp/x")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_outside_a_git_repository_is_a_usage_error(project):
    project.write(RECORD, PUBLISHED)
    result = validate("--base", "main")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_escape_options_need_base(repo):
    for args in (["--allow-history-rewrite"], ["--allow-removal", "x"]):
        result = validate(*args)
        assert result.exit_code == 2
        assert "need --base" in result.output


def test_broken_records_are_reported_not_raised(repo):
    repo.path().write_bytes(b"---\ntitle: [unclosed\n---\n")
    result = check()
    assert result.exit_code == 1
    assert codes(result) == ["SB003"]
    repo.path().write_bytes(b"\xff\xfe not text")
    assert codes(check()) == ["SB001"]
