"""``statusbook build`` and ``statusbook serve``: MkDocs with the right defaults.

The build time is fixed once (``--now``, else ``SOURCE_DATE_EPOCH``, else the clock) and
handed to MkDocs as ``SOURCE_DATE_EPOCH``, so the pages, the sitemap and every figure agree
on one instant and the same records give byte-identical output. Builds are strict.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from statusbook.cli.common import AppContext, now_option, parse_now


def _run_mkdocs(app: AppContext, arguments: list[str], now: str | None) -> None:
    catalog = app.catalog()
    assert catalog.path is not None
    config_file = catalog.path.parent / "mkdocs.yml"
    if not config_file.is_file():
        raise click.UsageError(f"no mkdocs.yml next to {catalog.path}")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
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
    completed = subprocess.run(command, env=env, check=False)
    if completed.returncode:
        sys.exit(1)


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir from mkdocs.yml).",
)
@now_option
@click.pass_obj
def build(app: AppContext, site_dir: Path | None, now: str | None) -> None:
    """Build the status site (strict; records with errors stop the build)."""
    arguments = ["build", "--clean"]
    if site_dir is not None:
        arguments += ["--site-dir", str(site_dir)]
    _run_mkdocs(app, arguments, now)


@click.command()
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on."
)
@now_option
@click.pass_obj
def serve(app: AppContext, dev_addr: str, now: str | None) -> None:
    """Serve the status site with live reload when a record or the catalog changes.

    Without --now (or SOURCE_DATE_EPOCH) every rebuild uses the current time.
    """
    _run_mkdocs(app, ["serve", "--dev-addr", dev_addr], now)
