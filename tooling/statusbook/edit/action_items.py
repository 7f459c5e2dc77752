"""Adding an action item to a list and moving one along: the same edit whether the list is
an incident's postmortem or a problem record, so both say the same words and pick an item
the same way (its 1-based number, or a part of its title only one item has)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ruamel.yaml.comments import CommentedSeq

from statusbook.edit.errors import EditError
from statusbook.edit.fields import ACTION_KEY_ORDER, set_key, to_yaml
from statusbook.model import ActionStatus


def append_item(
    items: CommentedSeq,
    *,
    title: str,
    owner: str,
    status: ActionStatus,
    due: date | None,
    link: str | None,
) -> None:
    """Append one item, its keys in statusbook's order, written as a block like the rest."""
    fields = {
        "title": title.strip(),
        "owner": owner.strip(),
        "status": status,
        "due": due,
        "link": link,
    }
    items.append(to_yaml({key: fields[key] for key in ACTION_KEY_ORDER}))
    if items.fa.flow_style():
        items.fa.set_block_style()


def set_item_status(items: CommentedSeq, ref: str, status: ActionStatus) -> str:
    """Give the item ``ref`` names ``status``; how it is called in a message: ``2 'title'``.

    Refused when it already has that status, so a repeated command says so rather than
    writing nothing silently."""
    index = pick_item(items, ref)
    entry = items[index]
    called = f"{index + 1} {str(entry.get('title', '')).strip()!r}"
    if entry.get("status", "open") == status.value:
        raise EditError(f"action item {called} is already {status.value}")
    set_key(entry, "status", status.value, ACTION_KEY_ORDER)
    return called


def pick_item(items: CommentedSeq, ref: str) -> int:
    """The index of the item ``ref`` names: its number, or a part of one title only."""
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
    numbers = ", ".join(str(index + 1) for index in matches)
    raise EditError(f"{ref!r} matches action items {numbers}; give the number")
