"""Deterministic synthetic status repositories for benchmarks (and load tests).

``generate(root, incidents=10_000, components=30)`` writes ``statusbook.yml`` and that many
realistic record files (several updates, changing component statuses, some maintenance and
postmortems), spread evenly over the years before ``end``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statusbook.model import (
    Catalog,
    Component,
    ComponentStatus,
    Impact,
    Incident,
    Kind,
    MaintenanceWindow,
    Site,
    Update,
    UpdateStatus,
)
from statusbook.timeutil import format_timestamp

END = datetime(2026, 11, 1, tzinfo=UTC)
KINDS = ["outage", "degradation", "network", "bug", "security", "data-loss", "third-party"]
IMPACTS = ["minor", "major", "critical", "minor"]
STATUSES = ["major_outage", "partial_outage", "degraded_performance"]
WORDS = (  # noqa: SIM905 - a sentence reads better than a list of words
    "error rates latency queue backlog region gateway database replica cache certificate "
    "routing packet loss deploy rollback configuration timeout upstream provider capacity"
).split()


def generate(
    root: Path,
    incidents: int = 10_000,
    components: int = 30,
    *,
    seed: int = 0,
    end: datetime = END,
    span_days: int | None = None,
) -> Path:
    """Write a catalog and ``incidents`` records under ``root``; return the catalog path."""
    rng = random.Random(seed)
    span = timedelta(days=span_days or max(365, incidents // 3))
    start = end - span
    component_ids = [f"component-{index:02d}" for index in range(components)]
    catalog = root / "statusbook.yml"
    lines = [
        "site:",
        "  name: Benchmark Status",
        "  url: https://status.bench.example/",
        "components:",
    ]
    for component in component_ids:
        lines += [
            f"  - id: {component}",
            f"    name: {component.replace('-', ' ').title()}",
            "    sla: 99.9",
            f"    monitored_since: {start.date().isoformat()}",
        ]
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = root / "incidents"
    step = span / incidents
    for index in range(incidents):
        began = (
            start + step * index + timedelta(seconds=rng.randrange(int(step.total_seconds()) or 1))
        )
        began = began.replace(microsecond=0)
        path = (
            records / f"{began.year:04d}" / f"{began.date().isoformat()}-synthetic-{index:06d}.md"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        maintenance = rng.random() < 0.1
        text = (
            _maintenance(rng, began, component_ids)
            if maintenance
            else _incident(rng, began, component_ids)
        )
        path.write_text(text, encoding="utf-8")
    return catalog


def _sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _incident(rng: random.Random, began: datetime, component_ids: list[str]) -> str:
    affected = rng.sample(component_ids, rng.randint(1, 3))
    lines = [
        "---",
        f"title: {_sentence(rng, 5)[:-1]}",
        f"kind: {rng.choice(KINDS)}",
        f"impact: {rng.choice(IMPACTS)}",
        "manager: Benchmark Manager",
        f"started: {format_timestamp(began)}",
        "components:",
        *(f"  {component}: {rng.choice(STATUSES)}" for component in affected),
        "updates:",
    ]
    at = began
    lifecycle = ["investigating", "identified", "monitoring", "resolved"]
    for position, status in enumerate(lifecycle):
        at += timedelta(minutes=rng.randint(3, 90))
        lines += [
            f"  - at: {format_timestamp(at)}",
            f"    status: {status}",
            "    author: On-call Engineer",
            "    message: |",
            f"      {_sentence(rng)}",
            f"      {_sentence(rng)}",
        ]
        if position == 1:
            lines += ["    components:", f"      {affected[0]}: {rng.choice(STATUSES)}"]
    lines.insert(6, f"resolved: {format_timestamp(at)}")
    if rng.random() < 0.2:
        lines += [
            "postmortem:",
            f"  summary: {_sentence(rng)}",
            f"  root_cause: {_sentence(rng)}",
            "  action_items:",
            f"    - title: {_sentence(rng, 6)}",
            "      owner: Platform team",
            "      status: open",
            "      due: 2027-01-31",
        ]
    lines += ["---", _sentence(rng, 30), ""]
    return "\n".join(lines)


def _maintenance(rng: random.Random, began: datetime, component_ids: list[str]) -> str:
    affected = rng.sample(component_ids, rng.randint(1, 2))
    ends = began + timedelta(hours=rng.randint(1, 4))
    lines = [
        "---",
        f"title: Planned {_sentence(rng, 4)[:-1].lower()}",
        "kind: maintenance",
        f"scheduled_start: {format_timestamp(began)}",
        f"scheduled_end: {format_timestamp(ends)}",
        "components:",
        *(f"  {component}: under_maintenance" for component in affected),
        "updates:",
        f"  - at: {format_timestamp(began - timedelta(days=7))}",
        "    status: scheduled",
        f"    message: {_sentence(rng)}",
        "---",
        "",
    ]
    return "\n".join(lines)


def build(
    incidents: int = 10_000,
    components: int = 30,
    *,
    seed: int = 0,
    end: datetime = END,
    span_days: int | None = None,
) -> tuple[Catalog, list[Incident]]:
    """The same kind of repository as :func:`generate`, as model objects: no files, no
    parsing, for benchmarks of what happens after validation (uptime, feeds, pages)."""
    rng = random.Random(seed)
    span = timedelta(days=span_days or max(365, incidents // 3))
    start = end - span
    component_ids = [f"component-{index:02d}" for index in range(components)]
    catalog = Catalog(
        site=Site(name="Benchmark Status", url="https://status.bench.example/"),
        components=tuple(
            Component(
                id=c, name=c.replace("-", " ").title(), monitored_since=start, sla_target=99.9
            )
            for c in component_ids
        ),
    )
    step = span / incidents
    built = []
    for index in range(incidents):
        began = (
            start + step * index + timedelta(seconds=rng.randrange(int(step.total_seconds()) or 1))
        )
        began = began.replace(microsecond=0)
        record_id = f"{began.date().isoformat()}-synthetic-{index:06d}"
        if rng.random() < 0.1:
            built.append(_maintenance_record(rng, record_id, began, component_ids))
        else:
            built.append(_incident_record(rng, record_id, began, component_ids))
    return catalog, built


def _incident_record(
    rng: random.Random, record_id: str, began: datetime, component_ids: list[str]
) -> Incident:
    affected = rng.sample(component_ids, rng.randint(1, 3))
    initial = {component: ComponentStatus(rng.choice(STATUSES)) for component in affected}
    updates = []
    at = began
    for position, status in enumerate(("investigating", "identified", "monitoring", "resolved")):
        at += timedelta(minutes=rng.randint(3, 90))
        changes = {affected[0]: ComponentStatus(rng.choice(STATUSES))} if position == 1 else {}
        updates.append(Update(at, UpdateStatus(status), _sentence(rng), components=changes))
    return Incident(
        id=record_id,
        title=_sentence(rng, 5)[:-1],
        kind=Kind(rng.choice(KINDS)),
        impact=Impact(rng.choice(IMPACTS)),
        started=began,
        components=initial,
        updates=tuple(updates),
        resolved=at,
    )


def _maintenance_record(
    rng: random.Random, record_id: str, began: datetime, component_ids: list[str]
) -> Incident:
    affected = rng.sample(component_ids, rng.randint(1, 2))
    window = MaintenanceWindow(began, began + timedelta(hours=rng.randint(1, 4)))
    notice = Update(began - timedelta(days=7), UpdateStatus.SCHEDULED, _sentence(rng))
    return Incident(
        id=record_id,
        title=f"Planned {_sentence(rng, 4)[:-1].lower()}",
        kind=Kind.MAINTENANCE,
        impact=Impact.NONE,
        started=began,
        components=dict.fromkeys(affected, ComponentStatus.UNDER_MAINTENANCE),
        updates=(notice,),
        maintenance=window,
    )
