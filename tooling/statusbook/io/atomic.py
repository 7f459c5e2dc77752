"""Writing a file so that readers see the old bytes or the new ones, never a mix or nothing,
and so that two writers never silently undo each other.

Records, the catalog and the notification sent-log are all written this way: a crash, a
full disk or a kill halfway leaves the previous file as it was.

An atomic rename alone does not stop a lost update: two processes that each read the file,
check it is unchanged and rename their version over it can both pass the check, and the
second rename throws the first one's edit away. :func:`locked` serialises the writers of
one file — read, check and replace happen while holding it — so the second writer sees
the first one's bytes and can refuse or start again from them.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: exclusive creation of the lock file instead (see _hold_excl)
    fcntl = None  # type: ignore[assignment]

#: How long a writer waits for another to finish before giving up (edits take milliseconds).
LOCK_TIMEOUT = 10.0
_POLL = 0.005


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace (or, if ``exclusive``, create) ``path`` so readers see the old or the new bytes.

    The data goes to a temporary file in the same folder, is flushed and fsynced, gets the
    old file's permissions, and is renamed over the target. Any failure removes the
    temporary file and leaves the target untouched.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _default_mode()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        if exclusive:
            _link_new(temporary, path)
        else:
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)


def _link_new(temporary: str, path: Path) -> None:
    """Move ``temporary`` to ``path`` only if ``path`` does not exist (no overwrite race)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        # Filesystems without hard links: check, then rename (a tiny race, but no loss).
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


# --- serialising writers ---------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    """The lock file of ``path``: ``.<name>.lock`` beside it.

    A leading dot keeps it out of everything that lists records (drafts and hidden files are
    not records) and ``.lock`` is no record's suffix; it exists only while a write is under
    way and is removed when the lock is released.
    """
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the one writer's lock on ``path`` (which need not exist yet) for the block.

    Other processes — and other threads or callers in this one — that ask for the same lock
    wait until it is released, for at most ``timeout`` seconds; then :class:`TimeoutError`
    names the lock file, since only a stuck writer holds a lock that long. The lock is the
    operating system's (``flock``), so a killed writer never leaves it held.
    """
    target = lock_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    hold = _hold_flock if fcntl is not None else _hold_excl
    handle = hold(target, deadline)
    try:
        yield
    finally:
        if fcntl is not None:
            # Removed while still held: a waiter that then gets the lock of the removed file
            # sees that the path no longer names it, and starts over (see _hold_flock).
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            os.close(handle)
        else:
            os.close(handle)  # Windows removes no open file
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)


def _hold_flock(target: Path, deadline: float) -> int:
    while True:
        handle = os.open(target, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _flock(handle, target, deadline)
            if _same_file(handle, target):
                return handle
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # the holder before us removed this lock file: take the new one


def _flock(handle: int, target: Path, deadline: float) -> None:
    """An exclusive ``flock`` on ``handle``, polling so that waiting has a limit."""
    assert fcntl is not None
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _timeout(target) from None
            time.sleep(_POLL)


def _same_file(handle: int, target: Path) -> bool:
    try:
        on_disk = os.stat(target)
    except FileNotFoundError:
        return False
    held = os.fstat(handle)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _hold_excl(target: Path, deadline: float) -> int:
    """Without ``flock``: whoever creates the lock file holds the lock. A writer killed while
    holding it leaves the file behind, so the timeout's message says what to remove."""
    while True:
        try:
            return os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if time.monotonic() >= deadline:
                raise _timeout(target) from None
            time.sleep(_POLL)


def _timeout(target: Path) -> TimeoutError:
    return TimeoutError(
        f"another statusbook is still writing {target.parent / target.name[1:-5]} "
        f"(it holds {target}); try again in a moment — if no statusbook is running, "
        "delete that lock file"
    )
