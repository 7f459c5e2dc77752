"""The guard in conftest.py: a test that reads the repository's own statusbook.yml, incidents/
or pages/ fails, wherever the read happens; the demo fixture and the tool's own files do not.

The root's data belongs to whoever runs the status page. These tests show that the guard
sees each kind of read and that a read really turns into a failure, so the rest of the
suite passing means it never touched that data.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from contextlib import suppress
from pathlib import Path

from .conftest import DEMO_ROOT, GUARD, REPO_ROOT


def _reads(action) -> list[str]:
    # suppress: the root's data may be gone; the attempt is what counts.
    with GUARD.caught() as seen, suppress(OSError):
        action()
    return seen


def test_opening_or_listing_the_roots_data_is_seen():
    assert _reads(lambda: (REPO_ROOT / "statusbook.yml").read_text())
    assert _reads(lambda: os.open(REPO_ROOT / "incidents" / "2026" / "x.md", os.O_RDONLY))
    assert _reads(lambda: list((REPO_ROOT / "incidents").rglob("*.md")))
    assert _reads(lambda: os.listdir(REPO_ROOT / "pages"))


def test_a_relative_path_is_read_from_the_working_folder(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    assert _reads(lambda: Path("statusbook.yml").read_bytes())
    monkeypatch.chdir(DEMO_ROOT)
    assert not _reads(lambda: Path("statusbook.yml").read_bytes())


def test_commands_on_the_roots_data_or_site_are_seen():
    python = sys.executable
    build = [python, "-m", "mkdocs", "build", "-f", str(REPO_ROOT / "mkdocs.yml")]
    assert _reads(lambda: GUARD("subprocess.Popen", (python, build, None, None)))
    validate = [python, "-m", "statusbook", "validate"]
    assert _reads(lambda: GUARD("subprocess.Popen", (python, validate, str(REPO_ROOT), None)))
    assert not _reads(lambda: GUARD("subprocess.Popen", (python, validate, str(DEMO_ROOT), None)))
    lint = ["actionlint", str(REPO_ROOT / ".github" / "workflows" / "publish.yml")]
    assert not _reads(lambda: GUARD("subprocess.Popen", ("actionlint", lint, str(REPO_ROOT), None)))


def test_the_demo_and_the_tools_own_files_are_not_the_roots_data():
    assert not _reads(lambda: (DEMO_ROOT / "statusbook.yml").read_text())
    assert not _reads(lambda: list((DEMO_ROOT / "incidents").rglob("*.md")))
    for tool_file in ("README.md", "mkdocs.yml", "pyproject.toml", "Makefile"):
        assert not _reads(lambda name=tool_file: (REPO_ROOT / name).read_bytes())
    assert not _reads(lambda: list((REPO_ROOT / "schemas").iterdir()))
    assert not _reads(lambda: (REPO_ROOT / "statusbook.yml.orig").read_bytes())  # only alike


def test_a_test_that_reads_the_roots_data_fails_unless_it_checks_the_examples(tmp_path):
    (tmp_path / "test_reader.py").write_text(
        textwrap.dedent(
            """\
            from contextlib import suppress

            import pytest

            from tests.conftest import REPO_ROOT


            def read():
                with suppress(OSError):
                    (REPO_ROOT / "incidents" / "2026" / "a.md").read_text()


            def test_reads_the_records():
                read()


            @pytest.fixture(scope="module")
            def records():
                read()


            def test_uses_a_fixture_that_reads_them(records):
                pass


            @pytest.mark.examples
            def test_checks_the_shipped_examples():
                read()
            """
        )
    )
    path = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    run = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*run, "-q", "-rA", "--examples", "test_reader.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = result.stdout
    assert result.returncode == 1, summary + result.stderr
    assert "FAILED test_reader.py::test_reads_the_records" in summary
    assert "ERROR test_reader.py::test_uses_a_fixture_that_reads_them" in summary
    assert "PASSED test_reader.py::test_checks_the_shipped_examples" in summary
    assert "read the repository's own data" in summary
    assert f"open: {REPO_ROOT / 'incidents' / '2026' / 'a.md'}" in summary
