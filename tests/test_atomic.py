"""Writes are atomic: a failure at any point leaves the old file intact and no debris."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.io.atomic import write_atomic

from .conftest import Project

NOW = "2026-11-21T12:00:00Z"
RECORD = """\
---
title: API errors   # keep me
kind: outage
impact: major
components:
  api: major_outage
updates:
  - at: 2026-11-20T14:05:00Z
    status: investigating
    message: We are looking into it.
---
Body.
"""


@pytest.fixture
def record(project: Project) -> Path:
    return project.write("2026-11-20-api-errors.md", RECORD)


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def fail(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failed_update_leaves_the_old_file_and_no_temporary_file(
    record: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = record.read_bytes()
    monkeypatch.setattr(os, step, fail)
    result = CliRunner().invoke(
        cli, ["update", "api-errors", "-m", "Progress.", "--at", "2026-11-20T15:00Z", "--now", NOW]
    )
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "the old file is unchanged" in result.output
    assert "Traceback" not in result.output
    assert record.read_bytes() == before
    assert leftovers(record.parent) == []


def test_an_interrupt_during_the_rename_leaves_the_old_file(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = record.read_bytes()

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(record, b"new content")
    assert record.read_bytes() == before
    assert leftovers(record.parent) == []


def test_a_failed_write_of_the_data_leaves_the_old_file(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = record.read_bytes()
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: int, mode: str) -> None:
            self.stream = real_fdopen(handle, mode)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *_: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            self.stream.write(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", FullDisk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(record, b"a much longer replacement that will not fit")
    assert record.read_bytes() == before
    assert leftovers(record.parent) == []


def test_a_successful_write_keeps_the_file_mode(record: Path) -> None:
    record.chmod(0o640)
    write_atomic(record, b"new")
    assert record.read_bytes() == b"new"
    assert stat.S_IMODE(record.stat().st_mode) == 0o640
    assert leftovers(record.parent) == []


def test_a_new_file_gets_the_usual_mode_and_is_never_written_over(tmp_path: Path) -> None:
    target = tmp_path / "2026" / "new.md"
    write_atomic(target, b"first", exclusive=True)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    assert leftovers(target.parent) == []


def test_creating_without_hard_links_still_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "new.md"
    write_atomic(target, b"first", exclusive=True)
    assert target.read_bytes() == b"first"
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    assert leftovers(tmp_path) == []


def test_a_failed_new_record_leaves_no_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", fail)
    result = CliRunner().invoke(
        cli,
        [
            "new",
            "--title",
            "Disk full",
            "--kind",
            "outage",
            "--impact",
            "minor",
            "-c",
            "api",
            "-m",
            "Investigating.",
            "--now",
            NOW,
        ],
    )
    assert result.exit_code == 1, result.output
    assert list(project.records.rglob("*")) in ([], [project.records / "2026"])
    assert not [path for path in project.records.rglob(".*")]
