"""The status roll-up at one instant: every component's status and the page's indicator.

Component statuses follow the rule of :mod:`statusbook.derive.timeline` (worst status wins;
planned maintenance only where nothing unplanned is as bad), applied to what each record
holds at ``now`` (:attr:`statusbook.derive.lifecycle.RecordState.held`). The overall
indicator uses Statuspage's vocabulary so the API can serve it unchanged; people-facing
labels are the renderers' job (they translate them), so the only English here is
Statuspage's own documented ``description`` strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from statusbook.derive.lifecycle import RecordState
from statusbook.derive.timeline import effective_status
from statusbook.model import Catalog, ComponentStatus, worst_status

#: Statuspage's ``status.indicator`` values, least to most severe (``maintenance`` aside).
INDICATORS = ("none", "minor", "major", "critical", "maintenance")

#: The indicator a worst component status maps to.
STATUS_INDICATORS: dict[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: "none",
    ComponentStatus.UNDER_MAINTENANCE: "maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "minor",
    ComponentStatus.PARTIAL_OUTAGE: "major",
    ComponentStatus.MAJOR_OUTAGE: "critical",
}

#: Statuspage's documented ``status.description`` for each indicator.
DESCRIPTIONS: dict[str, str] = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}
#: What Statuspage says instead of "Minor Service Outage" when the cause is degradation.
DEGRADED_DESCRIPTION = "Partially Degraded Service"

_RANK = {"none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3}


class OverallStatus(NamedTuple):
    """Statuspage's ``status`` object: the indicator, and the worst component status behind it."""

    indicator: str
    status: ComponentStatus

    @property
    def description(self) -> str:
        if self.indicator == "minor" and self.status is ComponentStatus.DEGRADED_PERFORMANCE:
            return DEGRADED_DESCRIPTION
        return DESCRIPTIONS[self.indicator]


def component_statuses(
    catalog: Catalog, states: Iterable[RecordState]
) -> dict[str, ComponentStatus]:
    """Every catalog component's status, in catalog order, from what the records hold."""
    unplanned: dict[str, list[ComponentStatus]] = {}
    planned: dict[str, list[ComponentStatus]] = {}
    for state in states:
        target = planned if state.is_maintenance else unplanned
        for component, status in state.held.items():
            target.setdefault(component, []).append(status)
    return {
        component: effective_status(unplanned.get(component, ()), planned.get(component, ()))[0]
        for component in catalog.component_ids
    }


def overall_status(
    statuses: Mapping[str, ComponentStatus], active: Iterable[RecordState]
) -> OverallStatus:
    """The page's roll-up: the worst component status, raised to the impact of any active
    incident (an incident declared critical is critical even before components are set)."""
    worst = worst_status(statuses.values())
    indicator = STATUS_INDICATORS[worst]
    for state in active:
        impact = state.record.impact
        if impact.rank > _RANK[indicator]:
            indicator = impact.value
    return OverallStatus(indicator, worst)
