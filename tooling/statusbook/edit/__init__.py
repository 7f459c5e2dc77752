"""Changing records and the catalog without ever publishing a broken one or losing text.

A library first, under a thin CLI: each operation returns a validated
:class:`~statusbook.edit.changes.Change` and :func:`~statusbook.edit.changes.write` puts it
on disk. The modules: :mod:`.changes` (changes, errors, the write), :mod:`.naming`
(which record a person means, new file names), :mod:`.records` (creating records and
moving them through their lifecycle), :mod:`.fields` (how statusbook writes values),
:mod:`.catalog`, :mod:`.roundtrip` (edits that keep every other byte), :mod:`.when`
(times people type) and :mod:`.scaffold` (a new status repository).
"""

from statusbook.edit.catalog import add_components
from statusbook.edit.changes import (
    CatalogChange,
    Change,
    ConflictError,
    EditError,
    EditRefused,
    FileChange,
    RecordNotFound,
    write,
)
from statusbook.edit.fields import ROOT_CAUSE_PLACEHOLDER, SUMMARY_PLACEHOLDER, render_record
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

__all__ = [
    "ROOT_CAUSE_PLACEHOLDER",
    "SUMMARY_PLACEHOLDER",
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
