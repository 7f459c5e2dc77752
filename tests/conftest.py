"""Shared fixtures: a throwaway status repository built from small hand-written files, the demo
repository in tests/fixtures/demo, and the guard that keeps tests off the repository's own data.

The root's ``statusbook.yml``, ``incidents/`` and ``pages/`` belong to whoever runs this status
page: they record real incidents there, at real times. A test that read them would go red
the day they did, so every test builds from files under ``tests/`` and the guard below fails
any test that reads the root's data. Only ``tests/test_examples.py`` looks at the shipped
examples, and only when pytest runs with ``--examples``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

#: The instant most tests run at, so results never depend on the clock.
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

#: A full status repository of the tests' own: a frozen copy of the examples statusbook shipped.
DEMO_ROOT = Path(__file__).resolve().parent / "fixtures" / "demo"
#: The demo's instant: the API incident is ongoing, the database upgrade upcoming.
DEMO_NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)

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


# --- the shipped examples: one opt-in check -----------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--examples",
        action="store_true",
        help="also check the repository's own statusbook.yml and incidents/ (tests/test_examples.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "examples: reads the repository's own records; runs only with --examples"
    )
    if not GUARD.installed:
        sys.addaudithook(GUARD)
        GUARD.installed = True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--examples"):
        return
    skip = pytest.mark.skip(reason="the shipped examples are checked only with --examples")
    for item in items:
        if item.get_closest_marker("examples"):
            item.add_marker(skip)


# --- the guard: no test reads the repository's own data -----------------------------------------

#: What the people running the status page edit, relative to the repository root.
USER_DATA = ("statusbook.yml", "incidents", "pages")
_EVENTS = frozenset({"open", "os.scandir", "os.listdir", "subprocess.Popen"})


class UserDataGuard:
    """An audit hook that notes every read of the root's data: files opened and folders listed
    in this process, and commands started on them or in the root (a build of the root's
    ``mkdocs.yml`` reads the root's catalog). Reports fail the test that made the read."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.data = tuple(str(root / name) for name in USER_DATA)
        self.site = str(root / "mkdocs.yml")
        self.installed = False
        self.allowed = False
        self.reads: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if self.allowed or event not in _EVENTS:
            return
        try:
            found = self._command(*args[:3]) if event == "subprocess.Popen" else self._opened(args)
        except Exception:  # an audit hook must never break the operation it watches
            return
        if found:
            self.reads.append(f"{event}: {found}")

    def _path(self, value: Any, cwd: str | None = None) -> str:
        """``value`` (a path or a word of a command) as an absolute path; None is the cwd."""
        text = "." if value is None else os.fsdecode(value)
        return os.path.normpath(os.path.join(cwd or os.getcwd(), text))

    def _opened(self, args: tuple[Any, ...]) -> str | None:
        # os.open (mode None) may take a relative path from a dir_fd, as shutil.rmtree does
        # in a tree of its own: only an absolute one is surely the root's.
        if len(args) > 1 and args[1] is None and not os.path.isabs(os.fsdecode(args[0])):
            return None
        return self._data(args[0])

    def _data(self, value: Any, cwd: str | None = None) -> str | None:
        if isinstance(value, int):  # an open file descriptor: its path was seen when opened
            return None
        full = self._path(value, cwd)
        inside = any(full == data or full.startswith(data + os.sep) for data in self.data)
        return full if inside else None

    def _command(self, executable: Any, args: Any, cwd: Any) -> str | None:
        words = [os.fsdecode(w) for w in (args.split() if isinstance(args, str) else args)]
        folder = self._path(cwd)
        names = {os.path.basename(word) for word in words[:3]}  # statusbook, python -m mkdocs
        finds_root_catalog = folder == self.root and bool(names & {"statusbook", "mkdocs"})
        on_data = any(self._data(w, folder) or self._path(w, folder) == self.site for w in words)
        return " ".join(words) if on_data or finds_root_catalog else None

    @contextmanager
    def caught(self) -> Iterator[list[str]]:
        """The reads made inside the block, taken out of the record so they fail nothing."""
        start, seen = len(self.reads), []
        try:
            yield seen
        finally:
            seen += self.reads[start:]
            del self.reads[start:]

    def flag(self, report: Any) -> Any:
        """Turn a passing report into a failure naming the reads since the last report."""
        if self.reads and not report.failed:
            report.outcome = "failed"
            report.longrepr = (
                "read the repository's own data, which belongs to whoever runs this status page "
                "(use tests/fixtures/demo, DEMO_ROOT, instead):\n  "
                + "\n  ".join(dict.fromkeys(self.reads))
            )
            self.reads.clear()
        return report


GUARD = UserDataGuard(REPO_ROOT)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    GUARD.allowed = item.get_closest_marker("examples") is not None
    try:
        return (yield)
    finally:
        GUARD.allowed = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    return GUARD.flag((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    return GUARD.flag((yield))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if GUARD.reads:  # made outside any test's reports, say by a session fixture's teardown
        print("\nread the repository's own data:\n  " + "\n  ".join(GUARD.reads), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
