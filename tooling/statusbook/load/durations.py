"""Lengths of time as people write them in the catalog: ``2h``, ``90m``, ``1h30m``, ``1d``.

One reading for the checker (:class:`statusbook.load.schema.Duration`) and the published
JSON Schema's pattern, so an editor and ``statusbook validate`` accept the same texts.
"""

from __future__ import annotations

import re
from datetime import timedelta

#: Days, hours and minutes, in any combination, each with its unit.
DURATION_PATTERN = r"^\s*(\d+\s*[dhm]\s*)+$"
_PART = re.compile(r"(\d+)\s*([dhm])")
_SECONDS = {"d": 86400, "h": 3600, "m": 60}


def parse_duration(text: str) -> timedelta | None:
    """The positive length ``text`` names, or ``None`` when it names none."""
    if not re.match(DURATION_PATTERN, text):
        return None
    seconds = sum(int(amount) * _SECONDS[unit] for amount, unit in _PART.findall(text))
    return timedelta(seconds=seconds) if seconds > 0 else None
