"""Building real sites in tests: `mkdocs build` in a subprocess, output parsed from disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bs4 import BeautifulSoup

from .conftest import REPO_ROOT


def install_site_files(root: Path) -> None:
    """Give a test repository this repository's mkdocs.yml and its (empty) site overrides.

    The page templates and assets come from the installed package, not from copies.
    """
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "site_overrides").mkdir(exist_ok=True)
    (root / "pages").mkdir(exist_ok=True)


def build(root: Path, out: Path, now: datetime) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(now.timestamp())), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(root / "mkdocs.yml"),
            "-d",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )


def page(out: Path, url: str) -> BeautifulSoup:
    path = out / url.strip("/") / "index.html" if url.strip("/") else out / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())
