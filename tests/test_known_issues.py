"""Known issues for customers: the page lists known errors with their workaround and the
incidents they caused, then problems under investigation and resolved ones; incident pages
link to their problem; feeds and the Statuspage API are what they were without problems.
A real ``mkdocs build`` of a fixture repository, read with BeautifulSoup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from statusbook.derive.snapshot import derive
from statusbook.load.catalog import load_catalog
from statusbook.load.problem_records import validate_repository
from statusbook.render.outputs import static_files

from .conftest import CATALOG, Project
from .problem_fixtures import (
    GATEWAY_INCIDENT,
    KNOWN_ERROR,
    resolved_incident,
    write_incident,
    write_problem,
)
from .sitebuild import build, install_site_files, page, text

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

INVESTIGATING = """\
---
title: Dashboard sometimes slow
status: investigating
opened: 2026-11-10T09:00:00Z
summary: Some dashboard pages take seconds to load.
components: [dashboard]
---
"""
RESOLVED = """\
---
title: Database failovers drop connections
status: resolved
opened: 2026-06-01T09:00:00Z
identified: 2026-06-02T09:00:00Z
resolved: 2026-07-01T09:00:00Z
workaround: Reconnect on error.
incidents: [2026-05-30-database-drops]
---
"""


def make(root, *, language: str = "en", problems: bool = True) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    catalog = CATALOG if language == "en" else CATALOG.replace("site:\n", "site:\n  language: id\n")
    project.catalog_path.write_text(catalog)
    install_site_files(root)
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    write_incident(
        project,
        "2026-05-30-database-drops.md",
        resolved_incident(
            "Database drops", "2026-05-30T09:00:00Z", "2026-05-30T09:30:00Z", component="database"
        ),
    )
    if problems:
        write_problem(project, "PRB-0001-gateway-config.md", KNOWN_ERROR)
        write_problem(project, "PRB-0002-dashboard-slow.md", INVESTIGATING)
        write_problem(project, "PRB-0003-database-failovers.md", RESOLVED)
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("known")
    project = make(root / "repo")
    out = root / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        done = build(project.root, out, NOW)
    assert done.returncode == 0, done.stderr
    return out


def test_known_issues_lists_known_errors_first_with_their_workaround(site):
    known = page(site, "/known-issues/")
    sections = [text(h2) for h2 in known.select("section h2")]
    assert sections == ["Known errors", "Under investigation", "Resolved"]
    first = known.select_one("article.sb-problem")
    assert (
        text(first.select_one(".sb-problem__title"))
        == "Gateway config reaches every region at once"
    )
    assert "Known error" in text(first.select_one(".sb-problem__meta"))
    assert text(first.select_one(".sb-problem__workaround")) == "Workaround Retry with backoff."
    [link] = first.select(".sb-problem__incidents a")
    assert text(link) == "Gateway errors"
    assert link["href"] == "../incidents/2026-11-01-gateway-errors/"


def test_the_public_pages_show_public_fields_only(site):
    everything = "".join(p.read_text() for p in site.rglob("*.html"))
    for internal in ("Platform team", "Config is pushed to every region", "Canary every config"):
        assert internal not in everything
    problem = page(site, "/problems/prb-0001/")
    assert text(problem.select_one("h1")) == "Gateway config reaches every region at once"
    headings = [text(h2) for h2 in problem.select("article h2")]
    assert headings == ["What you may notice", "Workaround", "Incidents"]
    assert "API requests can fail everywhere at once." in text(problem.select_one("article"))


def test_an_incident_page_links_to_its_problem(site):
    incident = page(site, "/incidents/2026-11-01-gateway-errors/")
    link = incident.select_one(".sb-record__problem a")
    assert text(link) == "PRB-0001 — Gateway config reaches every region at once"
    assert link["href"] == "../../problems/prb-0001/"
    unlinked = page(site, "/incidents/2026-05-30-database-drops/")
    assert "PRB-0003" in text(unlinked.select_one(".sb-record__problem"))


def test_known_issues_is_in_the_navigation_when_there_are_problems(site):
    tabs = [text(a) for a in page(site, "/").select(".md-tabs__link")]
    assert tabs == ["Status", "History", "Uptime", "Known issues"]


def test_feeds_calendar_api_and_badges_are_unchanged_by_problem_records(tmp_path):
    def outputs(problems: bool) -> dict[str, bytes]:
        project = make(tmp_path / str(problems), problems=problems)
        catalog = load_catalog(project.catalog_path)
        result = validate_repository(None, catalog, NOW)
        assert not result.errors, result.errors
        return static_files(derive(catalog, result.incidents, NOW, problems=result.problem_records))

    assert outputs(True) == outputs(False)


def test_without_problem_records_there_is_no_known_issues_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = make(tmp_path / "repo", problems=False)
    out = tmp_path / "site"
    done = build(project.root, out, NOW)
    assert done.returncode == 0, done.stderr
    assert not (out / "known-issues").exists() and not (out / "problems").exists()
    assert [text(a) for a in page(out, "/").select(".md-tabs__link")] == [
        "Status",
        "History",
        "Uptime",
    ]


def test_the_page_speaks_indonesian(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = make(tmp_path / "repo", language="id")
    out = tmp_path / "site"
    done = build(project.root, out, NOW)
    assert done.returncode == 0, done.stderr
    known = page(out, "/known-issues/")
    assert text(known.select_one("h1")) == "Masalah yang diketahui"
    assert [text(h2) for h2 in known.select("section h2")] == [
        "Kesalahan yang diketahui",
        "Sedang diselidiki",
        "Teratasi",
    ]
    assert "Solusi sementara" in text(known.select_one(".sb-problem__workaround"))
