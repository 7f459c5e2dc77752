"""Writing a file so that readers see the old bytes or the new ones, never a mix or nothing.

Records, the catalog and the notification sent-log are all written this way: a crash, a
full disk or a kill halfway leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


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
