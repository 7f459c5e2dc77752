"""Creating and changing records without ever publishing a broken one or losing text.

Every operation here is a plan, not a write: it reads the record, makes a round-trip edit
of its front matter (:mod:`statusbook.roundtrip`: comments, key order, quoting, unknown
keys and the Markdown body survive byte for byte outside the lines the edit is about),
validates the would-be bytes exactly as ``statusbook validate`` would, and returns a
:class:`Change`. Nothing touches the disk until :func:`write`, which refuses if the file
changed in the meantime and replaces it atomically (temporary file, fsync, rename), so a
crash or a full disk leaves the old file as it was.

Errors are exceptions carrying problems (:class:`EditRefused`), never printed here.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from statusbook.edit import roundtrip
from statusbook.io.atomic import write_atomic
from statusbook.load.catalog import CatalogError, load_catalog
from statusbook.load.frontmatter import FrontMatter, FrontMatterError, split_front_matter
from statusbook.load.records import discover, parse_source
from statusbook.load.rules import check_record
from statusbook.model import (
    ActionStatus,
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    UpdateStatus,
)
from statusbook.paths import display_path
from statusbook.problems import Problem
from statusbook.timeutil import format_timestamp

#: Key order statusbook writes, matching the example records; unknown keys keep their place.
KEY_ORDER = (
    "title",
    "kind",
    "impact",
    "manager",
    "scheduled_start",
    "scheduled_end",
    "started",
    "resolved",
    "completed",
    "state",
    "components",
    "updates",
    "postmortem",
    "corrections",
)
UPDATE_KEY_ORDER = ("at", "status", "author", "message", "components")
ACTION_KEY_ORDER = ("title", "owner", "status", "due", "link")

#: Written by ``postmortem`` when no text is given, so the structure is there to fill in.
SUMMARY_PLACEHOLDER = "To be written: what happened, for how long, and who was affected."
ROOT_CAUSE_PLACEHOLDER = "To be written: why it happened."


# --- errors ----------------------------------------------------------------------------------


class EditError(Exception):
    """An edit that cannot be made. ``problems`` holds validator findings, if any."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class RecordNotFound(EditError):
    """No record (or more than one) answers to the id given."""


class EditRefused(EditError):
    """The edit would leave the record (or the catalog) invalid; nothing was written."""


class ConflictError(EditError):
    """The file changed on disk after it was read; writing would lose someone's edit."""


# --- changes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """New bytes for one file; ``before`` is ``None`` when the file is created."""

    path: Path
    before: bytes | None
    after: bytes

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self, base: Path | None = None) -> str:
        """A unified diff, as ``git diff`` would show it (paths relative to ``base``)."""
        name = display_path(self.path, base)
        before = _lines(self.before)
        after = _lines(self.after)
        lines = difflib.unified_diff(
            before, after, "/dev/null" if self.is_new else f"a/{name}", f"b/{name}"
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class Change(FileChange):
    """A validated change to one record."""

    incident: Incident
    #: Warnings the validator raised about the new version (errors refuse the change).
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class CatalogChange(FileChange):
    """A validated change to the catalog file."""

    catalog: Catalog


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)


# --- finding and naming records --------------------------------------------------------------


def find_record(catalog: Catalog, ref: str) -> Path:
    """The record a person means by ``ref``: its id, its path, or an unambiguous part of its id.

    ``2026-11-21-api-elevated-error-rates``, ``api-elevated-error-rates`` and
    ``incidents/2026/2026-11-21-api-elevated-error-rates.md`` all find the same file.
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
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(sorted(path.stem for path in candidates)[:8])
        raise RecordNotFound(f"{ref!r} matches several records: {names}; give the full id")
    close = difflib.get_close_matches(stem, [path.stem for path in records], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise RecordNotFound(f"no record with id {ref!r} under {catalog.records_dir}{hint}")


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


def record_path(catalog: Catalog, day: date, title: str, taken: Collection[str] = ()) -> Path:
    """``incidents/YYYY/YYYY-MM-DD-slug.md``, numbered ``-2``, ``-3``… if the id is taken.

    Ids must be unique across all years, so every existing record is consulted, plus
    ``taken`` (ids planned but not yet written, during an import).
    """
    existing = (
        {path.stem for path in discover([catalog.records_dir])}
        if catalog.records_dir.is_dir()
        else set()
    )
    base = f"{day.isoformat()}-{slugify(title)}"
    stem, number = base, 1
    while stem in existing or stem in taken:
        number += 1
        stem = f"{base}-{number}"
    return catalog.records_dir / f"{day.year:04d}" / f"{stem}.md"


# --- creating records ------------------------------------------------------------------------


def new_incident(
    catalog: Catalog,
    *,
    title: str,
    kind: Kind,
    impact: Impact,
    components: Mapping[str, ComponentStatus],
    message: str,
    at: datetime,
    now: datetime,
    status: UpdateStatus = UpdateStatus.INVESTIGATING,
    author: str | None = None,
    manager: str | None = None,
    started: datetime | None = None,
    body: str = "",
    extra: Mapping[str, Any] | None = None,
) -> Change:
    """A new incident with its first update. ``started`` defaults to the update's time."""
    if kind is Kind.MAINTENANCE:
        raise EditError("maintenance is scheduled with new_maintenance, not as an incident")
    fields: dict[str, Any] = {
        "title": title.strip(),
        "kind": kind,
        "impact": impact,
        "manager": manager,
        "started": started or at,
        "components": dict(components) or None,
        "updates": [_update_fields(at, status, message, author, None)],
        **(extra or {}),
    }
    return create_record(catalog, fields, body=body, now=now)


