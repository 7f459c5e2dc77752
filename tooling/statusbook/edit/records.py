"""Creating and changing records without ever publishing a broken one or losing text.

Every operation here is a plan, not a write: it reads the record, makes a round-trip edit
of its front matter (:mod:`statusbook.edit.roundtrip`: comments, key order, quoting,
unknown keys and the Markdown body survive byte for byte outside the lines the edit is
about), validates the would-be bytes exactly as ``statusbook validate`` would, and returns
a :class:`~statusbook.edit.changes.Change`; :func:`statusbook.edit.changes.write` puts it
on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statusbook.edit import roundtrip
from statusbook.edit.action_items import append_item, set_item_status
from statusbook.edit.changes import Change, checked, problems_of
from statusbook.edit.errors import EditError, EditRefused
from statusbook.edit.fields import (
    POSTMORTEM_KEY_ORDER,
    append_update,
    placeholders,
    render_record,
    set_key,
    text,
    to_yaml,
    update_fields,
)
from statusbook.edit.naming import find_record, record_path, utc_day
from statusbook.i18n import is_placeholder
from statusbook.load.frontmatter import FrontMatterError, split_front_matter
from statusbook.model import (
    ActionStatus,
    Catalog,
    ComponentStatus,
    Impact,
    Kind,
    UpdateStatus,
)
from statusbook.timeutil import format_timestamp

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
        "updates": [update_fields(at, status, message, author, None)],
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
        "updates": [update_fields(at, UpdateStatus.SCHEDULED, message, author, None)],
    }
    return create_record(catalog, fields, body=body, now=now)


def create_record(
    catalog: Catalog,
    fields: Mapping[str, Any],
    *,
    now: datetime,
    body: str = "",
    taken: Collection[str] = (),
    existing: Collection[str] | None = None,
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
    path = record_path(catalog, utc_day(start), str(fields.get("title", "")), taken, existing)
    return checked(catalog, path, None, render_record(fields, body), now)


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
        append_update(doc, update_fields(at, status, message, author, components))

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
        append_update(doc, update_fields(at, UpdateStatus.RESOLVED, message, author, back))
        set_key(doc, "resolved", format_timestamp(at))

    return _edit(catalog, ref, now, mutate, maintenance=False)


#: What a reopening announces: the incident is open again, at one of these stages.
REOPEN_STATUSES = (UpdateStatus.INVESTIGATING, UpdateStatus.IDENTIFIED, UpdateStatus.MONITORING)


def reopen(
    catalog: Catalog,
    ref: str,
    *,
    message: str,
    at: datetime,
    now: datetime,
    status: UpdateStatus = UpdateStatus.INVESTIGATING,
    author: str | None = None,
    components: Mapping[str, ComponentStatus] | None = None,
) -> Change:
    """Reopen a resolved incident: ``resolved`` goes and an update says it is open again.

    The published timeline stays as it was (the resolving update included: it was true
    when posted); the new update sets ``components`` or, without them, gives back the
    statuses the resolution ended. This is ordinary work for the history guard — an
    appended open update with ``resolved`` removed — not a rewrite.
    """
    if status not in REOPEN_STATUSES:
        options = ", ".join(choice.value for choice in REOPEN_STATUSES)
        raise EditError(f"a reopened incident is {options}, not {status.value}")

    def mutate(doc: CommentedMap) -> None:
        if _is_maintenance(doc):
            raise EditError(
                "a maintenance window is not reopened: schedule the remaining work with "
                "statusbook maintenance new"
            )
        if doc.get("resolved") is None:
            raise EditError("the incident is not resolved; post an update on it instead")
        back = dict(components) if components else _before_resolution(doc)
        del doc["resolved"]
        append_update(doc, update_fields(at, status, message, author, back))

    return _edit(catalog, ref, now, mutate, maintenance=False)


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
        set_key(doc, "started", format_timestamp(at))
        append_update(doc, update_fields(at, UpdateStatus.IN_PROGRESS, message, author, None))

    return _edit(catalog, ref, now, mutate, maintenance=True)


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
        set_key(doc, "completed", format_timestamp(at))
        if "state" in doc:
            doc["state"] = "completed"
        append_update(doc, update_fields(at, UpdateStatus.COMPLETED, message, author, None))

    return _edit(catalog, ref, now, mutate, maintenance=True)


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
        set_key(doc, "state", "cancelled")
        append_update(doc, update_fields(at, UpdateStatus.CANCELLED, message, author, None))

    return _edit(catalog, ref, now, mutate, maintenance=True)


def add_postmortem(
    catalog: Catalog,
    ref: str,
    *,
    now: datetime,
    summary: str | None = None,
    root_cause: str | None = None,
    published: datetime | None = None,
) -> Change:
    """Add the postmortem, or fill in and publish the draft one the record has.

    Missing text becomes a placeholder in the site's language, and the postmortem stays a
    draft (no ``published``: readers do not see it). ``published`` publishes it, which needs
    its text written: placeholders are refused here, and by the validator (SB309) when
    someone sets ``published`` by hand. On an existing draft, ``summary`` and ``root_cause``
    replace placeholders only, never text someone wrote.
    """
    language = catalog.site.language

    def mutate(doc: CommentedMap) -> None:
        existing = doc.get("postmortem")
        if existing is None:
            empty_summary, empty_cause = placeholders(language)
            fields = {
                "published": published,
                "summary": text(summary) or empty_summary,
                "root_cause": text(root_cause) or empty_cause,
                "action_items": CommentedSeq(),
            }
            postmortem = to_yaml(fields)
            set_key(doc, "postmortem", postmortem)
        elif isinstance(existing, CommentedMap):
            postmortem = existing
            if summary is None and root_cause is None and published is None:
                raise EditError(
                    "the record already has a postmortem; give --summary or --root-cause to "
                    "fill in its placeholders, or --publish to publish it"
                )
            _fill(postmortem, "summary", summary)
            _fill(postmortem, "root_cause", root_cause)
            if published is not None:
                if postmortem.get("published") is not None:
                    raise EditError(
                        f"the postmortem is already published (at {postmortem['published']})"
                    )
                set_key(postmortem, "published", format_timestamp(published), POSTMORTEM_KEY_ORDER)
        else:
            raise EditError("the record's postmortem is not a mapping of keys to values")
        if published is not None:
            _require_written(postmortem)

    return _edit(catalog, ref, now, mutate)


def _fill(postmortem: CommentedMap, key: str, value: str | None) -> None:
    """Replace the placeholder at ``key`` with a person's text; written text is kept."""
    written = text(value)
    if written is None:
        return
    current = postmortem.get(key)
    if isinstance(current, str) and current.strip() and not is_placeholder(current):
        words = key.replace("_", " ")
        raise EditError(
            f"the postmortem's {words} is already written; change it in the record "
            "(--edit opens it) so nobody's text is replaced by accident"
        )
    if key in postmortem:
        # A new scalar in the old one's place: the placeholder's quoting is not kept.
        position = list(postmortem).index(key)
        del postmortem[key]
        postmortem.insert(position, key, to_yaml(written))
    else:
        set_key(postmortem, key, to_yaml(written), POSTMORTEM_KEY_ORDER)


