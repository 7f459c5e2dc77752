"""The home page: the banner, every component, and what is going on now."""

from __future__ import annotations

from collections.abc import Mapping

from statusbook.derive.snapshot import Snapshot
from statusbook.model import ComponentStatus
from statusbook.render.pages.components import bar_legend
from statusbook.render.pages.labels import INDICATOR_ICONS, Labels
from statusbook.render.pages.views import (
    ComponentRow,
    GroupRows,
    HomePage,
    IncidentSummary,
    Label,
)

#: Past incidents on the home page.
RECENT_INCIDENTS = 5


def home_page(
    snapshot: Snapshot,
    labels: Labels,
    rows: Mapping[str, ComponentRow],
    summaries: Mapping[str, IncidentSummary],
) -> HomePage:
    indicator = snapshot.overall.indicator
    past = [
        state
        for state in reversed(snapshot.records)
        if not state.is_maintenance and not state.is_open
    ]
    return HomePage(
        overall=Label(indicator, labels.t(f"banner.{indicator}"), INDICATOR_ICONS[indicator]),
        groups=_groups(snapshot, rows),
        active=tuple(summaries[s.id] for s in snapshot.active),
        maintenance_now=tuple(summaries[s.id] for s in snapshot.maintenance_now),
        maintenance_next=tuple(summaries[s.id] for s in snapshot.maintenance_next),
        recent=tuple(summaries[s.id] for s in past[:RECENT_INCIDENTS]),
        last_updated=labels.moment(snapshot.now),
        legend=bar_legend(labels),
        # Every status and banner in words, for the script that updates the page in place.
        statuses=tuple(labels.status(status) for status in ComponentStatus),
        banners=tuple(
            Label(indicator, labels.t(f"banner.{indicator}"), icon)
            for indicator, icon in INDICATOR_ICONS.items()
        ),
    )


def _groups(snapshot: Snapshot, rows: Mapping[str, ComponentRow]) -> tuple[GroupRows, ...]:
    """Components by group in catalog order; ungrouped ones last."""
    catalog = snapshot.catalog
    grouped: dict[str | None, list[ComponentRow]] = {}
    for component in catalog.components:
        grouped.setdefault(component.group, []).append(rows[component.id])
    groups = [
        GroupRows(group.name, tuple(grouped[group.id]))
        for group in catalog.groups
        if grouped.get(group.id)
    ]
    if grouped.get(None):
        groups.append(GroupRows(None, tuple(grouped[None])))
    return tuple(groups)
