"""Paths as a person at a terminal wants to read them."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the working folder) when it lies below it."""
    base = (base or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()