def new_maintenance(
    catalog: Catalog,
    *,
    title: str,
    scheduled_start: datetime,
    scheduled_end: datetime,
    components: Mapping[str, ComponentStatus],
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
    manager: str | None = None,
    body: str = "",
) -> Change:
    """A scheduled maintenance window, announced by a ``scheduled`` update posted at ``at``."""
    fields: dict[str, Any] = {
        "title": title.strip(),
        "kind": Kind.MAINTENANCE,
        "manager": manager,
        "scheduled_start": scheduled_start,
        "scheduled_end": scheduled_end,
        "components": dict(components) or None,
        "updates": [_update_fields(at, UpdateStatus.SCHEDULED, message, author, None)],
    }
    return create_record(catalog, fields, body=body, now=now)


def create_record(
    catalog: Catalog,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    body: str = "",
    taken: Collection[str] = (),
) -> Change:
    """A new record file from front matter ``fields`` (``None`` values are left out).

    The file is named after the record's start (UTC) and its title. Values may be enums,
    datetimes and dates; they are written in statusbook's canonical text form.
    """
    start = fields.get("scheduled_start") or fields.get("started")
    if start is None and fields.get("updates"):
        start = fields["updates"][0].get("at")
    if not isinstance(start, datetime):
        raise EditError("a new record needs a start time (started, scheduled_start or an update)")
    path = record_path(catalog, _utc_day(start), str(fields.get("title", "")), taken)
    return _checked(catalog, path, None, render_record(fields, body), now)


def render_record(fields: Mapping[str, Any], body: str = "") -> bytes:
    """The bytes of a new record file: front matter in statusbook's order, then the body."""
    ordered = {key: fields[key] for key in KEY_ORDER if key in fields}
    ordered.update((key, value) for key, value in fields.items() if key not in ordered)
    front = roundtrip.dump(_to_yaml(ordered))
    text = body.strip("\n")
    return f"---\n{front}---\n{text + chr(10) if text else ''}".encode()


def _utc_day(instant: datetime) -> date:
    """The UTC calendar day, which the file name must carry (naive means UTC here)."""
    return (instant if instant.tzinfo is None else instant.astimezone(UTC)).date()


# --- changing records ------------------------------------------------------------------------

Mutation = Callable[[CommentedMap], None]


def add_update(
    catalog: Catalog,
    ref: str,
    *,
    status: UpdateStatus,
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
    components: Mapping[str, ComponentStatus] | None = None,
) -> Change:
    """Post an update; ``components`` are the statuses it sets."""

    def mutate(doc: CommentedMap) -> None:
        maintenance = _is_maintenance(doc)
        if status is UpdateStatus.RESOLVED and not maintenance:
            raise EditError(
                "an update cannot resolve the incident on its own: resolving also records the "
                "resolution time and brings components back; resolve the incident instead"
            )
        if status in (UpdateStatus.COMPLETED, UpdateStatus.CANCELLED) and maintenance:
            raise EditError(
                f"a {status.value} update also records when the window ended; "
                f"{'complete' if status is UpdateStatus.COMPLETED else 'cancel'} the maintenance instead"
            )
        _append_update(doc, _update_fields(at, status, message, author, components))

    return _edit(catalog, ref, now, mutate)


