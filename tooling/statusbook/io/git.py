"""Reading record files as they were at a git revision: the adapter behind ``--base``.

Two git calls, whatever the number of records: ``ls-tree`` lists the blobs under the
records folder and one ``cat-file --batch`` streams them all. Failures become
:class:`GitError` with a sentence for the person at the terminal; the CLI turns it into
a usage error.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


class GitError(Exception):
    """git is missing, the folder is not in a repository, or the revision is unknown."""


def files_at(
    revision: str, folder: Path, wanted: Callable[[str], bool] = lambda name: True
) -> dict[Path, bytes]:
    """Files under ``folder`` at ``revision`` whose name is ``wanted``, keyed by their
    working-tree path (the caller passes the record-name rule, so drafts and READMEs are
    left out here exactly as when reading the working tree)."""
    folder = folder.resolve()
    root = repository_root(folder)
    commit = resolve_commit(root, revision)
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        raise GitError(f"the records folder {folder} is outside the repository {root}") from None
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", relative or ".")
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        _mode, kind, oid = meta.decode("ascii").split()
        path = name.decode("utf-8", errors="surrogateescape")
        if kind == "blob" and wanted(path.rsplit("/", 1)[-1]):
            blobs.append((oid, path))
    contents = _read_blobs(root, [oid for oid, _ in blobs])
    return {root / path: data for (oid, path), data in zip(blobs, contents, strict=True)}


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
