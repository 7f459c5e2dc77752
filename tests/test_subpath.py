"""The site under a sub-path (GitHub Pages: https://org.github.io/repo/): a real build whose
links and assets must all resolve inside the output, and whose absolute URLs keep the path."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from .conftest import CATALOG, Project
from .samples import DATABASE_WINDOW, OPEN_INCIDENT
from .sitebuild import build, install_site_files

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SITE_URL = "https://org.github.io/repo/"

INCIDENT = OPEN_INCIDENT

MAINTENANCE = DATABASE_WINDOW


@pytest.fixture
def site(project: Project, tmp_path: Path) -> Path:
    project.catalog_path.write_text(
        CATALOG.replace("https://status.test.example/", SITE_URL), encoding="utf-8"
    )
    project.write("2026-11-21-api-errors.md", INCIDENT)
    project.write("2026-11-22-database-upgrade.md", MAINTENANCE)
    install_site_files(project.root)
    out = tmp_path / "out"
    result = build(project.root, out, NOW)
    assert result.returncode == 0, result.stderr
    return out


def _references(html: Path) -> list[str]:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    found = []
    for tag in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
        for attribute in ("href", "src"):
            value = tag.get(attribute)
            if value is not None:
                found.append(value)
    return found


def _internal(reference: str) -> bool:
    parts = urlsplit(reference)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _target(out: Path, page: Path, reference: str) -> Path:
    path = urlsplit(reference).path
    target = (page.parent / path).resolve()
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


def test_every_link_and_asset_is_relative_and_exists(site):
    pages = [page for page in site.rglob("*.html") if page.name != "404.html"]
    assert len(pages) > 5
    checked = 0
    for page in pages:
        for reference in filter(_internal, _references(page)):
            assert not reference.startswith("/"), f"{page.relative_to(site)}: {reference}"
            target = _target(site, page, reference)
            assert target.is_file(), f"{page.relative_to(site)} links to missing {reference}"
            assert site.resolve() in target.parents, f"{reference} leaves the site"
            checked += 1
    assert checked > 100


def test_the_not_found_page_loads_its_assets_from_the_sub_path(site):
    # GitHub Pages serves 404.html for any missing URL at any depth, so its links must be
    # absolute: under /repo/, taken from site.url.
    references = [r for r in _references(site / "404.html") if _internal(r)]
    assert references
    for reference in references:
        assert reference.startswith("/repo/"), reference
        target = site / reference.removeprefix("/repo/")
        target = target / "index.html" if target.is_dir() else target
        assert target.exists(), reference


def test_absolute_urls_keep_the_sub_path(site):
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one('link[rel="canonical"]')["href"] == SITE_URL
    locations = [
        element.text
        for element in ET.parse(site / "sitemap.xml").getroot().iter()
        if element.tag.endswith("loc")
    ]
    assert locations
    assert all(location.startswith(SITE_URL) for location in locations)


def test_feeds_and_api_point_under_the_sub_path(site):
    rss = ET.parse(site / "history.rss").getroot()
    links = [element.text for element in rss.iter("link") if element.text]
    assert links
    assert all(link.startswith(SITE_URL) for link in links), links
    summary = json.loads((site / "api" / "v2" / "summary.json").read_text(encoding="utf-8"))
    assert summary["page"]["url"].rstrip("/") + "/" == SITE_URL
