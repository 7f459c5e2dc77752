"""axe-core over the built pages in headless Chromium: no violation on any page kind, in the
light and the dark scheme, on a desktop and on a phone, in English and in Indonesian, with
the target-size rule on (every tap target 24 px or more, or with room around it).

axe-core comes bundled in the PyPI package axe-playwright-python; the test injects it into
each page as the page is after its own script ran (times in the reader's zone, the toggle).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .browsing import DESKTOP, NEEDS_CHROMIUM, PHONE, chromium, serve, visit
from .published import demo_project
from .sitebuild import build

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)

#: One page of every kind the public site has.
PAGES = {
    "home": "/",
    "ongoing incident": "/incidents/2026-11-21-api-elevated-error-rates/",
    "resolved incident with postmortem": "/incidents/2026-09-02-eu-region-outage/",
    "upcoming maintenance": "/incidents/2026-12-03-database-major-version-upgrade/",
    "history": "/history/",
    "uptime": "/uptime/",
    "component": "/components/api/",
    "component in maintenance history": "/components/cdn/",
}
VIEWS = [("light", DESKTOP), ("dark", PHONE)]
#: axe-core's rules, with WCAG 2.2's target size (24 × 24 px, or room around a smaller
#: target) turned on: axe leaves it off by default, Lighthouse runs it.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


@pytest.fixture(scope="module")
def axe() -> Any:
    module = pytest.importorskip("axe_playwright_python.sync_playwright")
    return module.Axe()


def _build(root: Path, out: Path) -> Path:
    result = build(root, out, NOW)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    out = _build(demo_project(tmp_path_factory.mktemp("demo")), tmp_path_factory.mktemp("site"))
    with serve(out) as base:
        yield base


@pytest.fixture(scope="module")
def served_indonesian(tmp_path_factory) -> Iterator[str]:
    root = demo_project(tmp_path_factory.mktemp("demo-id"))
    catalog = root / "statusbook.yml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        text.replace("language: en", "language: id").replace(
            "time_zone: UTC", "time_zone: Asia/Jakarta"
        ),
        encoding="utf-8",
    )
    out = _build(root, tmp_path_factory.mktemp("site-id"))
    with serve(out) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def violations(axe: Any, browser: Any, url: str, scheme: str, width: int) -> list[str]:
    seen = visit(browser, url, scheme=scheme, width=width)
    try:
        assert seen.errors == [], seen.errors
        results = axe.run(seen.page, options=AXE_OPTIONS).response["violations"]
    finally:
        seen.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in results
    ]


@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=[f"{s}-{w}px" for s, w in VIEWS])
@pytest.mark.parametrize("url", list(PAGES.values()), ids=list(PAGES))
def test_no_axe_violation(axe, browser, served, url, scheme, width):
    assert violations(axe, browser, served + url, scheme, width) == []


@pytest.mark.parametrize("url", ["/", "/uptime/", "/components/api/"], ids=str)
def test_no_axe_violation_in_indonesian(axe, browser, served_indonesian, url):
    assert violations(axe, browser, served_indonesian + url, "dark", PHONE) == []
