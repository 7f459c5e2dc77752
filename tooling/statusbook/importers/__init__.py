"""Migration paths into statusbook: Statuspage v2 JSON and cState issues.

Each format module only translates; :mod:`.common` plans, validates and writes, and the
report lists what could not be mapped instead of dropping it silently.
"""

from __future__ import annotations

from statusbook.importers.common import (
    Draft,
    DraftUpdate,
    ImportPlan,
    ImportReport,
    Reading,
    apply_plan,
    plan_import,
)
from statusbook.importers.cstate import read_cstate, read_cstate_folder
from statusbook.importers.statuspage import read_statuspage, read_statuspage_files

__all__ = [
    "Draft",
    "DraftUpdate",
    "ImportPlan",
    "ImportReport",
    "Reading",
    "apply_plan",
    "plan_import",
    "read_cstate",
    "read_cstate_folder",
    "read_statuspage",
    "read_statuspage_files",
]
