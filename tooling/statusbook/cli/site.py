"""``statusbook build`` and ``statusbook serve``: MkDocs with the right defaults.

The build time is fixed once (``--now``, else ``SOURCE_DATE_EPOCH``, else the catalog's
``demo.as_of``, else the clock) and handed to MkDocs as ``SOURCE_DATE_EPOCH``, so the pages,
the sitemap and every figure agree on one instant and the same records give byte-identical
output. Builds are strict.

The demo instant exists because example records are fixed in time: built at the clock, the
examples' "ongoing" incident would read as months old and their upcoming maintenance as long
done. A real status page has no ``demo:`` and always builds at the clock, and so does a
demo once something in it was recorded after ``demo.as_of``.

``--audience internal`` builds the team's own site from the same repository (internal
updates and notes, problem records, action items, metrics) into ``site-internal/``; the
audience reaches the plugin as ``$STATUSBOOK_AUDIENCE``, always set, so a plain build is
the public site whatever the shell holds.

MkDocs runs in a child process of its own process group, so Ctrl-C (or SIGTERM, or a
closed terminal) reaches statusbook alone, which passes it on exactly once and waits for
MkDocs to shut down cleanly (its temporary site removed): a server stopped by Ctrl-C ends
with exit 0, an interrupted build with 130, and neither prints a traceback. A second
Ctrl-C stops MkDocs at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from statusbook.cli.common import AppContext, now_option, parse_now
from statusbook.model import Catalog
from statusbook.paths import display_path
from statusbook.timeutil import format_timestamp

#: Where ``build --audience internal`` writes, next to mkdocs.yml, unless told otherwise: never
#: into the public site's folder, which a publish workflow uploads.
INTERNAL_SITE_DIR = "site-internal"
audience_option = click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="public: the status page. internal: the team's site from the same records "
    "(internal updates and notes, problem records, action items, metrics); host it "
    f"behind access control. Internal builds default to --site-dir {INTERNAL_SITE_DIR}.",
)


def _run_mkdocs(
    app: AppContext, arguments: list[str], now: str | None, audience: str = "public"
) -> None:
    catalog = app.catalog()
    assert catalog.path is not None
    config_file = catalog.path.parent / "mkdocs.yml"
    if not config_file.is_file():
        raise click.UsageError(f"no mkdocs.yml next to {catalog.path}")
    # Always said, never inherited: a plain build is the public site whatever the shell has.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", STATUSBOOK_AUDIENCE=audience)
    if audience == "internal" and arguments[0] == "build" and "--site-dir" not in arguments:
        arguments = [*arguments, "--site-dir", str(config_file.parent / INTERNAL_SITE_DIR)]
    if now is None and "SOURCE_DATE_EPOCH" not in env and catalog.site.demo is not None:
        now = _demo_instant(catalog)
    if now is not None or "SOURCE_DATE_EPOCH" in env or arguments[0] == "build":
        env["SOURCE_DATE_EPOCH"] = str(int(parse_now(now).timestamp()))
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        *arguments,
        "--strict",
        "--config-file",
        str(config_file),
    ]
    returncode, interrupted = _run_until_done(command, env)
    if interrupted:
        sys.exit(0 if arguments[0] == "serve" and returncode == 0 else 130)
    if returncode:
        sys.exit(1)


def _demo_instant(catalog: Catalog) -> str | None:
    """A demonstration's build instant: ``demo.as_of`` while every record is from before
    it; the clock (``None``) once someone recorded something real after it, which the demo
    instant would put in the future and the strict build refuse."""
    from statusbook.load.problem_records import recorded_after

    assert catalog.site.demo is not None and catalog.path is not None
    as_of = format_timestamp(catalog.site.demo.as_of)
    newer = recorded_after(catalog, catalog.site.demo.as_of)
    if newer is None:
        click.echo(
            f"statusbook: a demonstration (demo: in {catalog.path.name}): building at "
            f"{as_of}; pass --now to choose another instant",
            err=True,
        )
        return as_of
    click.echo(
        f"statusbook: {catalog.path.name} has demo: (examples shown as of {as_of}), but "
        f"{display_path(newer)} was recorded after that: building at the clock. "
        "statusbook init --remove-examples drops the examples and demo:",
        err=True,
    )
    return None


#: Signals that end a run: passed on to MkDocs as a Ctrl-C, so it cleans up after itself.
_STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _Stopper:
    """The signal handler: the first stop is passed on to MkDocs as a Ctrl-C, the next kills it."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stops = 0
        self.passed_on = 0

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.stops += 1
        self.pass_on()

    def pass_on(self) -> None:
        """Forward the stops not yet forwarded (one arriving before MkDocs started, too)."""
        if self.process is None or os.name != "posix":
            return  # a console delivers Ctrl-C to every process attached to it already
        while self.passed_on < min(self.stops, 2):
            self.passed_on += 1
            if self.passed_on == 1:
                self.process.send_signal(signal.SIGINT)
            else:
                self.process.kill()


def _run_until_done(command: list[str], env: dict[str, str]) -> tuple[int, bool]:
    """Run ``command`` to its end; its exit status, and whether it was asked to stop.

    The handlers go in before MkDocs starts: a program inherits the signals its parent
    ignores, and a background job (``statusbook serve &`` in a script) starts with SIGINT
    ignored, so MkDocs would never hear the Ctrl-C passed on to it. A signal this process
    itself was told to ignore (nohup's SIGHUP, a background job's SIGINT) is ignored again
    once MkDocs runs.
    """
    posix = os.name == "posix"
    stopper = _Stopper()
    # Only the main thread may set handlers (a caller in another thread keeps the defaults).
    main = threading.current_thread() is threading.main_thread()
    previous = {signum: signal.signal(signum, stopper) for signum in _STOPPING if main}
    try:
        # In its own process group, a terminal's Ctrl-C reaches only us: MkDocs hears it
        # once, from us, whether it came from a terminal or from `kill -INT`.
        stopper.process = subprocess.Popen(command, env=env, process_group=0 if posix else None)
        for signum, handler in previous.items():
            if handler is signal.SIG_IGN:
                signal.signal(signum, signal.SIG_IGN)
        stopper.pass_on()
        returncode = stopper.process.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return returncode, stopper.stops > 0


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir from mkdocs.yml).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Accepted as MkDocs takes it; statusbook builds are always strict.",
)
@audience_option
@now_option
@click.pass_obj
def build(
    app: AppContext, site_dir: Path | None, strict: bool, audience: str, now: str | None
) -> None:
    """Build the status site (strict; records with errors stop the build).

    The build time is --now, else SOURCE_DATE_EPOCH, else a demo catalog's demo.as_of,
    else the clock.
    """
    arguments = ["build", "--clean"]
    if site_dir is not None:
        arguments += ["--site-dir", str(site_dir)]
    _run_mkdocs(app, arguments, now, audience)


@click.command()
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@audience_option
@now_option
@click.pass_obj
def serve(app: AppContext, dev_addr: str, audience: str, now: str | None) -> None:
    """Serve the status site with live reload when a record or the catalog changes.

    Without --now (or SOURCE_DATE_EPOCH, or a demo catalog's demo.as_of) every rebuild
    uses the current time.
    """
    _run_mkdocs(app, ["serve", "--dev-addr", dev_addr], now, audience)
