"""The status roll-up at one instant: what the home page, the feeds and the API show now.

Component statuses follow :mod:`statusbook.timeline` (worst status wins; planned
maintenance only where nothing unplanned is as bad). The overall indicator uses
Statuspage's vocabulary so the API can serve it unchanged; people-facing labels are the
site's job (it translates them), so the only English here is Statuspage's own documented
``description`` strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from statusbook.derive.timeline import statuses_at
from statusbook.model import Catalog, ComponentStatus, Incident, MaintenanceState, worst_status

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


@dataclass(frozen=True)
class OverallStatus:
    """Statuspage's ``status`` object: the indicator, and the worst component status behind it."""

    indicator: str
    status: ComponentStatus

    @property
    def description(self) -> str:
        if self.indicator == "minor" and self.status is ComponentStatus.DEGRADED_PERFORMANCE:
            return DEGRADED_DESCRIPTION
        return DESCRIPTIONS[self.indicator]


def component_statuses(
    catalog: Catalog, incidents: Iterable[Incident], now: datetime
) -> dict[str, ComponentStatus]:
    """Every catalog component's status at ``now``, in catalog order."""
    held = statuses_at(incidents, now)
    return {
        component: held.get(component, (ComponentStatus.OPERATIONAL, False))[0]
        for component in catalog.component_ids
    }


def overall_status(catalog: Catalog, incidents: Iterable[Incident], now: datetime) -> OverallStatus:
    """The page's roll-up: the worst component status, raised to the impact of any active
    incident (an incident declared critical is critical even before components are set)."""
    records = list(incidents)
    worst = worst_status(list(component_statuses(catalog, records, now).values()))
    indicator = STATUS_INDICATORS[worst]
    for incident in active_incidents(records, now):
        if incident.impact.rank > _RANK[indicator]:
            indicator = incident.impact.value
    return OverallStatus(indicator, worst)


def active_incidents(incidents: Iterable[Incident], now: datetime) -> list[Incident]:
    """Unresolved incidents (not maintenance) that have started by ``now``, newest first."""
    active = [
        incident
        for incident in incidents
        if not incident.is_maintenance
        and incident.started <= now
        and (incident.resolved is None or incident.resolved > now)
    ]
    return sorted(active, key=lambda incident: (incident.started, incident.id), reverse=True)


def maintenance_in_progress(incidents: Iterable[Incident], now: datetime) -> list[Incident]:
    """Maintenance windows in progress at ``now``, earliest start first."""
    return _maintenance_in_state(incidents, now, MaintenanceState.IN_PROGRESS)


def upcoming_maintenance(incidents: Iterable[Incident], now: datetime) -> list[Incident]:
    """Maintenance still scheduled at ``now``, soonest first."""
    return _maintenance_in_state(incidents, now, MaintenanceState.SCHEDULED)


def _maintenance_in_state(
    incidents: Iterable[Incident], now: datetime, state: MaintenanceState
) -> list[Incident]:
    chosen = [
        incident
        for incident in incidents
        if incident.maintenance is not None and incident.maintenance.state_at(now) is state
    ]
    return sorted(chosen, key=lambda incident: (incident.started, incident.id))
