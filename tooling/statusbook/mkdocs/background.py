"""Feeds, calendars, the API and badges, written while MkDocs renders the pages.

The static outputs need only the validated records, so a forked child can write them into
a staging folder next to the site on the second core; the plugin moves them into place
after the build. Where forking is not safe (not Linux, or threads already running, as in
``mkdocs serve``) they are written in the build process instead. Same bytes either way.

A build stopped by Ctrl-C never reaches MkDocs' ``on_build_error`` (KeyboardInterrupt is no
``Exception``), so the staging folder is also abandoned when the process exits: an
interrupted ``statusbook build`` leaves no ``.statusbook-static-*`` folder beside the site.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from statusbook.derive.snapshot import Snapshot
from statusbook.render.outputs import static_files

_ERROR_FILE = ".error"


class OutputsError(Exception):
    """Writing the static outputs failed; the message says why."""


def _write(snapshot: Snapshot, staging: Path) -> None:
    for path, content in static_files(snapshot).items():
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _child(snapshot: Snapshot, staging: Path) -> None:
    try:
        _write(snapshot, staging)
    except BaseException:
        (staging / _ERROR_FILE).write_text(traceback.format_exc(), encoding="utf-8")
        os._exit(1)
    os._exit(0)


def _can_fork() -> bool:
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class StaticOutputs:
    """Start writing at once (in a child when possible); :meth:`finish` puts files in place."""

    def __init__(self, snapshot: Snapshot, site_dir: Path) -> None:
        self._snapshot = snapshot
        parent = site_dir.parent if site_dir.parent.is_dir() else None
        self.staging = Path(tempfile.mkdtemp(prefix=".statusbook-static-", dir=parent))
        self.process = None
        atexit.register(self.abandon)
        if _can_fork():
            context = multiprocessing.get_context("fork")
            self.process = context.Process(target=_child, args=(snapshot, self.staging))
            self.process.start()

    def abandon(self) -> None:
        """The build failed: stop the child and leave nothing behind."""
        atexit.unregister(self.abandon)
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()
        shutil.rmtree(self.staging, ignore_errors=True)

    def finish(self, site_dir: Path) -> None:
        try:
            if self.process is None:
                _write(self._snapshot, self.staging)
            else:
                self.process.join()
                if self.process.exitcode != 0:
                    error = self.staging / _ERROR_FILE
                    reason = (
                        error.read_text() if error.exists() else f"exit {self.process.exitcode}"
                    )
                    raise OutputsError(f"writing feeds, calendars and the API failed:\n{reason}")
            for source in sorted(self.staging.rglob("*")):
                if source.is_file():
                    target = site_dir / source.relative_to(self.staging)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(source, target)
        finally:
            atexit.unregister(self.abandon)
            shutil.rmtree(self.staging, ignore_errors=True)
