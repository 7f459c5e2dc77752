"""`statusbook build`: MkDocs with a fixed build time, strict, through the CLI."""

from __future__ import annotations

import hashlib

from click.testing import CliRunner

from statusbook.cli import cli

from .sitebuild import install_site_files, page, text

RECORD = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T10:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T10:05:00Z
    status: investigating
    message: Looking into it.
---
"""


def test_build_uses_now_for_every_figure(project):
    install_site_files(project.root)
    project.write("2026-11-21-api-errors.md", RECORD)
    result = CliRunner().invoke(
        cli, ["build", "--now", "2026-11-21T12:00:00Z", "--site-dir", "out"]
    )
    assert result.exit_code == 0, result.output
    home = page(project.root / "out", "/")
    assert text(home.select_one(".sb-banner")) == "✕ Major outage"
    assert home.select_one(".sb-updated time")["datetime"] == "2026-11-21T12:00:00Z"
    sitemap = (project.root / "out" / "sitemap.xml").read_text()
    assert "<lastmod>2026-11-21</lastmod>" in sitemap


def test_build_is_reproducible_from_source_date_epoch(project, monkeypatch):
    install_site_files(project.root)
    project.write("2026-11-21-api-errors.md", RECORD)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795262400")  # 2026-11-21T12:00:00Z
    digests = []
    for folder in ("one", "two"):
        assert CliRunner().invoke(cli, ["build", "--site-dir", folder]).exit_code == 0
        root = project.root / folder
        digests.append(
            {
                p.relative_to(root): hashlib.sha256(p.read_bytes()).digest()
                for p in root.rglob("*")
                if p.is_file()
            }
        )
    assert digests[0] == digests[1]


def test_build_fails_on_a_broken_record(project, capfd):
    """Only serve shows problems as a page; a build stops, naming them as validate does."""
    install_site_files(project.root)
    project.write("2026-11-21-api-errors.md", RECORD.replace("impact: major", "impact: huge"))
    result = CliRunner().invoke(
        cli, ["build", "--now", "2026-11-21T12:00:00Z", "--site-dir", "out"]
    )
    assert result.exit_code == 1
    assert not (project.root / "out" / "index.html").exists()
    printed = capfd.readouterr().err  # MkDocs runs in a child process: its own stderr
    assert "statusbook: records have problems" in printed
    assert "incidents/2026/2026-11-21-api-errors.md:4:9: error SB104" in printed
    assert "Traceback" not in printed
    assert not list(project.root.glob(".statusbook-static-*"))


def test_build_without_mkdocs_yml_is_a_usage_error(project):
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 2
    assert "mkdocs.yml" in result.output


def test_a_demo_builds_at_its_instant_until_something_real_is_recorded(project):
    """A demonstration is built at ``demo.as_of`` — until a team records its first real
    incident in it: the demo instant would put that record in the future and the strict
    build would refuse it (every pull request red), so the build goes by the clock and says
    why."""
    install_site_files(project.root)
    catalog = project.root / "statusbook.yml"
    catalog.write_text(catalog.read_text() + "demo:\n  as_of: 2026-11-21T12:00:00Z\n")
    project.write("2026-11-21-api-errors.md", RECORD)
    built = CliRunner().invoke(cli, ["build", "--site-dir", "before"])
    assert built.exit_code == 0, built.output
    assert "building at 2026-11-21T12:00:00Z" in built.stderr
    home = page(project.root / "before", "/")
    assert home.select_one(".sb-updated time")["datetime"] == "2026-11-21T12:00:00Z"

    opened = CliRunner().invoke(  # at the clock, as a person would
        cli,
        ["new", "--title", "Login failures", "--kind", "outage", "--impact", "minor",
         "-c", "api=degraded_performance", "-m", "Investigating.", "--no-prompt"],
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    built = CliRunner().invoke(cli, ["build", "--site-dir", "after"])
    assert built.exit_code == 0, built.output
    assert "was recorded after that: building at the clock" in built.stderr
    assert "statusbook init --remove-examples" in built.stderr
    home = page(project.root / "after", "/")
    assert "Login failures" in text(home.select_one("main"))
    assert home.select_one(".sb-updated time")["datetime"] > "2026-11-30"
