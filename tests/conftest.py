"""Shared fixtures: a throwaway status repository built from small hand-written files."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

#: The instant most tests run at, so results never depend on the clock.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

CATALOG = """\
site:
  name: Test Status
  url: https://status.test.example/
groups:
  - id: core
    name: Core
components:
  - id: api
    name: API
    group: core
    sla: 99.9
    monitored_since: 2025-01-01
  - id: dashboard
    name: Dashboard
    group: core
    sla: 99.5
    monitored_since: 2025-01-01
  - id: database
    name: Database
    sla: 99.99
    monitored_since: 2025-01-01
"""


class Project:
    """A status repository in a temporary folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog_path = root / "statusbook.yml"
        self.records = root / "incidents"
        self.records.mkdir()
        self.catalog_path.write_text(CATALOG, encoding="utf-8")

    def write(self, name: str, text: str, *, dedent: bool = True) -> Path:
        """Write a record; ``name`` like ``2026-11-20-x.md`` goes in its year folder."""
        folder = self.records / name[:4] if name[:4].isdigit() else self.records
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        folder = self.records / name[:4]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        return path


class GitRepo:
    """A repository in ``root``: branch main, a fixed identity, commits at the time given."""

    #: Commit time unless a test says otherwise, so commit ids are repeatable.
    WHEN = "2026-11-21T09:10:00Z"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "user.name", "Test")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, when: str | None = None) -> str:
        moment = when or self.WHEN
        env = {**os.environ, "GIT_COMMITTER_DATE": moment, "GIT_AUTHOR_DATE": moment}
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True, env=env
        ).stdout

    def commit(self, message: str = "state", *, when: str | None = None) -> str:
        """Commit everything; the new commit's id."""
        self.git("add", "-A", when=when)
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty status repository; the working folder is its root."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("STATUSBOOK_CONFIG", raising=False)
    return Project(tmp_path)


@pytest.fixture
def write_record(project: Project) -> Callable[..., Path]:
    return project.write