def _require_written(postmortem: CommentedMap) -> None:
    missing = [
        key.replace("_", " ")
        for key in ("summary", "root_cause")
        if not isinstance(postmortem.get(key), str)
        or not str(postmortem.get(key)).strip()
        or is_placeholder(str(postmortem.get(key)))
    ]
    if missing:
        raise EditError(
            f"the postmortem's {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not written yet, so it cannot be published: give "
            + " and ".join(f"--{word.replace(' ', '-')}" for word in missing)
            + " (or write them in the record), then publish"
        )


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
        append_item(items, title=title, owner=owner, status=status, due=due, link=link)

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

    picked: list[str] = []

    def mutate(doc: CommentedMap) -> None:
        items = _action_items(doc, create=False)
        if not items:
            raise EditError("the postmortem has no action items")
        picked.append(set_item_status(items, item, status))

    change = _edit(catalog, ref, now, mutate)
    return replace(change, subject=picked[-1]) if picked else change


def revise(catalog: Catalog, change: Change, text: str, *, now: datetime) -> Change:
    """``change`` with the record's text replaced by ``text`` (a person's edit), re-validated."""
    return checked(catalog, change.path, change.before, text.encode("utf-8"), now)


# --- internals -------------------------------------------------------------------------------


def _edit(
    catalog: Catalog, ref: str, now: datetime, mutate: Mutation, maintenance: bool | None = None
) -> Change:
    path = find_record(catalog, ref, maintenance=maintenance)
    try:
        before = path.read_bytes()
    except OSError as error:
        raise EditError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        parts = split_front_matter(before.decode("utf-8"))
        edited = roundtrip.edit_text(parts.yaml, lambda doc: mutate(_require_mapping(path, doc)))
    except (UnicodeDecodeError, FrontMatterError, roundtrip.YamlEditError, _Unreadable):
        raise _broken(path, before, catalog, now) from None
    try:
        return checked(catalog, path, before, parts.replace_yaml(edited).encode("utf-8"), now)
    except EditRefused as refused:
        if any(problem.is_error for problem in problems_of(path, before, catalog, now)):
            raise EditRefused(
                f"{path.name} already has errors; fix them first, nothing was written",
                refused.problems,
                refused.draft,
            ) from None
        raise


class _Unreadable(EditError):
    """The record's front matter is not a mapping: it is broken, not just refused."""


def _broken(path: Path, before: bytes, catalog: Catalog, now: datetime) -> EditRefused:
    """A record the editor cannot read, reported as ``statusbook validate`` reports it: the
    same lines, codes and words, never the YAML library's own message."""
    errors = [p for p in problems_of(path, before, catalog, now) if p.is_error]
    found = (
        ""
        if errors
        else (
            ": its front matter uses YAML that statusbook cannot edit without changing it; "
            "edit this record by hand"
        )
    )
    return EditRefused(
        f"{path.name} cannot be edited until it is fixed; nothing was written{found}", errors
    )


def _require_mapping(path: Path, doc: Any) -> CommentedMap:
    if not isinstance(doc, CommentedMap):
        raise _Unreadable(f"the front matter of {path} is not a mapping of keys to values")
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


def _before_resolution(doc: CommentedMap) -> dict[str, ComponentStatus]:
    """The impaired statuses components had just before the last resolving update."""
    updates = [u for u in doc.get("updates") or [] if isinstance(u, Mapping)]
    last = max(
        (i for i, u in enumerate(updates) if u.get("status") == UpdateStatus.RESOLVED.value),
        default=len(updates),
    )
    statuses: dict[str, Any] = {}
    if isinstance(doc.get("components"), Mapping):
        statuses.update(doc["components"])
    for update in updates[:last]:
        if isinstance(update.get("components"), Mapping):
            statuses.update(update["components"])
    valid = {status.value for status in ComponentStatus}
    return {
        str(component): ComponentStatus(status)
        for component, status in statuses.items()
        if status in valid and status != ComponentStatus.OPERATIONAL.value
    }


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
    set_key(postmortem, "action_items", items, ("summary", "root_cause", "action_items"))
    return items
