"""Creating and changing problem records, with the discipline incident records get.

Every operation is a plan, not a write, as in :mod:`statusbook.edit.records`: it reads the
problem record, makes a round-trip edit of its front matter (comments, key order, quoting,
unknown keys and the Markdown body survive byte for byte outside the lines the edit is
about), validates the would-be bytes as ``statusbook validate`` would — the record's own
rules, and its links against every incident and every other problem in the repository —
and returns a :class:`ProblemChange`; :func:`statusbook.edit.changes.write` puts it on disk.

Links are written on the problem's side only (``incidents:``): linking never edits an
incident record, whose published history the history guard protects.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statusbook.edit import roundtrip
from statusbook.edit.action_items import append_item, set_item_status
from statusbook.edit.changes import FileChange, decode
from statusbook.edit.errors import EditError, EditRefused, RecordNotFound
from statusbook.edit.fields import set_key, text, to_yaml
from statusbook.edit.naming import find_record, slugify
from statusbook.load.frontmatter import FrontMatterError, split_front_matter
from statusbook.load.items import problem_id_of
from statusbook.load.problem_records import (
    check_links,
    check_problem,
    link_targets,
    problem_files,
)
from statusbook.load.records import Source, parse_source, read_source
from statusbook.model import ActionStatus, Catalog, ProblemRecord, ProblemStatus, Visibility
from statusbook.problems import Problem
from statusbook.timeutil import format_timestamp

#: Key order statusbook writes problem records in; unknown keys keep their place.
PROBLEM_KEY_ORDER = (
    "title",
    "status",
    "visibility",
    "opened",
    "identified",
    "resolved",
    "owner",
    "summary",
    "workaround",
    "root_cause",
    "incidents",
    "components",
    "action_items",
    "notes",
)
NOTE_KEY_ORDER = ("at", "author", "visibility", "note")


@dataclass(frozen=True)
class ProblemChange(FileChange):
    """A validated change to one problem record."""

    problem: ProblemRecord
    #: Warnings the validator raised about the new version (errors refuse the change).
    warnings: tuple[Problem, ...] = ()


# --- finding problem records -------------------------------------------------------------


def find_problem(catalog: Catalog, ref: str) -> Path:
    """The problem a person means: ``PRB-0001``, ``prb-1``, ``1``, its file name or path, or
    an unambiguous part of its slug (``gateway``)."""
    ref = ref.strip()
    as_path = Path(ref)
    if ref.endswith(".md") and as_path.is_file():
        return as_path
    files = problem_files(catalog)
    wanted = _normal_id(ref)
    exact = [path for path in files if problem_id_of(path.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    needle = ref.casefold()
    candidates = exact or [path for path in files if needle and needle in path.stem.casefold()]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(sorted(path.stem for path in candidates)[:8])
        raise RecordNotFound(f"{ref!r} matches several problem records: {names}; give its id")
    close = difflib.get_close_matches(ref, [path.stem for path in files], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise RecordNotFound(f"no problem record {ref!r} under {catalog.problems_dir}{hint}")


def _normal_id(ref: str) -> str | None:
    """``PRB-0001`` for ``PRB-0001``, ``prb-1`` or ``1``; ``None`` for anything else."""
    digits = ref.upper().removeprefix("PRB-").removeprefix("PRB")
    return f"PRB-{int(digits):04d}" if digits.isdigit() else None


def next_problem_id(catalog: Catalog) -> str:
    numbers = [
        int(problem_id.removeprefix("PRB-"))
        for problem_id in (problem_id_of(path.name) for path in problem_files(catalog))
        if problem_id
    ]
    return f"PRB-{max(numbers, default=0) + 1:04d}"


# --- creating ------------------------------------------------------------------------------


def new_problem(
    catalog: Catalog,
    *,
    title: str,
    now: datetime,
    opened: datetime | None = None,
    status: ProblemStatus = ProblemStatus.INVESTIGATING,
    identified: datetime | None = None,
    summary: str | None = None,
    workaround: str | None = None,
    root_cause: str | None = None,
    owner: str | None = None,
    incidents: Sequence[str] = (),
    components: Sequence[str] = (),
    visibility: Visibility | None = None,
    body: str = "",
) -> ProblemChange:
    """A new problem record, ``problems/PRB-NNNN-slug.md`` with the next free number.

    ``incidents`` may name records by any unambiguous part of their id, as other commands
    do; a known error is identified at ``opened`` unless ``identified`` says when.
    """
    problem_id = next_problem_id(catalog)
    opened = opened or now
    if status is ProblemStatus.RESOLVED:
        raise EditError("a new problem starts investigating or as a known error; resolve it later")
    if status is ProblemStatus.KNOWN_ERROR:
        identified = identified or opened
    fields: dict[str, Any] = {
        "title": title.strip(),
        "status": status,
        "visibility": visibility if visibility is Visibility.INTERNAL else None,
        "opened": opened,
        "identified": identified,
        "owner": text(owner),
        "summary": text(summary),
        "workaround": text(workaround),
        "root_cause": text(root_cause),
        "incidents": [incident_id(catalog, ref) for ref in incidents] or None,
        "components": list(components) or None,
    }
    ordered = {key: fields[key] for key in PROBLEM_KEY_ORDER if fields.get(key) is not None}
    front = roundtrip.dump(to_yaml(ordered))
    content = body.strip("\n")
    after = f"---\n{front}---\n{content + chr(10) if content else ''}".encode()
    path = catalog.problems_dir / f"{problem_id}-{slugify(title, 50)}.md"
    return checked_problem(catalog, path, None, after, now)


def incident_id(catalog: Catalog, ref: str) -> str:
    """The id of the incident a person means (its id, path, or part of its id)."""
    return find_record(catalog, ref).stem


# --- changing ------------------------------------------------------------------------------

Mutation = Callable[[CommentedMap], None]


def link_incidents(
    catalog: Catalog, ref: str, incidents: Sequence[str], *, now: datetime, unlink: bool = False
) -> ProblemChange:
    """List ``incidents`` under the problem's ``incidents:`` (or take them off)."""
    ids = [incident_id(catalog, item) for item in incidents]
    if not ids:
        raise EditError("name at least one incident to link")

    def mutate(doc: CommentedMap) -> None:
        listed = doc.get("incidents")
        if not isinstance(listed, CommentedSeq):
            if unlink:
                raise EditError("the problem lists no incidents")
            listed = CommentedSeq()
            set_key(doc, "incidents", listed, PROBLEM_KEY_ORDER)
        for incident in ids:
            if unlink:
                if incident not in listed:
                    raise EditError(f"{incident} is not listed by this problem")
                listed.remove(incident)
            elif incident in listed:
                raise EditError(f"{incident} is already linked to this problem")
            else:
                listed.append(incident)
        if unlink and not listed:
            del doc["incidents"]
        elif listed.fa.flow_style() and len(listed) > 3:
            listed.fa.set_block_style()

    return _edit(catalog, ref, now, mutate)


