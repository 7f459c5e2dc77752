"""The component catalog (``statusbook.yml``): read, checked and turned into a Catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import Catalog, Component, ComponentStatus, Group, Site, SlaPolicy
from .problems import Problem
from .records import read_yaml_source
from .schema import CATALOG, suggest

CATALOG_FILE_NAME = "statusbook.yml"
SUPPORTED_LANGUAGES = ("en", "id")


class CatalogError(Exception):
    """The catalog is missing or invalid; carries the problems to show."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def find_catalog(start: Path) -> Path | None:
    """The nearest ``statusbook.yml`` in ``start`` or a folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CATALOG_FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def load_catalog(path: Path) -> Catalog:
    """Read and check the catalog; raises :class:`CatalogError` listing every problem."""
    source = read_yaml_source(path)
    if source.problems:
        raise CatalogError(source.problems)
    data = CATALOG.check(source.data, (), source)
    if not source.problems:
        _check_references(data, source)
    if source.problems:
        raise CatalogError(source.problems)
    return _build(data, path)


def _check_references(data: dict[str, Any], source: Any) -> None:
    site = data["site"]
    language = site.get("language", "en")
    if language not in SUPPORTED_LANGUAGES:
        source.report(
            "SB501",
            f"site language {language!r} is not supported",
            f"use one of: {', '.join(SUPPORTED_LANGUAGES)}",
            at=("site", "language"),
        )
    zone = site.get("time_zone", "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        source.report(
            "SB501",
            f"time zone {zone!r} is not an IANA time zone",
            "use a name like UTC, Europe/Berlin or Asia/Jakarta",
            at=("site", "time_zone"),
        )

    group_ids = _unique_ids(data.get("groups", []), "groups", source)
    _unique_ids(data["components"], "components", source)
    for index, component in enumerate(data["components"]):
        group = component.get("group")
        if group is not None and group not in group_ids:
            hint = suggest(group, group_ids)
            source.report(
                "SB501",
                f"component {component.get('id')!r} is in group {group!r}, which is not defined",
                hint or "add the group under 'groups:' or remove the component's 'group'",
                at=("components", index, "group"),
            )

    records = data.get("records", "incidents")
    if not (source.path.parent / records).is_dir():
        source.report(
            "SB501",
            f"records folder {records!r} does not exist next to {source.path.name}",
            "create it, or set 'records:' to the folder that holds incident records",
            at=("records",) if "records" in data else (),
        )


def _unique_ids(items: list[dict[str, Any]], section: str, source: Any) -> set[str]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        item_id = item.get("id")
        if item_id in seen:
            source.report(
                "SB501",
                f"{section} id {item_id!r} is defined twice",
                "ids must be unique; rename or remove one",
                at=(section, index, "id"),
            )
        if item_id is not None:
            seen.add(item_id)
    return seen


def _build(data: dict[str, Any], path: Path) -> Catalog:
    site = data["site"]
    sla = data.get("sla", {})
    defaults = SlaPolicy()
    weights = dict(defaults.weights)
    weights.update({ComponentStatus(key): value for key, value in sla.get("weights", {}).items()})
    return Catalog(
        site=Site(
            name=site["name"],
            url=site.get("url"),
            language=site.get("language", "en"),
            time_zone=site.get("time_zone", "UTC"),
            edit_url=site.get("edit_url"),
        ),
        components=tuple(
            Component(
                id=item["id"],
                name=item["name"],
                monitored_since=item["monitored_since"],
                description=item.get("description"),
                group=item.get("group"),
                sla_target=item.get("sla"),
            )
            for item in data["components"]
        ),
        groups=tuple(
            Group(id=item["id"], name=item["name"], description=item.get("description"))
            for item in data.get("groups", [])
        ),
        sla=SlaPolicy(
            weights=weights,
            exclude_maintenance=sla.get("exclude_maintenance", defaults.exclude_maintenance),
        ),
        records_dir=(path.parent / data.get("records", "incidents")).resolve(),
        path=path,
    )
