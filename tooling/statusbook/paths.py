"""Paths as a person at a terminal wants to read them."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the working folder) when it lies below it."""
    base = (base or Path.cwd()).resolve()
    # A symbolic link is named as the person sees it, not by where it leads (or loops).
    try:
        full = path.parent.resolve() / path.name if path.name else path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop in a folder's links
        full = Path(os.path.abspath(path))
    try:
        return full.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