def update_problem(
    catalog: Catalog,
    ref: str,
    *,
    now: datetime,
    at: datetime | None = None,
    status: ProblemStatus | None = None,
    fields: Mapping[str, str | None] | None = None,
    visibility: Visibility | None = None,
    note: str | None = None,
    author: str | None = None,
    note_visibility: Visibility | None = None,
) -> ProblemChange:
    """Change the status (known_error records when it was identified; back to investigating
    or known_error reopens a resolved problem), text ``fields`` (title, summary, workaround,
    root_cause, owner) or the visibility, and add a ``note`` — in one edit."""
    if status is ProblemStatus.RESOLVED:
        raise EditError("resolving records when the fix landed: resolve the problem instead")
    moment = format_timestamp(at or now)

    def mutate(doc: CommentedMap) -> None:
        if status is not None:
            _set_status(doc, status, moment)
        for key, value in (fields or {}).items():
            if key not in ("title", "summary", "workaround", "root_cause", "owner"):
                raise EditError(f"{key!r} is not a text field of a problem record")
            if value is not None:
                set_key(doc, key, to_yaml(value.strip()), PROBLEM_KEY_ORDER)
        if visibility is Visibility.INTERNAL:
            set_key(doc, "visibility", visibility.value, PROBLEM_KEY_ORDER)
        elif visibility is Visibility.PUBLIC and "visibility" in doc:
            del doc["visibility"]
        if note:
            _append_note(doc, at or now, note, author, note_visibility)

    return _edit(catalog, ref, now, mutate)


def _set_status(doc: CommentedMap, status: ProblemStatus, moment: str) -> None:
    if doc.get("status") == status.value:
        raise EditError(f"the problem is already {status.value}")
    set_key(doc, "status", status.value, PROBLEM_KEY_ORDER)
    doc.pop("resolved", None)
    if status is ProblemStatus.KNOWN_ERROR and doc.get("identified") is None:
        set_key(doc, "identified", moment, PROBLEM_KEY_ORDER)
    elif status is ProblemStatus.INVESTIGATING:
        doc.pop("identified", None)


def resolve_problem(
    catalog: Catalog, ref: str, *, at: datetime, now: datetime, note: str | None = None
) -> ProblemChange:
    """The fix removed the root cause: ``status: resolved`` and ``resolved``. The validator
    refuses while an action item is still open (SB808)."""

    def mutate(doc: CommentedMap) -> None:
        if doc.get("status") == ProblemStatus.RESOLVED.value:
            raise EditError(f"the problem is already resolved (at {doc.get('resolved')})")
        set_key(doc, "status", ProblemStatus.RESOLVED.value, PROBLEM_KEY_ORDER)
        set_key(doc, "resolved", format_timestamp(at), PROBLEM_KEY_ORDER)
        if note:
            _append_note(doc, at, note, None, None)

    return _edit(catalog, ref, now, mutate)


