"""`statusbook serve` as people run it: a real process, a real server on 127.0.0.1.

While a record (or the catalog) is broken the preview keeps answering, with a page that
lists the problems, and comes back by itself once they are fixed; Ctrl-C ends it quietly
and leaves nothing running and nothing behind. Every wait is bounded, so a server that
hangs fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import Project
from .sitebuild import install_site_files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals as POSIX sends them")

NOW_ARGS = ("--now", "2026-11-21T12:00:00Z")
RECORD_NAME = "2026-11-21-api-errors.md"
RECORD = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T10:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T10:05:00Z
    status: investigating
    message: Looking into it.
---
"""
#: A broken value that is also markup: the error page must show it, not run it.
BROKEN = RECORD.replace("impact: major", 'impact: "<script>alert(1)</script>"')
#: How long any one thing may take before the test calls it hung.
PATIENCE = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Serve:
    """A running ``statusbook serve`` and a way to ask it for pages."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process, self.port, self.log = process, port, log

    def get(self, path: str) -> tuple[int, str]:
        """Status and body of ``path``; a request may take 10 s, never longer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def until(self, check: Callable[[int, str], bool], path: str = "/") -> str:
        """Ask for ``path`` until ``check`` holds (a rebuild may be under way); its body."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.stderr()
            try:
                status, body = self.get(path)
            except OSError:  # not listening yet
                status, body = 0, ""
            if check(status, body):
                return body
            time.sleep(0.2)
        raise AssertionError(f"{path} never became what the test waits for:\n{self.stderr()}")

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        """Ctrl-C, as ``kill -INT`` sends it to statusbook alone; its exit status."""
        self.process.send_signal(signum)
        return self.process.wait(timeout=PATIENCE)

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serving(project: Project, tmp: Path, *, background: bool = False) -> Iterator[Serve]:
    """``statusbook serve`` in ``project`` on a free port; stopped if the test leaves it running.

    ``background``: started as a shell starts ``statusbook serve &``, with SIGINT ignored.
    """
    install_site_files(project.root)
    port = _free_port()
    log = project.root.parent / f"serve-{port}.log"
    env = {**os.environ, "TMPDIR": str(tmp), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "statusbook",
                "serve",
                "--dev-addr",
                f"127.0.0.1:{port}",
                *NOW_ARGS,
            ],
            cwd=project.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=_ignore_sigint if background else None,
        )
    try:
        yield Serve(process, port, log)
    finally:
        if process.poll() is None:  # the test failed half-way: stop it the way people do
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _is_problem_page(status: int, body: str) -> bool:
    return "statusbook: records have problems" in body


def _is_status_page(status: int, body: str) -> bool:
    return status == 200 and "API errors" in body and "have problems" not in body


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    """The server's temporary folder (MkDocs builds its preview there)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_a_broken_record_is_served_as_a_page_of_its_problems(project, tmp):
    record = project.write(RECORD_NAME, BROKEN)
    with serving(project, tmp) as server:
        home = server.until(lambda status, body: status == 200)
        assert _is_problem_page(200, home)
        assert f"incidents/2026/{RECORD_NAME}:4:9" in home
        assert "SB104" in home and "[invalid-value]" in home
        assert "fix: use one of: none, minor, major, critical" in home
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home
        assert "<script>alert(1)" not in home
        assert "Checked 1 record: 1 error, 0 warnings." in home

        assert 'http-equiv="refresh"' not in home  # MkDocs' live reload brings the site back
        status, elsewhere = server.get("/incidents/2026-11-21-api-errors/")
        assert status == 404 and f"incidents/2026/{RECORD_NAME}:4:9" in elsewhere
        assert 'http-equiv="refresh"' in elsewhere  # a 404 gets no live reload: it polls

        record.write_text(RECORD, encoding="utf-8")
        server.until(_is_status_page)
        status, _ = server.get("/incidents/2026-11-21-api-errors/")
        assert status == 200

        record.write_text(BROKEN, encoding="utf-8")
        server.until(_is_problem_page)
        assert server.interrupt() in (0, 130)
    assert "Traceback" not in server.stderr()


def test_a_catalog_broken_while_serving_is_shown_and_its_fix_brings_the_site_back(project, tmp):
    project.write(RECORD_NAME, RECORD)
    with serving(project, tmp) as server:
        server.until(_is_status_page)
        good = project.catalog_path.read_text(encoding="utf-8")
        project.catalog_path.write_text(good.replace("group: core\n", "group: nowhere\n", 1))
        page = server.until(lambda status, body: "statusbook: the catalog is invalid" in body)
        assert "statusbook.yml:" in page and "SB501" in page
        project.catalog_path.write_text(good, encoding="utf-8")
        server.until(_is_status_page)
        server.interrupt()


@pytest.mark.parametrize(
    ("background", "signum"),
    [(False, signal.SIGINT), (False, signal.SIGTERM), (True, signal.SIGTERM)],
    ids=["ctrl-c", "sigterm", "sigterm-to-a-background-job"],
)
def test_stopping_serve_is_quiet_and_leaves_nothing_running(project, tmp, background, signum):
    """A background job starts with SIGINT ignored; MkDocs must still hear the Ctrl-C we
    pass on when SIGTERM asks statusbook to stop."""
    project.write(RECORD_NAME, RECORD)
    with serving(project, tmp, background=background) as server:
        server.until(_is_status_page)
        assert server.interrupt(signum) in (0, 130)
        with pytest.raises(OSError):  # MkDocs ended with it: nothing listens any more
            server.get("/")
    log = server.stderr()
    assert "Traceback" not in log and "Aborted" not in log
    assert list(tmp.iterdir()) == []  # MkDocs shut down cleanly: its preview folder is gone


def test_the_static_outputs_folder_goes_when_a_build_process_ends_early(tmp_path):
    """An interrupted build never reaches MkDocs' on_build_error; exiting still cleans up."""
    site = tmp_path / "site"
    site.mkdir()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from statusbook.benchmarks.synthetic import build\n"
        "from statusbook.derive.snapshot import derive\n"
        "from statusbook.mkdocs.background import StaticOutputs\n"
        "from datetime import datetime, UTC\n"
        "catalog, incidents = build(20, 3)\n"
        "now = datetime(2026, 11, 21, tzinfo=UTC)\n"
        "outputs = StaticOutputs(derive(catalog, incidents, now), Path(sys.argv[1]))\n"
        "print(outputs.staging)\n"
        "raise KeyboardInterrupt\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        cwd=tmp_path,
    )
    staging = Path(done.stdout.strip())
    assert staging.parent == tmp_path
    assert not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
