"""Helpers for testing what the build publishes besides pages: feeds, calendars, API, badges."""

from __future__ import annotations

import re
import shutil
import textwrap
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from statusbook.load.catalog import load_catalog
from statusbook.load.rules import validate_paths
from statusbook.model import Catalog, Incident

from .conftest import DEMO_NOW, DEMO_ROOT, Project
from .sitebuild import build, install_site_files

BASE = "https://status.lumen.example/"


def build_ok(root: Path, out: Path, now: datetime) -> Path:
    result = build(root, out, now)
    assert result.returncode == 0, result.stderr
    return out


def new_project(root: Path) -> Project:
    """A temp status repository with the shipped theme (for module-scoped fixtures)."""
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    install_site_files(root)
    return project


def records(root: Path, now: datetime) -> tuple[Catalog, list[Incident]]:
    """The catalog and the validated records of a repository, as the plugin sees them."""
    catalog = load_catalog(root / "statusbook.yml")
    result = validate_paths([root / catalog.records_dir], catalog, now)
    assert not result.errors, result.errors
    return catalog, result.incidents


def demo_records() -> tuple[Catalog, list[Incident]]:
    """What the demo repository (tests/fixtures/demo) holds at its instant."""
    return records(DEMO_ROOT, DEMO_NOW)


def demo_project(root: Path) -> Path:
    """A copy of the demo repository with the shipped theme in ``root``, ready to build."""
    shutil.copytree(DEMO_ROOT, root, dirs_exist_ok=True)
    install_site_files(root)
    return root


def built_demo_site(tmp_path_factory, now: datetime, name: str = "site") -> Path:
    """The demo repository built at ``now`` into a fresh folder (a module's ``site``)."""
    out = tmp_path_factory.mktemp(name)
    result = build(demo_project(tmp_path_factory.mktemp("demo")), out, now)
    assert result.returncode == 0, result.stderr
    return out


def incident_text(
    day: datetime,
    title: str = "Slow responses",
    *,
    component: str = "api",
    resolved: bool = True,
    extra_updates: str = "",
) -> str:
    """A small incident record starting at ``day`` 10:00 UTC."""
    start = day.replace(hour=10, minute=0)
    end = start + timedelta(hours=1)
    lines = f"""\
        ---
        title: {title}
        kind: degradation
        impact: minor
        started: {_ts(start)}
        {"resolved: " + _ts(end) if resolved else ""}
        components:
          {component}: degraded_performance
        updates:
          - at: {_ts(start + timedelta(minutes=5))}
            status: investigating
            message: We are looking into slow responses.
        """
    text = textwrap.dedent(lines) + textwrap.indent(textwrap.dedent(extra_updates), "  ")
    if resolved:
        text += f"  - at: {_ts(end)}\n    status: resolved\n    message: Fixed.\n"
    return text + "---\n"


def maintenance_text(
    start: datetime,
    title: str = "Database upgrade",
    *,
    component: str = "database",
    announced: datetime | None = None,
    state: str | None = None,
    extra_updates: str = "",
) -> str:
    """A one-hour maintenance window from ``start``, announced a week before (or ``announced``)."""
    announced = announced or start - timedelta(days=7)
    text = textwrap.dedent(
        f"""\
        ---
        title: {title}
        kind: maintenance
        scheduled_start: {_ts(start)}
        scheduled_end: {_ts(start + timedelta(hours=1))}
        {"state: " + state if state else ""}
        components:
          {component}: under_maintenance
        updates:
          - at: {_ts(announced)}
            status: scheduled
            message: We will upgrade the database.
        """
    )
    return text + textwrap.indent(textwrap.dedent(extra_updates), "  ") + "---\n"


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_name(moment: datetime, slug: str) -> str:
    return f"{moment:%Y-%m-%d}-{slug}.md"


#: Markup that must never run anywhere: the pages, feeds, calendars and the API.
HOSTILE_MESSAGE = """\
<script>alert("update")</script> Watch <img src=x onerror="alert(1)"> this
[click me](javascript:alert(2)) and <a href="javascript:alert(3)" onclick="alert(4)">here</a>
<iframe src="https://evil.example/"></iframe><svg onload="alert(5)"></svg>
<div onmouseover="alert(6)">hover</div> [data](data:text/html;base64,PHNjcmlwdD4=)
<style>body { display: none }</style><a href="vbscript:msgbox(7)">vb</a>
"""
#: What must survive of it: the words around the markup.
HOSTILE_WORDS = ("Watch", "this", "click me", "here", "hover")
EXECUTABLE = re.compile(
    r"<\s*(script|iframe|svg|img|style|object|embed)|javascript:|vbscript:|data:text|"
    r"\bon(error|click|load|mouseover)\b|alert\(",
    re.IGNORECASE,
)


def hostile_incident(day: datetime) -> str:
    start = day.replace(hour=10, minute=0)
    message = textwrap.indent(HOSTILE_MESSAGE, "      ")
    return (
        "---\n"
        "title: Hostile record\n"
        "kind: outage\n"
        "impact: minor\n"
        f"started: {_ts(start)}\n"
        f"resolved: {_ts(start + timedelta(hours=1))}\n"
        "components:\n"
        "  api: partial_outage\n"
        "updates:\n"
        f"  - at: {_ts(start + timedelta(minutes=5))}\n"
        "    status: investigating\n"
        "    message: |\n"
        f"{message}"
        f"  - at: {_ts(start + timedelta(hours=1))}\n"
        "    status: resolved\n"
        "    message: \"<script>alert('fixed')</script>Fixed <b onclick='alert(8)'>now</b>.\"\n"
        "postmortem:\n"
        f"  published: {_ts(start + timedelta(hours=2))}\n"
        '  summary: "<img src=x onerror=alert(9)>A summary"\n'
        '  root_cause: "[cause](javascript:alert(10))"\n'
        "---\n"
        "<script>alert('body')</script>\n"
    )


def hostile_maintenance(start: datetime) -> str:
    announced = start - timedelta(days=5)
    message = textwrap.indent(HOSTILE_MESSAGE, "      ")
    return (
        "---\n"
        "title: Hostile window\n"
        "kind: maintenance\n"
        f"scheduled_start: {_ts(start)}\n"
        f"scheduled_end: {_ts(start + timedelta(hours=1))}\n"
        "components:\n"
        "  database: under_maintenance\n"
        "updates:\n"
        f"  - at: {_ts(announced)}\n"
        "    status: scheduled\n"
        "    message: |\n"
        f"{message}"
        "---\n"
    )


class ElementFinder(HTMLParser):
    """Every element and attribute in an HTML fragment, to look for anything executable."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def executable_parts(fragment: str) -> list[str]:
    """What in an HTML fragment could run script or load something when a reader shows it."""
    finder = ElementFinder()
    finder.feed(fragment)
    finder.close()
    found = [f"<{tag}>" for tag in finder.tags if tag in _DANGEROUS_TAGS]
    for name, value in finder.attributes:
        if name.startswith("on"):
            found.append(f"{name}=")
        if name in ("href", "src", "action") and not re.match(
            r"(https?:|mailto:|[^:]*$)", value.strip(), re.IGNORECASE
        ):
            found.append(f"{name}={value}")
    return found


_DANGEROUS_TAGS = {"script", "style", "iframe", "svg", "img", "object", "embed", "form", "math"}
