"""Which file a person means, and what a new record's file is called."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Collection
from datetime import UTC, date, datetime
from pathlib import Path

from statusbook.edit.errors import RecordNotFound
from statusbook.load.records import discover, read_source
from statusbook.model import Catalog, Kind


def find_record(catalog: Catalog, ref: str, *, maintenance: bool | None = None) -> Path:
    """The record a person means by ``ref``: its id, its path, or an unambiguous part of its id.

    ``2026-11-21-api-elevated-error-rates``, ``api-elevated-error-rates`` and
    ``incidents/2026/2026-11-21-api-elevated-error-rates.md`` all find the same file.
    ``maintenance`` narrows a partial id to maintenance records (``True``) or incidents
    (``False``): ``maintenance start storage`` means the storage window, not last month's
    storage outage. A full id or path is taken as given (the command then says what kind
    of record it is). Nothing found: the nearest ids are suggested.
    """
    ref = ref.strip()
    as_path = Path(ref)
    if ref.endswith(".md") and as_path.is_file():
        return as_path
    records = discover([catalog.records_dir]) if catalog.records_dir.is_dir() else []
    stem = as_path.name.removesuffix(".md")
    exact = [path for path in records if path.stem == stem]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or [
        path for path in records if path.stem.endswith(f"-{stem}") or path.stem.startswith(stem)
    ]
    if not candidates and stem:
        candidates = [path for path in records if stem in path.stem]
    kind = _kind_word(maintenance)
    if candidates and maintenance is not None:
        wanted = [path for path in candidates if is_maintenance(path) is maintenance]
        if not wanted:
            names = ", ".join(sorted(path.stem for path in candidates)[:3])
            raise RecordNotFound(
                f"{ref!r} matches no {kind}, only the {_kind_word(not maintenance)} {names}"
            )
        candidates = wanted
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(sorted(path.stem for path in candidates)[:8])
        raise RecordNotFound(f"{ref!r} matches several records: {names}; give the full id")
    close = nearest_ids(stem, [path.stem for path in records])
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise RecordNotFound(f"no record with id {ref!r} under {catalog.records_dir}{hint}")


def nearest_ids(typed: str, ids: Collection[str], n: int = 3) -> list[str]:
    """The record ids most like ``typed``, a misspelt part of one (``chekout``).

    Ids begin with a date that a person rarely types, so ``typed`` is compared with each id,
    its slug and every run of its slug's words, and an id scores its best comparison.
    """
    word = typed.strip().lower()
    if not word:
        return []
    scores: dict[str, float] = {}
    for record_id in ids:
        words = record_id[11:].split("-") if _DATED.match(record_id) else record_id.split("-")
        parts = {
            record_id,
            *(
                "-".join(words[i:j])
                for i in range(len(words))
                for j in range(i + 1, len(words) + 1)
            ),
        }
        best = max(difflib.SequenceMatcher(None, word, part).ratio() for part in parts)
        if best >= _CLOSE_ENOUGH:
            scores[record_id] = best
    return sorted(scores, key=lambda record_id: (-scores[record_id], record_id))[:n]


#: How alike (difflib's ratio) a typed id and a part of a real one must be to be suggested.
_CLOSE_ENOUGH = 0.75
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def _kind_word(maintenance: bool | None) -> str:
    return "maintenance record" if maintenance else "incident"


def is_maintenance(path: Path) -> bool:
    """Whether the record file at ``path`` says it is maintenance (its ``kind``)."""
    data = read_source(path).data
    return isinstance(data, dict) and data.get("kind") == Kind.MAINTENANCE.value


def record_ids(catalog: Catalog) -> set[str]:
    """The ids of every record in the catalog's records folder."""
    if not catalog.records_dir.is_dir():
        return set()
    return {path.stem for path in discover([catalog.records_dir])}


def slugify(text: str, max_length: int = 60) -> str:
    """Lowercase ASCII words joined by ``-``: the part of a file name after the date."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "incident"


def record_path(
    catalog: Catalog,
    day: date,
    title: str,
    taken: Collection[str] = (),
    existing: Collection[str] | None = None,
) -> Path:
    """``incidents/YYYY/YYYY-MM-DD-slug.md``, numbered ``-2``, ``-3``… if the id is taken.

    Ids must be unique across all years, so every existing record is consulted (``existing``
    when the caller has read them already, as an import of thousands does), plus ``taken``
    (ids planned but not yet written, during an import).
    """
    if existing is None:
        existing = record_ids(catalog)
    base = f"{day.isoformat()}-{slugify(title)}"
    stem, number = base, 1
    while stem in existing or stem in taken:
        number += 1
        stem = f"{base}-{number}"
    return catalog.records_dir / f"{day.year:04d}" / f"{stem}.md"


def utc_day(instant: datetime) -> date:
    """The UTC calendar day, which the file name must carry (naive means UTC here)."""
    return (instant if instant.tzinfo is None else instant.astimezone(UTC)).date()
