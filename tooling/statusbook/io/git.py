"""Reading files as they were at a git revision: the adapter behind ``--base``.

A :class:`Revision` is one commit of the repository that holds the working tree. Reading
a folder from it takes two git calls, whatever the number of records: ``ls-tree`` lists
the blobs under the folder and one ``cat-file --batch`` streams them all. The folder need
not exist in the working tree any more — the base's records may have lived elsewhere, and
that is exactly when the history guard must read them. Failures become :class:`GitError`
with a sentence for the person at the terminal; the CLI turns it into a usage error.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the revision is unknown."""


#: Which files to read, by their name (the caller passes the record-name rule).
Wanted = Callable[[str], bool]


def _everything(name: str) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit of the repository that holds the working tree, named by ``name``."""

    root: Path
    commit: str
    name: str

    @classmethod
    def of(cls, revision: str, folder: Path) -> Revision:
        """The commit ``revision`` names in the repository that holds ``folder``."""
        root = repository_root(folder.resolve())
        return cls(root, resolve_commit(root, revision), revision)

    def relative(self, path: Path) -> str:
        """``path`` (in the working tree, existing or not) as git names it at the root."""
        try:
            relative = path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise GitError(f"{path} is outside the repository {self.root}") from None
        return "" if relative == "." else relative

    def files(self, folder: Path, wanted: Wanted = _everything) -> dict[Path, bytes]:
        """Files under ``folder`` whose name is ``wanted``, keyed by their working-tree path
        (so drafts and READMEs are left out exactly as when reading the working tree)."""
        relative = self.relative(folder)
        entries = [
            (oid, path)
            for oid, path in self._blobs(relative or ".")
            if _inside(path, relative) and wanted(PurePosixPath(path).name)
        ]
        contents = _read_blobs(self.root, [oid for oid, _ in entries])
        return {self.root / path: data for (_, path), data in zip(entries, contents, strict=True)}

    def read(self, path: Path) -> bytes | None:
        """The file at ``path`` as it was at this revision; ``None`` where there was none."""
        relative = self.relative(path)
        found = [oid for oid, name in self._blobs(relative) if name == relative] if relative else []
        return _read_blobs(self.root, found)[0] if found else None

    def find(self, name: str) -> list[Path]:
        """Every file called ``name`` at this revision, as working-tree paths."""
        return [
            self.root / path for _, path in self._blobs(".") if PurePosixPath(path).name == name
        ]

    def time(self) -> datetime:
        """When the commit was made (committer time, UTC)."""
        return commit_time(self.root, self.commit)

    def _blobs(self, relative: str) -> list[tuple[str, str]]:
        """(object id, path from the root) of each file at or under ``relative``."""
        listing = _git(self.root, "ls-tree", "-r", "-z", "--full-tree", self.commit, "--", relative)
        blobs: list[tuple[str, str]] = []
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            _mode, kind, oid = meta.decode("ascii").split()
            if kind == "blob":
                blobs.append((oid, name.decode("utf-8", errors="surrogateescape")))
        return blobs


def _inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it (``incidents-old`` is not in ``incidents``)."""
    return not folder or path == folder or path.startswith(folder + "/")


def files_at(revision: str, folder: Path, wanted: Wanted = _everything) -> dict[Path, bytes]:
    """Files under ``folder`` at ``revision`` whose name is ``wanted`` (see
    :meth:`Revision.files`); ``folder`` must exist in the working tree."""
    if not folder.is_dir():
        raise GitError(f"{folder} is not a folder")
    return Revision.of(revision, folder).files(folder, wanted)


def repository_root(folder: Path) -> Path:
    """The top of the work tree that holds ``folder``."""
    if not folder.is_dir():
        raise GitError(f"{folder} is not a folder")
    try:
        top = _git(folder, "rev-parse", "--show-toplevel").decode().strip()
    except GitError:
        raise GitError(
            f"{folder} is not inside a git repository; --base compares with a git revision"
        ) from None
    return Path(top).resolve()


def resolve_commit(root: Path, revision: str) -> str:
    """The commit id ``revision`` names (a branch, tag, ``HEAD~2``, ``origin/main``…)."""
    if not revision or revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    try:
        return (
            _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
            .decode()
            .strip()
        )
    except GitError:
        raise GitError(
            f"{revision!r} is not a commit in this repository "
            "(in CI, fetch the whole history — actions/checkout with fetch-depth: 0)"
        ) from None


def commit_time(root: Path, commit: str) -> datetime:
    """When ``commit`` was made (committer time, UTC)."""
    stamp = _git(root, "show", "-s", "--format=%ct", commit).decode().strip()
    try:
        return datetime.fromtimestamp(int(stamp), tz=UTC)
    except ValueError:
        raise GitError(f"cannot read the time of commit {commit}") from None


def _read_blobs(root: Path, oids: list[str]) -> list[bytes]:
    if not oids:
        return []
    output = _git(root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid in oids).encode())
    contents: list[bytes] = []
    position = 0
    for oid in oids:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        if len(header) != 3 or header[0].decode() != oid:
            raise GitError(f"git cat-file gave an unexpected answer for {oid}")
        size = int(header[2])
        start = end + 1
        contents.append(output[start : start + size])
        position = start + size + 1
    return contents


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        completed = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --base)") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if completed.returncode:
        message = completed.stderr.decode(errors="replace").strip()
        raise GitError(message or f"git {args[0]} failed")
    return completed.stdout
