"""Front-matter values as statusbook writes them: key order, canonical text, block style.

The round trip (:mod:`statusbook.edit.roundtrip`) keeps what a person wrote; these helpers
decide how what statusbook adds looks, so new keys land where the example records have them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from statusbook.edit import roundtrip
from statusbook.i18n import label
from statusbook.model import ComponentStatus, UpdateStatus
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

POSTMORTEM_KEY_ORDER = ("published", "summary", "root_cause", "action_items")


def placeholders(language: str) -> tuple[str, str]:
    """The summary and root-cause texts ``postmortem`` writes when none is given, so the
    structure is there to fill in, in the site's language. A published postmortem may hold
    neither (SB309)."""
    return label(language, "cli.placeholder_summary"), label(language, "cli.placeholder_root_cause")


def render_record(fields: Mapping[str, Any], body: str = "") -> bytes:
    """The bytes of a new record file: front matter in statusbook's order, then the body."""
    ordered = {key: fields[key] for key in KEY_ORDER if key in fields}
    ordered.update((key, value) for key, value in fields.items() if key not in ordered)
    front = roundtrip.dump(to_yaml(ordered))
    text = body.strip("\n")
    return f"---\n{front}---\n{text + chr(10) if text else ''}".encode()


def update_fields(
    at: datetime,
    status: UpdateStatus,
    message: str,
    author: str | None,
    components: Mapping[str, ComponentStatus] | None,
) -> dict[str, Any]:
    return {
        "at": at,
        "status": status,
        "author": text(author),
        "message": text(message),
        "components": dict(components) if components else None,
    }


def append_update(doc: CommentedMap, update: Mapping[str, Any]) -> None:
    updates = doc.get("updates")
    if not isinstance(updates, CommentedSeq):
        updates = CommentedSeq()
        set_key(doc, "updates", updates)
    updates.append(to_yaml({key: update[key] for key in UPDATE_KEY_ORDER if key in update}))
    if updates.fa.flow_style():
        updates.fa.set_block_style()


def set_key(mapping: CommentedMap, key: str, value: Any, order: Sequence[str] = KEY_ORDER) -> None:
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


def text(value: str | None) -> str | None:
    """A person's text, trimmed at the ends only; ``None`` when there is none."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def to_yaml(value: Any) -> Any:
    """Plain values → ruamel nodes in statusbook's canonical text form; ``None`` keys dropped."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            if item is not None:
                mapping[str(key)] = to_yaml(item)
        return mapping
    if isinstance(value, (list, tuple)) and not isinstance(value, CommentedSeq):
        sequence = CommentedSeq()
        sequence.extend(to_yaml(item) for item in value)
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
