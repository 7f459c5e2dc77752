"""The records a base revision published, found through that revision's own catalog.

``validate --base`` and ``notify --base`` both ask "what did REV publish?". The answer
cannot come from today's catalog: a change that moves the records folder, copies it, or
narrows ``records:`` to part of it would make the base's records look absent (rewritten
updates and deleted records pass the guard; notify announces every incident again). So
the base's ``statusbook.yml`` is read at REV from the same repository path as today's,
its own ``records:`` names the folder, and the records are read from there. Records are
compared by id, whatever folder they are in now.

A catalog that moved is said plainly: the guard refuses (a move of the catalog is
reviewed on its own, with ``--allow-history-rewrite``), notify follows it to its old
place — after a reviewed move, the next publish must still tell subscribers only what is
new.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from statusbook.io.git import GitError, Revision
from statusbook.load.catalog import CATALOG_FILE_NAME
from statusbook.load.guard import published_records_folder
from statusbook.load.records import is_record_name
from statusbook.model import Catalog
from statusbook.paths import display_path


class CatalogMoved(GitError):
    """The catalog is not where it was at the base revision."""


@dataclass(frozen=True, slots=True)
class BaseRecords:
    """What a base revision published: its records folder and its record files."""

    revision: Revision
    #: The base's records folder, as a working-tree path (it may no longer exist).
    records_dir: Path
    #: Record files keyed by their working-tree path at the base.
    files: dict[Path, bytes]
    #: Where the base's catalog was, when it was not where today's is (notify only).
    moved_catalog: Path | None = None


def read_base(catalog: Catalog, revision: str, *, follow_moved_catalog: bool) -> BaseRecords:
    """The records ``revision`` published, read through its own catalog.

    Raises :class:`GitError` (the revision is unknown, git is missing…) and
    :class:`CatalogMoved` when the catalog moved and ``follow_moved_catalog`` is false.
    """
    catalog_path = (catalog.path or catalog.records_dir.parent / CATALOG_FILE_NAME).resolve()
    base = Revision.of(revision, catalog_path.parent)
    raw = base.read(catalog_path)
    moved: Path | None = None
    if raw is None:
        moved = _old_catalog(base, catalog_path, follow=follow_moved_catalog)
        raw = None if moved is None else base.read(moved)
    if raw is None:
        # No catalog at the base at all: whatever it had where today's records live.
        folder = catalog.records_dir
    else:
        where = moved or catalog_path
        folder = Path(os.path.normpath(where.parent / published_records_folder(raw)))
        base.relative(folder)  # the base's own records: never outside the repository
    return BaseRecords(base, folder, base.files(folder, is_record_name), moved)


def _old_catalog(base: Revision, catalog_path: Path, *, follow: bool) -> Path | None:
    """Where the catalog was at ``base`` if it has moved since; ``None`` when the base had
    none. A file of that name that is still in the working tree is another catalog (a test
    fixture, a second site), not this one before a move."""
    names = dict.fromkeys((catalog_path.name, CATALOG_FILE_NAME))
    gone = [path for name in names for path in base.find(name) if not path.exists()]
    if not gone:
        return None
    here = display_path(catalog_path, base.root)
    there = ", ".join(display_path(path, base.root) for path in gone)
    if follow and len(gone) == 1:
        return gone[0]
    raise CatalogMoved(
        f"the catalog {here} was not there at {base.name}, which had {there}: the catalog "
        "moved, and with it where the published records are found. Move it in a change of "
        "its own, reviewed and validated with --allow-history-rewrite, then compare again"
    )
