"""What can go wrong with an edit, as exceptions that carry the validator's problems.

Apart from the changes themselves: ``list`` and ``show`` raise :class:`RecordNotFound` for
an id that names no record, and need nothing else of editing.
"""

from __future__ import annotations

from collections.abc import Sequence

from statusbook.problems import Problem


class EditError(Exception):
    """An edit that cannot be made. ``problems`` holds validator findings, if any, and
    ``draft`` the bytes that were refused, so the caller can keep a person's text."""

    def __init__(
        self, message: str, problems: Sequence[Problem] = (), draft: bytes | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.draft = draft


class RecordNotFound(EditError):
    """No record (or more than one) answers to the id given."""


class EditRefused(EditError):
    """The edit would leave the record (or the catalog) invalid; nothing was written."""


class ConflictError(EditError):
    """The file changed on disk after it was read; writing would lose someone's edit."""


class BusyError(ConflictError):
    """Another writer has held the file's lock for too long; nothing was written."""
