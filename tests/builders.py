"""Small builders for model objects, so interval tests read as timelines, not as YAML."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from statusbook.model import (
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    MaintenanceState,
    MaintenanceWindow,
    Site,
    SlaPolicy,
    Update,
    UpdateStatus,
)

MAJOR = ComponentStatus.MAJOR_OUTAGE
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
DEGRADED = ComponentStatus.DEGRADED_PERFORMANCE
MAINTENANCE = ComponentStatus.UNDER_MAINTENANCE
OPERATIONAL = ComponentStatus.OPERATIONAL

SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def t(text: str) -> datetime:
    """``"2026-11-20T14:00"`` (seconds optional) as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def update(
    at: datetime,
    components: Mapping[str, ComponentStatus] | None = None,
    status: UpdateStatus = UpdateStatus.UPDATE,
) -> Update:
    return Update(at=at, status=status, message="An update.", components=dict(components or {}))


def incident(
    record_id: str,
    started: datetime,
    components: Mapping[str, ComponentStatus],
    *,
    resolved: datetime | None = None,
    updates: tuple[Update, ...] = (),
    impact: Impact = Impact.MAJOR,
    kind: Kind = Kind.OUTAGE,
) -> Incident:
    if not updates:
        updates = (update(started, status=UpdateStatus.INVESTIGATING),)
    return Incident(
        id=record_id,
        title=record_id,
        kind=kind,
        impact=impact,
        started=started,
        components=dict(components),
        updates=updates,
        resolved=resolved,
    )


def maintenance(
    record_id: str,
    start: datetime,
    end: datetime,
    components: Mapping[str, ComponentStatus],
    *,
    started: datetime | None = None,
    completed: datetime | None = None,
    state: MaintenanceState | None = None,
    updates: tuple[Update, ...] = (),
) -> Incident:
    window = MaintenanceWindow(start, end, started=started, completed=completed, state=state)
    return Incident(
        id=record_id,
        title=record_id,
        kind=Kind.MAINTENANCE,
        impact=Impact.NONE,
        started=started or start,
        components=dict(components),
        updates=updates,
        maintenance=window,
    )


def catalog(
    *components: str | tuple[str, datetime] | tuple[str, datetime, float | None],
    weights: Mapping[ComponentStatus, float] | None = None,
    exclude_maintenance: bool = True,
    time_zone: str = "UTC",
) -> Catalog:
    """Components as ``"api"``, ``("api", since)`` or ``("api", since, sla_target)``."""
    built = []
    for spec in components or ("api",):
        if isinstance(spec, str):
            spec = (spec,)
        since = spec[1] if len(spec) > 1 else SINCE
        target = spec[2] if len(spec) > 2 else 99.9
        built.append(
            Component(id=spec[0], name=spec[0].title(), monitored_since=since, sla_target=target)
        )
    policy = SlaPolicy() if weights is None else SlaPolicy(weights=dict(weights))
    policy = SlaPolicy(weights=policy.weights, exclude_maintenance=exclude_maintenance)
    return Catalog(site=Site(name="Test", time_zone=time_zone), components=tuple(built), sla=policy)