def resolve(
    catalog: Catalog,
    ref: str,
    *,
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
) -> Change:
    """Resolve an incident: a final update, ``resolved``, and components back to operational."""

    def mutate(doc: CommentedMap) -> None:
        if _is_maintenance(doc):
            raise EditError("this is a maintenance record: complete or cancel it instead")
        if doc.get("resolved") is not None:
            raise EditError(f"the incident is already resolved (at {doc['resolved']})")
        back = {component: ComponentStatus.OPERATIONAL for component in _impaired(doc)}
        _append_update(doc, _update_fields(at, UpdateStatus.RESOLVED, message, author, back))
        _set_key(doc, "resolved", format_timestamp(at))

    return _edit(catalog, ref, now, mutate)


def start_maintenance(
    catalog: Catalog,
    ref: str,
    *,
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
) -> Change:
    """Record that the work began: ``started`` and an ``in_progress`` update."""

    def mutate(doc: CommentedMap) -> None:
        _require_open_maintenance(doc)
        if doc.get("started") is not None:
            raise EditError(f"the maintenance already started (at {doc['started']})")
        if doc.get("state") == "scheduled":
            del doc["state"]
        _set_key(doc, "started", format_timestamp(at))
        _append_update(doc, _update_fields(at, UpdateStatus.IN_PROGRESS, message, author, None))

    return _edit(catalog, ref, now, mutate)


def complete_maintenance(
    catalog: Catalog,
    ref: str,
    *,
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
) -> Change:
    """Record that the work finished: ``completed`` and a ``completed`` update."""

    def mutate(doc: CommentedMap) -> None:
        _require_open_maintenance(doc)
        _set_key(doc, "completed", format_timestamp(at))
        if "state" in doc:
            doc["state"] = "completed"
        _append_update(doc, _update_fields(at, UpdateStatus.COMPLETED, message, author, None))

    return _edit(catalog, ref, now, mutate)


def cancel_maintenance(
    catalog: Catalog,
    ref: str,
    *,
    message: str,
    at: datetime,
    now: datetime,
    author: str | None = None,
) -> Change:
    """Call off a window that has not started: ``state: cancelled`` and a ``cancelled`` update."""

    def mutate(doc: CommentedMap) -> None:
        _require_open_maintenance(doc)
        if doc.get("started") is not None:
            raise EditError("the maintenance has already started; complete it instead")
        _set_key(doc, "state", "cancelled")
        _append_update(doc, _update_fields(at, UpdateStatus.CANCELLED, message, author, None))

    return _edit(catalog, ref, now, mutate)


def add_postmortem(
    catalog: Catalog,
    ref: str,
    *,
    now: datetime,
    summary: str | None = None,
    root_cause: str | None = None,
) -> Change:
    """Add the postmortem structure; missing text becomes a placeholder to fill in."""

    def mutate(doc: CommentedMap) -> None:
        if doc.get("postmortem") is not None:
            raise EditError("the record already has a postmortem")
        postmortem = {
            "summary": _text(summary) or SUMMARY_PLACEHOLDER,
            "root_cause": _text(root_cause) or ROOT_CAUSE_PLACEHOLDER,
            "action_items": CommentedSeq(),
        }
        _set_key(doc, "postmortem", _to_yaml(postmortem))

    return _edit(catalog, ref, now, mutate)


def add_action_item(
    catalog: Catalog,
    ref: str,
    *,
    title: str,
    owner: str,
    now: datetime,
    status: ActionStatus = ActionStatus.OPEN,
    due: date | None = None,
    link: str | None = None,
) -> Change:
    """Append an action item to the postmortem."""

    def mutate(doc: CommentedMap) -> None:
        items = _action_items(doc, create=True)
        fields = {
            "title": title.strip(),
            "owner": owner.strip(),
            "status": status,
            "due": due,
            "link": link,
        }
        items.append(_to_yaml({key: fields[key] for key in ACTION_KEY_ORDER}))
        if items.fa.flow_style():
            items.fa.set_block_style()

    return _edit(catalog, ref, now, mutate)


def set_action_status(
    catalog: Catalog,
    ref: str,
    item: str,
    *,
    now: datetime,
    status: ActionStatus = ActionStatus.DONE,
) -> Change:
    """Close (or otherwise move) the action item ``item``: its 1-based number or part of its title."""

    def mutate(doc: CommentedMap) -> None:
        items = _action_items(doc, create=False)
        index = _pick_item(items, item)
        entry = items[index]
        if entry.get("status", "open") == status.value:
            raise EditError(f"action item {index + 1} is already {status.value}")
        _set_key(entry, "status", status.value, ACTION_KEY_ORDER)

    return _edit(catalog, ref, now, mutate)


