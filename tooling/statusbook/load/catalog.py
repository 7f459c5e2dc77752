"""The component catalog (``statusbook.yml``): read, checked and turned into a Catalog."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from statusbook import timeutil
from statusbook.i18n import LANGUAGES
from statusbook.load.records import read_yaml_source
from statusbook.load.schema import CATALOG, suggest
from statusbook.model import (
    Catalog,
    Component,
    ComponentStatus,
    Demo,
    Group,
    Impact,
    Notifications,
    Reminders,
    Site,
    SlaPolicy,
    Subscriptions,
    Webhook,
    WebhookType,
)
from statusbook.problems import Problem

CATALOG_FILE_NAME = "statusbook.yml"


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


#: Why a catalog without ``site.url`` cannot be published, said by ``validate`` and ``build``.
SITE_URL_FIX = (
    "set site.url to the address readers use, e.g. https://status.example.com/ — feeds, "
    "calendars, the API's page.url and shortlinks and canonical links need it "
    "(statusbook serve previews without it)"
)


def catalog_warnings(catalog: Catalog) -> list[Problem]:
    """What a valid catalog still lacks for a publishable build."""
    if catalog.site.url or catalog.path is None:
        return []
    source = read_yaml_source(catalog.path)
    return [
        source.problem(
            "SB502",
            "site.url is not set, so the page cannot be built for publishing",
            SITE_URL_FIX,
            at=("site",),
            key=True,
        )
    ]


def _check_references(data: dict[str, Any], source: Any) -> None:
    site = data["site"]
    language = site.get("language", "en")
    if language not in LANGUAGES:
        source.report(
            "SB501",
            f"site language {language!r} is not supported",
            f"use one of: {', '.join(LANGUAGES)}",
            at=("site", "language"),
        )
    zone = site.get("time_zone", "UTC")
    try:
        timeutil.zone(zone)
    except timeutil.UnknownZone:
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

    _check_webhooks(data, group_ids, source)
    if "subscriptions" in data and not site.get("url"):
        source.report(
            "SB501",
            "subscriptions: needs site.url",
            "set site.url: the subscription service accepts its form only from the page's "
            "own origin, and its mails link back to the page",
            at=("subscriptions",),
            key=True,
        )

    records = data.get("records", "incidents")
    if _is_absolute(records):
        # The catalog travels with its repository (clones, CI, git at a revision): a path
        # outside it would read another machine's files, or nothing.
        source.report(
            "SB501",
            f"records folder {records!r} is an absolute path",
            "write it relative to this file, e.g. 'records: incidents'",
            at=("records",),
        )
    elif not _is_folder(source.path.parent / records):
        source.report(
            "SB501",
            f"records folder {records!r} does not exist next to {source.path.name}",
            "create it, or set 'records:' to the folder that holds incident records",
            at=("records",) if "records" in data else (),
        )


def _is_absolute(records: str) -> bool:
    """Absolute on any system: ``/srv``, ``C:\\x``, ``C:x`` (drive-relative) or ``\\\\host``."""
    return (
        PurePosixPath(records).is_absolute()
        or PureWindowsPath(records).is_absolute()
        or bool(PureWindowsPath(records).drive)
        or records.startswith("~")
    )


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long for the filesystem, say
        return False


def _check_webhooks(data: dict[str, Any], group_ids: set[str], source: Any) -> None:
    """Webhook names key the sent-log, so they must be unique; filters must name real ids."""
    webhooks = data.get("notifications", {}).get("webhooks", [])
    component_ids = [component.get("id") for component in data["components"]]
    known = [*component_ids, *sorted(group_ids)]
    names: set[str] = set()
    for index, webhook in enumerate(webhooks):
        name = webhook.get("name")
        if name in names:
            source.report(
                "SB501",
                f"webhook name {name!r} is used twice",
                "names must be unique (they key the sent-log); rename one",
                at=("notifications", "webhooks", index, "name"),
            )
        names.add(name)
        for position, ref in enumerate(webhook.get("components", [])):
            if ref not in known:
                hint = suggest(ref, known)
                source.report(
                    "SB501",
                    f"webhook {name!r} follows {ref!r}, which is neither a component nor a group",
                    hint or "use a component or group id from this catalog",
                    at=("notifications", "webhooks", index, "components", position),
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
            edit_links=site.get("edit_links", False),
            internal_url=site.get("internal_url"),
            demo=Demo(as_of=data["demo"]["as_of"]) if "demo" in data else None,
            subscriptions=_subscriptions(data),
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
        problems_dir=(path.parent / data.get("problems", "problems")).resolve(),
        path=path,
        notifications=_notifications(data),
        reminders=Reminders(
            stale_after=data.get("reminders", {}).get("stale_after", Reminders().stale_after)
        ),
    )


def _notifications(data: dict[str, Any]) -> Notifications:
    members: dict[str, list[str]] = {}
    for component in data["components"]:
        members.setdefault(component.get("group") or "", []).append(component["id"])
    group_ids = {group["id"] for group in data.get("groups", [])}

    def expand(refs: list[str]) -> tuple[str, ...]:
        """Group ids stand for their components; a filter keeps catalog order."""
        chosen: set[str] = set()
        for ref in refs:
            chosen.add(ref)
            if ref in group_ids:
                chosen.update(members.get(ref, []))
        return tuple(c["id"] for c in data["components"] if c["id"] in chosen)

    return Notifications(
        webhooks=tuple(
            Webhook(
                name=item["name"],
                type=WebhookType(item["type"]),
                url_env=item["url_env"],
                components=expand(item.get("components", [])),
                min_impact=Impact(item["min_impact"]) if "min_impact" in item else None,
                maintenance=item.get("maintenance", True),
            )
            for item in data.get("notifications", {}).get("webhooks", [])
        )
    )


def _subscriptions(data: dict[str, Any]) -> Subscriptions | None:
    """The service's address always ends in ``/``, so its paths join one way."""
    section = data.get("subscriptions")
    if section is None:
        return None
    url = section["url"].rstrip("/") + "/"
    if "secret_env" in section:
        return Subscriptions(url=url, secret_env=section["secret_env"])
    return Subscriptions(url=url)
