"""Words, icons and formatted figures for page data, in the site's language and zone."""

from __future__ import annotations

import math
from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from statusbook.derive.lifecycle import Post, RecordState
from statusbook.i18n import Translator
from statusbook.model import Catalog, ComponentStatus, RecordStatus
from statusbook.render import wording
from statusbook.render.pages.views import Label, Moment
from statusbook.timeutil import format_timestamp

#: Icons are text symbols that common fonts carry (no emoji: where no emoji font is
#: installed an emoji is an empty box). U+FE0E asks for the symbol's text form.
MAINTENANCE_ICON = "\u2692\ufe0e"
STATUS_ICONS = {
    ComponentStatus.OPERATIONAL: "✓",
    ComponentStatus.UNDER_MAINTENANCE: MAINTENANCE_ICON,
    ComponentStatus.DEGRADED_PERFORMANCE: "▲",
    ComponentStatus.PARTIAL_OUTAGE: "◆",
    ComponentStatus.MAJOR_OUTAGE: "✕",
}
INDICATOR_ICONS = {
    "none": "✓",
    "minor": "▲",
    "major": "◆",
    "critical": "✕",
    "maintenance": MAINTENANCE_ICON,
}
_CLOSED_ICON, _OPEN_ICON = "✓", "●"


class Labels:
    """Translated labels for one catalog: statuses, instants, percentages."""

    def __init__(self, catalog: Catalog) -> None:
        self.t = Translator(catalog.site.language, catalog.site.time_zone)
        self.zone = ZoneInfo(catalog.site.time_zone)
        self.names = {component.id: component.name for component in catalog.components}

    def moment(self, value: datetime) -> Moment:
        return Moment(format_timestamp(value), self.t.datetime(value))

    def window(self, start: datetime, end: datetime) -> tuple[Moment, Moment]:
        """Start and end, the end without its date when both fall on one local day."""
        same_day = start.astimezone(self.zone).date() == end.astimezone(self.zone).date()
        closing = self.t.time(end) if same_day else self.t.datetime(end)
        return self.moment(start), Moment(format_timestamp(end), closing)

    def status(self, status: ComponentStatus) -> Label:
        return Label(status.value, self.t(f"status.{status.value}"), STATUS_ICONS[status])

    def record_status(self, state: RecordState) -> Label:
        """Where a record stands, in maintenance words for maintenance."""
        status = state.status
        if status is RecordStatus.POSTMORTEM:
            status = RecordStatus.RESOLVED
        icon = "" if state.is_maintenance else _OPEN_ICON if state.is_open else _CLOSED_ICON
        return Label(status.value, wording.record_status(self.t, state), icon)

    def post_status(self, post: Post) -> Label:
        return Label(post.status.value, wording.post_status(self.t, post))

    def post_message(self, post: Post) -> str:
        return wording.post_message(self.t, post)

    def component_name(self, component_id: str) -> str:
        return self.names.get(component_id, component_id)

    def percent(self, value: Fraction | None) -> str | None:
        """Uptime, rounded down: a status page never shows more availability than there was."""
        if value is None:
            return None
        digits = _digits(value)
        scale = 10**digits
        return self.t.percent(float(Fraction(math.floor(value * scale), scale)), digits)


def _digits(value: Fraction) -> int:
    """Whole 100 % when perfect; three decimals in the 99.99s, where SLAs live; else two."""
    if value >= 100:
        return 0
    return 3 if value >= Fraction(9999, 100) else 2