def revise(catalog: Catalog, change: Change, text: str, *, now: datetime) -> Change:
    """``change`` with the record's text replaced by ``text`` (a person's edit), re-validated."""
    return _checked(catalog, change.path, change.before, text.encode("utf-8"), now)


# --- the catalog -----------------------------------------------------------------------------


def add_components(catalog: Catalog, components: Sequence[Component]) -> CatalogChange:
    """Append components to the catalog file with a round-trip edit, validated like a load."""
    if catalog.path is None:
        raise EditError("the catalog was not read from a file, so it cannot be edited")
    before = catalog.path.read_bytes()
    text = _decode(catalog.path, before)

    def mutate(doc: CommentedMap) -> None:
        listed = doc.get("components")
        if not isinstance(listed, list):
            listed = CommentedSeq()
            doc["components"] = listed
        for component in components:
            entry: dict[str, Any] = {"id": component.id, "name": component.name}
            if component.description:
                entry["description"] = component.description
            entry["monitored_since"] = component.monitored_since.date()
            listed.append(_to_yaml(entry))

    after = roundtrip.edit_text(text, mutate).encode("utf-8") if components else before
    return CatalogChange(catalog.path, before, after, _load_catalog_bytes(catalog.path, after))


def _load_catalog_bytes(path: Path, data: bytes) -> Catalog:
    """Load ``data`` as the catalog at ``path`` would load, without touching ``path``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".check", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        try:
            loaded = load_catalog(Path(temporary))
        except CatalogError as error:
            problems = [replace(problem, path=path) for problem in error.problems]
            raise EditRefused(f"the edit would make {path.name} invalid", problems) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return replace(loaded, path=path)


# --- writing ---------------------------------------------------------------------------------


def write(change: FileChange) -> None:
    """Write ``change`` atomically, refusing if the file changed since it was read."""
    if change.before is None:
        try:
            write_atomic(change.path, change.after, exclusive=True)
        except FileExistsError:
            raise ConflictError(f"{change.path} was created by someone else meanwhile") from None
        return
    try:
        current = change.path.read_bytes()
    except FileNotFoundError:
        raise ConflictError(f"{change.path} was deleted after it was read") from None
    if current != change.before:
        raise ConflictError(
            f"{change.path} changed after it was read; nothing was written — run the command again"
        )
    if change.changed:
        write_atomic(change.path, change.after)


# --- internals -------------------------------------------------------------------------------


def _edit(catalog: Catalog, ref: str, now: datetime, mutate: Mutation) -> Change:
    path = find_record(catalog, ref)
    try:
        before = path.read_bytes()
    except OSError as error:
        raise EditError(f"cannot read {path}: {error.strerror or error}") from None
    parts = _split(path, _decode(path, before))
    try:
        edited = roundtrip.edit_text(parts.yaml, lambda doc: mutate(_require_mapping(path, doc)))
    except roundtrip.YamlEditError as error:
        raise EditRefused(
            f"{path} cannot be edited until its front matter is valid YAML: {error}",
            _problems_of(path, before, catalog, now),
        ) from None
    try:
        return _checked(catalog, path, before, parts.replace_yaml(edited).encode("utf-8"), now)
    except EditRefused as refused:
        if any(problem.is_error for problem in _problems_of(path, before, catalog, now)):
            raise EditRefused(
                f"{path.name} already has errors; fix them first, nothing was written",
                refused.problems,
            ) from None
        raise


def _checked(
    catalog: Catalog, path: Path, before: bytes | None, after: bytes, now: datetime
) -> Change:
    source = parse_source(path, after)
    incident = check_record(source, catalog, now)
    problems = sorted(source.problems, key=Problem.sort_key)
    errors = [problem for problem in problems if problem.is_error]
    if errors or incident is None:
        raise EditRefused(
            f"the change would make {path.name} invalid, so nothing was written", errors or problems
        )
    return Change(path, before, after, incident, tuple(problems))


def _problems_of(path: Path, data: bytes, catalog: Catalog, now: datetime) -> list[Problem]:
    source = parse_source(path, data)
    check_record(source, catalog, now)
    return sorted(source.problems, key=Problem.sort_key)


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EditError(f"{path} is not UTF-8 text; save it as UTF-8 first") from None


def _split(path: Path, text: str) -> FrontMatter:
    try:
        return split_front_matter(text)
    except FrontMatterError:
        raise EditError(f"{path} has no front matter between '---' lines to edit") from None


def _require_mapping(path: Path, doc: Any) -> CommentedMap:
    if not isinstance(doc, CommentedMap):
        raise EditError(f"the front matter of {path} is not a mapping of keys to values")
    return doc


def _is_maintenance(doc: CommentedMap) -> bool:
    kind: object = doc.get("kind")
    return kind == Kind.MAINTENANCE.value


def _require_open_maintenance(doc: CommentedMap) -> None:
    if not _is_maintenance(doc):
        raise EditError("this is an incident, not a maintenance record")
    if doc.get("state") == "cancelled":
        raise EditError("the maintenance was cancelled")
    if doc.get("completed") is not None:
        raise EditError(f"the maintenance is already completed (at {doc['completed']})")


def _impaired(doc: CommentedMap) -> list[str]:
    """Components not operational after the last update, in first-mentioned order."""
    statuses: dict[str, Any] = {}
    if isinstance(doc.get("components"), Mapping):
        statuses.update(doc["components"])
    for update in doc.get("updates") or []:
        if isinstance(update, Mapping) and isinstance(update.get("components"), Mapping):
            statuses.update(update["components"])
    return [
        str(component)
        for component, status in statuses.items()
        if status != ComponentStatus.OPERATIONAL.value
    ]


def _update_fields(
    at: datetime,
    status: UpdateStatus,
    message: str,
    author: str | None,
    components: Mapping[str, ComponentStatus] | None,
) -> dict[str, Any]:
    return {
        "at": at,
        "status": status,
        "author": _text(author),
        "message": _text(message),
        "components": dict(components) if components else None,
    }


def _append_update(doc: CommentedMap, update: Mapping[str, Any]) -> None:
    updates = doc.get("updates")
    if not isinstance(updates, CommentedSeq):
        updates = CommentedSeq()
        _set_key(doc, "updates", updates)
    updates.append(_to_yaml({key: update[key] for key in UPDATE_KEY_ORDER if key in update}))
    if updates.fa.flow_style():
        updates.fa.set_block_style()


def _action_items(doc: CommentedMap, *, create: bool) -> CommentedSeq:
    postmortem = doc.get("postmortem")
    if not isinstance(postmortem, CommentedMap):
        raise EditError("the record has no postmortem yet; add one first")
    items = postmortem.get("action_items")
    if isinstance(items, CommentedSeq):
        return items
    if not create:
        raise EditError("the postmortem has no action items")
    items = CommentedSeq()
    _set_key(postmortem, "action_items", items, ("summary", "root_cause", "action_items"))
    return items


def _pick_item(items: CommentedSeq, ref: str) -> int:
    if not items:
        raise EditError("the postmortem has no action items")
    if ref.strip().isdigit():
        number = int(ref)
        if 1 <= number <= len(items):
            return number - 1
        raise EditError(f"there is no action item {number}; there are {len(items)}")
    needle = ref.strip().casefold()
    matches = [
        index
        for index, entry in enumerate(items)
        if isinstance(entry, Mapping) and needle in str(entry.get("title", "")).casefold()
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise EditError(f"no action item's title contains {ref!r}")
    raise EditError(
        f"{ref!r} matches action items {', '.join(str(i + 1) for i in matches)}; give the number"
    )


def _set_key(mapping: CommentedMap, key: str, value: Any, order: Sequence[str] = KEY_ORDER) -> None:
    """Set ``key``, placing a new key where statusbook's order puts it among those present."""
    if key in mapping:
        mapping[key] = value
        return
    rank = {name: index for index, name in enumerate(order)}
    if key not in rank:
        mapping[key] = value
        return
    # After the last key that comes earlier in the order; before the first later one.
    earlier = [i for i, name in enumerate(mapping) if rank.get(name, -1) in range(rank[key])]
    later = [i for i, name in enumerate(mapping) if rank.get(name, -1) > rank[key]]
    position = earlier[-1] + 1 if earlier else later[0] if later else len(mapping)
    mapping.insert(position, key, value)


def _text(value: str | None) -> str | None:
    """A person's text, trimmed at the ends only; ``None`` when there is none."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _to_yaml(value: Any) -> Any:
    """Plain values → ruamel nodes in statusbook's canonical text form; ``None`` keys dropped."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            if item is not None:
                mapping[str(key)] = _to_yaml(item)
        return mapping
    if isinstance(value, (list, tuple)) and not isinstance(value, CommentedSeq):
        sequence = CommentedSeq()
        sequence.extend(_to_yaml(item) for item in value)
        return sequence
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and "\n" in value.strip("\n"):
        return LiteralScalarString(value.strip("\n") + "\n")
    return value
