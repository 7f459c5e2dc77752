"""The history guard reads what the base published through the base's own catalog: a change
that moves, copies or narrows the records folder and changes `records:` with it hides
nothing, and a move of the folder is a move, not a fresh start. Through `statusbook validate
--base` in real git repositories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import CATALOG, GitRepo, Project
from .samples import DATABASE_WINDOW, OPEN_INCIDENT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOW = "2026-11-21T12:00:00Z"
RECORD = "2026-11-21-api-errors.md"
OLD = "2025-12-09-sso-outage.md"
WINDOW = "2026-11-22-database-upgrade.md"

PUBLISHED = OPEN_INCIDENT

LAST_YEAR = """\
---
title: SSO outage
kind: outage
impact: major
started: 2025-12-09T15:02:00Z
resolved: 2025-12-09T15:58:00Z
components:
  dashboard: major_outage
updates:
  - at: 2025-12-09T15:09:00Z
    status: investigating
    message: Sign-in fails for SSO users.
  - at: 2025-12-09T15:58:00Z
    status: resolved
    message: Sign-in works again.
---
"""


class Repo(GitRepo):
    def __init__(self, project: Project) -> None:
        super().__init__(project.root)
        self.project = project

    def records(self, folder: str) -> None:
        """Point the catalog's `records:` at ``folder``."""
        self.project.catalog_path.write_text(f"{CATALOG}records: {folder}\n", encoding="utf-8")

    def move(self, old: str, new: str) -> None:
        target = self.root / new
        target.parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)


@pytest.fixture
def repo(project: Project) -> Repo:
    project.write(RECORD, PUBLISHED)
    project.write(OLD, LAST_YEAR)
    project.write(WINDOW, DATABASE_WINDOW)
    repo = Repo(project)
    repo.commit("publish")
    return repo


def check(*args: str) -> Result:
    return CliRunner().invoke(
        cli, ["validate", "--now", NOW, "--format", "json", "--base", "main", *args]
    )


def problems(result: Result) -> list[dict]:
    """The history guard's findings (SB7xx): the records' own warnings are another story."""
    return [p for p in json.loads(result.output)["problems"] if p["code"].startswith("SB7")]


def codes(result: Result) -> list[str]:
    return sorted(problem["code"] for problem in problems(result))


def rewrite(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("elevated API error rates", "a few API errors"), encoding="utf-8")


def test_renaming_the_records_folder_is_a_move_not_a_fresh_start(repo):
    repo.move("incidents", "records")
    repo.records("records")
    result = check()
    assert result.exit_code == 0, result.output
    # …and what the move hid before is found: a rewrite and a deletion in the moved folder.
    rewrite(repo.root / "records" / "2026" / RECORD)
    (repo.root / "records" / "2025" / OLD).unlink()
    result = check()
    assert codes(result) == ["SB703", "SB706"]
    deleted = next(p for p in problems(result) if p["code"] == "SB706")
    assert deleted["file"] == f"incidents/2025/{OLD}"  # where it was published
    assert "'incidents' to 'records'" in deleted["message"]


def test_a_moved_folder_committed_on_a_branch_is_compared_too(repo):
    repo.git("checkout", "-q", "-b", "move")
    repo.move("incidents", "history/incidents")
    repo.records("history/incidents")
    rewrite(repo.root / "history" / "incidents" / "2026" / RECORD)
    repo.commit("move the records and rewrite one")
    assert codes(check()) == ["SB703"]


def test_a_copied_folder_is_compared_with_the_published_records(repo):
    shutil.copytree(repo.project.records, repo.root / "copy")
    repo.records("copy")
    rewrite(repo.root / "copy" / "2026" / RECORD)
    (repo.root / "copy" / "2026" / WINDOW).unlink()
    result = check()
    assert codes(result) == ["SB703", "SB706"]
    rewritten = next(p for p in problems(result) if p["code"] == "SB703")
    assert rewritten["file"] == f"copy/2026/{RECORD}"


def test_narrowing_records_does_not_hide_the_records_left_outside(repo):
    repo.records("incidents/2026")
    result = check()
    assert result.exit_code == 1
    [problem] = problems(result)
    assert problem["code"] == "SB706"
    assert problem["file"] == f"incidents/2025/{OLD}"
    assert "'incidents' to 'incidents/2026'" in problem["message"]
    assert "keep it under 'incidents/2026'" in problem["fix"]
    assert check("--allow-removal", OLD).exit_code == 0


def test_widening_records_keeps_every_published_record(repo):
    repo.records("incidents/2026")
    repo.commit("narrowed, reviewed")
    repo.records("incidents")
    assert check().exit_code == 0


def test_a_moved_catalog_is_named_and_stops_the_guard(repo):
    (repo.root / "config").mkdir()
    repo.git("mv", "statusbook.yml", "config/statusbook.yml")
    repo.project.catalog_path = repo.root / "config" / "statusbook.yml"
    repo.project.catalog_path.write_text(f"{CATALOG}records: ../incidents\n", encoding="utf-8")
    args = ["--config", "config/statusbook.yml", "validate", "--now", NOW, "--base", "main"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "config/statusbook.yml was not there at main, which had statusbook.yml" in result.output
    assert "--allow-history-rewrite" in result.output
    assert "Traceback" not in result.output
    allowed = CliRunner().invoke(cli, [*args, "--allow-history-rewrite"])
    assert allowed.exit_code == 0, allowed.output


def test_another_catalog_in_the_repository_is_not_taken_for_a_move(project):
    """A base without this catalog (it is added now) but with another site's catalog that
    is still there: nothing moved, and the records at the same place are compared."""
    project.write(RECORD, PUBLISHED)
    project.catalog_path.rename(project.root / "kept.yml")
    (project.root / "other").mkdir()
    (project.root / "other" / "statusbook.yml").write_text(CATALOG, encoding="utf-8")
    repo = Repo(project)
    repo.commit("records and another site, before this catalog")
    (project.root / "kept.yml").rename(project.catalog_path)
    rewrite(project.records / "2026" / RECORD)
    assert codes(check()) == ["SB703"]


def test_a_base_records_folder_outside_the_repository_is_a_usage_error(repo):
    repo.records("../elsewhere")
    repo.commit("records outside")
    repo.records("incidents")
    result = CliRunner().invoke(cli, ["validate", "--now", NOW, "--base", "main"])
    assert result.exit_code == 2
    assert "outside the repository" in result.output
