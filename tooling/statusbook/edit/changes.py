"""A planned change to one file, and the one way it reaches the disk.

Every edit is first a :class:`Change`: the bytes before and after, validated exactly as
``statusbook validate`` would (:func:`checked`). Only :func:`write` touches the disk: under
the file's lock it refuses when the file changed since it was read, and replaces it
atomically, so a crash or a full disk leaves the old file as it was and two writers at the
same moment never lose one of the two edits. Errors are exceptions carrying problems, never
printed here.

What only a diff or a write needs — :mod:`difflib`, and the lock and atomic replace with
:mod:`tempfile` behind them — is imported where it is used. The errors live in
:mod:`statusbook.edit.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statusbook.edit.errors import BusyError, ConflictError, EditError, EditRefused
from statusbook.load.records import parse_source
from statusbook.load.rules import check_record
from statusbook.model import Catalog, Incident
from statusbook.paths import display_path
from statusbook.problems import Problem

# --- changes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """New bytes for one file; ``before`` is ``None`` when the file is created."""

    path: Path
    before: bytes | None
    after: bytes

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self, base: Path | None = None) -> str:
        """A unified diff, as ``git diff`` would show it (paths relative to ``base``)."""
        import difflib

        name = display_path(self.path, base)
        before = _lines(self.before)
        after = _lines(self.after)
        lines = difflib.unified_diff(
            before, after, "/dev/null" if self.is_new else f"a/{name}", f"b/{name}"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class Change(FileChange):
    """A validated change to one record."""

    incident: Incident
    #: Warnings the validator raised about the new version (errors refuse the change).
    warnings: tuple[Problem, ...] = ()
    #: What the change is about, in the record's words, when the person named it by a part
    #: of it (the action item ``--close alert`` closed), so the output can say which.
    subject: str = ""


@dataclass(frozen=True)
class CatalogChange(FileChange):
    """A validated change to the catalog file."""

    catalog: Catalog


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)


def decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(f"{path} is not UTF-8 text; save it as UTF-8 first") from None


# --- checking and writing ----------------------------------------------------------------------


def checked(
    catalog: Catalog, path: Path, before: bytes | None, after: bytes, now: datetime
) -> Change:
    source = parse_source(path, after)
    incident = check_record(source, catalog, now)
    problems = sorted(source.problems, key=Problem.sort_key)
    errors = [problem for problem in problems if problem.is_error]
    if errors or incident is None:
        raise EditRefused(
            f"the change would make {path.name} invalid, so nothing was written",
            errors or problems,
            after,
        )
    return Change(path, before, after, incident, tuple(problems))


def problems_of(path: Path, data: bytes, catalog: Catalog, now: datetime) -> list[Problem]:
    source = parse_source(path, data)
    check_record(source, catalog, now)
    return sorted(source.problems, key=Problem.sort_key)


def write(change: FileChange) -> None:
    """Write ``change`` atomically, refusing if the file changed since it was read.

    The check and the replacement happen under the file's lock (:func:`~statusbook.io.atomic.locked`), so two
    writers are serialised: the second one sees the first one's bytes and is refused,
    instead of both passing the check and the second rename silently dropping the first
    edit. A writer stuck for longer than the lock's timeout is a conflict too.
    """
    from statusbook.io.atomic import locked

    try:
        with locked(change.path):
            _write_locked(change)
    except TimeoutError as error:
        raise BusyError(f"{error}; nothing was written") from None


def _write_locked(change: FileChange) -> None:
    from statusbook.io.atomic import write_atomic

    if change.before is None:
        try:
            write_atomic(change.path, change.after, exclusive=True)
        except FileExistsError:
            raise ConflictError(f"{change.path} was created by someone else meanwhile") from None
        return
    try:
        current = change.path.read_bytes()
    except FileNotFoundError:
        raise ConflictError(f"{change.path} was deleted after it was read") from None
    if current != change.before:
        raise ConflictError(
            f"{change.path} changed after it was read; nothing was written — run the command again"
        )
    if change.changed:
        write_atomic(change.path, change.after)