def _append_note(
    doc: CommentedMap, at: datetime, note: str, author: str | None, visibility: Visibility | None
) -> None:
    notes = doc.get("notes")
    if not isinstance(notes, CommentedSeq):
        notes = CommentedSeq()
        set_key(doc, "notes", notes, PROBLEM_KEY_ORDER)
    entry = {
        "at": at,
        "author": text(author),
        "visibility": visibility.value if visibility is Visibility.INTERNAL else None,
        "note": text(note),
    }
    notes.append(to_yaml({key: entry[key] for key in NOTE_KEY_ORDER}))
    if notes.fa.flow_style():
        notes.fa.set_block_style()


def add_problem_action(
    catalog: Catalog,
    ref: str,
    *,
    title: str,
    owner: str,
    now: datetime,
    status: ActionStatus = ActionStatus.OPEN,
    due: date | None = None,
    link: str | None = None,
) -> ProblemChange:
    def mutate(doc: CommentedMap) -> None:
        items = doc.get("action_items")
        if not isinstance(items, CommentedSeq):
            items = CommentedSeq()
            set_key(doc, "action_items", items, PROBLEM_KEY_ORDER)
        append_item(items, title=title, owner=owner, status=status, due=due, link=link)

    return _edit(catalog, ref, now, mutate)


def set_problem_action_status(
    catalog: Catalog,
    ref: str,
    item: str,
    *,
    now: datetime,
    status: ActionStatus = ActionStatus.DONE,
) -> ProblemChange:
    """Close (or otherwise move) action item ``item``: its number, or part of its title."""

    def mutate(doc: CommentedMap) -> None:
        items = doc.get("action_items")
        if not isinstance(items, CommentedSeq) or not items:
            raise EditError("the problem has no action items")
        set_item_status(items, item, status)

    return _edit(catalog, ref, now, mutate)


def revise_problem(
    catalog: Catalog, change: ProblemChange, edited: str, *, now: datetime
) -> ProblemChange:
    """``change`` with the record's text replaced by a person's edit, re-validated."""
    return checked_problem(catalog, change.path, change.before, edited.encode("utf-8"), now)


# --- checking --------------------------------------------------------------------------------


def checked_problem(
    catalog: Catalog, path: Path, before: bytes | None, after: bytes, now: datetime
) -> ProblemChange:
    """``after`` as the problem record at ``path``, checked with every rule ``validate``
    applies to it — links included, against the repository as it is — or refused."""
    source, problem = _check(catalog, path, after, now)
    problems = sorted(source.problems, key=Problem.sort_key)
    errors = [finding for finding in problems if finding.is_error]
    if errors or problem is None:
        raise EditRefused(
            f"the change would make {path.name} invalid, so nothing was written",
            errors or problems,
            after,
        )
    return ProblemChange(path, before, after, problem, tuple(problems))


def _check(
    catalog: Catalog, path: Path, data: bytes, now: datetime
) -> tuple[Source, ProblemRecord | None]:
    source = parse_source(path, data)
    problem = check_problem(source, catalog, now)
    if problem is None:
        return source, None
    others: list[tuple[ProblemRecord, Source]] = []
    for other_path in problem_files(catalog):
        if other_path.resolve() == path.resolve():
            continue
        other_source = read_source(other_path)
        other = check_problem(other_source, catalog, now)
        if other is None:
            continue
        if other.id == problem.id:
            source.report(
                "SB802",
                f"id {problem.id} is also used by {other_path.name}",
                "give this problem the next free number: the id must be unique",
            )
            return source, None
        others.append((other, other_source))
    # This record first: a link it adds that another problem already holds is reported here.
    check_links([(problem, source), *others], link_targets(catalog))
    if any(finding.is_error for finding in source.problems):
        return source, None
    return source, problem


def _edit(catalog: Catalog, ref: str, now: datetime, mutate: Mutation) -> ProblemChange:
    path = find_problem(catalog, ref)
    try:
        before = path.read_bytes()
    except OSError as error:
        raise EditError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        parts = split_front_matter(decode(path, before))
        edited = roundtrip.edit_text(parts.yaml, lambda doc: mutate(_mapping(path, doc)))
    except (FrontMatterError, roundtrip.YamlEditError):
        source, _ = _check(catalog, path, before, now)
        errors = [finding for finding in source.problems if finding.is_error]
        raise EditRefused(
            f"{path.name} cannot be edited until it is fixed; nothing was written", errors
        ) from None
    try:
        return checked_problem(catalog, path, before, parts.replace_yaml(edited).encode(), now)
    except EditRefused as refused:
        source, _ = _check(catalog, path, before, now)
        if any(finding.is_error for finding in source.problems):
            raise EditRefused(
                f"{path.name} already has errors; fix them first, nothing was written",
                refused.problems,
                refused.draft,
            ) from None
        raise


def _mapping(path: Path, doc: Any) -> CommentedMap:
    if not isinstance(doc, CommentedMap):
        raise EditError(f"the front matter of {path} is not a mapping of keys to values")
    return doc
