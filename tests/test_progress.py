"""Long work shows progress to a person at a terminal, and stays quiet in CI and in logs.

The commands run in a pseudo-terminal (what a person's shell gives them) and with their
output in a pipe (a log), with and without ``CI`` set.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .published import incident_text, new_project, record_name

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CSTATE = Path(__file__).parent / "fixtures" / "cstate"


def run(command: list[str], cwd: Path, *, terminal: bool, ci: bool) -> str:
    """Everything the command wrote to its stderr, from a terminal or from a pipe."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env |= {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    env["TERM"] = "xterm"
    if ci:
        env["CI"] = "true"
    if not terminal:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode(errors="replace")


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    project = new_project(tmp_path_factory.mktemp("repo"))
    for day in range(1, 21):
        moment = datetime(2026, 10, day, tzinfo=UTC)
        project.write(record_name(moment, f"slow-{day}"), incident_text(moment, f"Slow {day}"))
    return project.root


def build(root: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]


def test_a_build_on_a_terminal_shows_its_progress(repository):
    said = run(build(repository), repository, terminal=True, ci=False)
    assert "statusbook: writing pages" in said
    assert "100%" in said


@pytest.mark.parametrize(("terminal", "ci"), [(True, True), (False, False), (False, True)])
def test_a_build_in_ci_or_a_log_stays_quiet(repository, terminal, ci):
    said = run(build(repository), repository, terminal=terminal, ci=ci)
    assert "writing pages" not in said and "%" not in said


@pytest.fixture
def importing(tmp_path) -> Path:
    project = new_project(tmp_path / "repo")
    shutil.copytree(CSTATE, tmp_path / "cstate")
    return project.root


def statusbook(*args: str) -> list[str]:
    return [sys.executable, "-m", "statusbook", *args]


def test_an_import_on_a_terminal_shows_its_progress(importing):
    command = statusbook(
        "import", "cstate", str(importing.parent / "cstate"), "--now", "2026-11-21T12:00:00Z"
    )
    said = run(command, importing, terminal=True, ci=False)
    assert "Checking records" in said and "Writing records" in said


def test_an_import_in_a_log_stays_quiet(importing):
    command = statusbook(
        "import", "cstate", str(importing.parent / "cstate"), "--now", "2026-11-21T12:00:00Z"
    )
    said = run(command, importing, terminal=False, ci=False)
    assert "Checking records" not in said
