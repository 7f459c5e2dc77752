"""Changing records and the catalog without ever publishing a broken one or losing text.

A library first, under a thin CLI: each operation returns a validated
:class:`~statusbook.edit.changes.Change` and :func:`~statusbook.edit.changes.write` puts it
on disk. The modules: :mod:`.changes` (changes and the write), :mod:`.errors`, :mod:`.naming`
(which record a person means, new file names), :mod:`.records` (creating records and
moving them through their lifecycle), :mod:`.fields` (how statusbook writes values),
:mod:`.catalog`, :mod:`.roundtrip` (edits that keep every other byte), :mod:`.when`
(times people type) and :mod:`.scaffold` (a new status repository).

Names are imported on first use (PEP 562): ``statusbook list`` needs only the naming rules
and should not pay for the round-trip YAML editor that changing a record needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Each public name and the module that defines it.
_HOMES: dict[str, str] = {
    "BusyError": "errors",
    "CatalogChange": "changes",
    "Change": "changes",
    "ConflictError": "errors",
    "EditError": "errors",
    "EditRefused": "errors",
    "FileChange": "changes",
    "RecordNotFound": "errors",
    "add_action_item": "records",
    "add_components": "catalog",
    "add_postmortem": "records",
    "add_update": "records",
    "cancel_maintenance": "records",
    "complete_maintenance": "records",
    "create_record": "records",
    "find_record": "naming",
    "new_incident": "records",
    "new_maintenance": "records",
    "record_ids": "naming",
    "record_path": "naming",
    "placeholders": "fields",
    "render_record": "fields",
    "resolve": "records",
    "revise": "records",
    "set_action_status": "records",
    "slugify": "naming",
    "start_maintenance": "records",
    "write": "changes",
}
__all__ = [
    "BusyError",
    "CatalogChange",
    "Change",
    "ConflictError",
    "EditError",
    "EditRefused",
    "FileChange",
    "RecordNotFound",
    "add_action_item",
    "add_components",
    "add_postmortem",
    "add_update",
    "cancel_maintenance",
    "complete_maintenance",
    "create_record",
    "find_record",
    "new_incident",
    "new_maintenance",
    "placeholders",
    "record_ids",
    "record_path",
    "render_record",
    "resolve",
    "revise",
    "set_action_status",
    "slugify",
    "start_maintenance",
    "write",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'statusbook.edit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"statusbook.edit.{home}"), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from statusbook.edit.catalog import add_components
    from statusbook.edit.changes import CatalogChange, Change, FileChange, write
    from statusbook.edit.errors import (
        BusyError,
        ConflictError,
        EditError,
        EditRefused,
        RecordNotFound,
    )
    from statusbook.edit.fields import placeholders, render_record
    from statusbook.edit.naming import find_record, record_ids, record_path, slugify
    from statusbook.edit.records import (
        add_action_item,
        add_postmortem,
        add_update,
        cancel_maintenance,
        complete_maintenance,
        create_record,
        new_incident,
        new_maintenance,
        resolve,
        revise,
        set_action_status,
        start_maintenance,
    )
