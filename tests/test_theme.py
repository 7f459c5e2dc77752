"""The theme: colour contrast, live reload wiring, and that it ships in the package — a site
builds from the package alone, a site's own override replaces one block, a demonstration says
so on every page, and the wheel carries the templates."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.edit import scaffold
from statusbook.mkdocs.plugin import StatusbookPlugin
from statusbook.mkdocs.theme import THEME_DIR

from .conftest import CATALOG, NOW, REPO_ROOT
from .samples import OPEN_INCIDENT
from .sitebuild import build, install_site_files, page, text

CSS = (THEME_DIR / "assets" / "statusbook.css").read_text()
WHITE = "#ffffff"
#: Material's slate scheme background (hsl(232, 15%, 14%)).
SLATE = "#1e2029"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variables(block_selector: str) -> dict[str, str]:
    block = re.search(re.escape(block_selector) + r"\s*\{(.*?)\}", CSS, re.S).group(1)
    return dict(re.findall(r"--(sb-[a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


@pytest.mark.parametrize("indicator", ["none", "minor", "major", "critical", "maintenance"])
def test_banner_text_meets_wcag_aa(indicator):
    colour = re.search(
        rf"\.sb-banner--{indicator} \{{ --sb-banner: (#[0-9a-f]{{6}}); \}}", CSS
    ).group(1)
    assert contrast(colour, WHITE) >= 4.5


@pytest.mark.parametrize(
    ("scheme", "background"), [(":root", WHITE), ('[data-md-color-scheme="slate"]', SLATE)]
)
def test_status_text_colours_meet_wcag_aa(scheme, background):
    colours = {
        name: value for name, value in variables(scheme).items() if not name.startswith("sb-bar")
    }
    assert set(colours) == {"sb-ok", "sb-minor", "sb-partial", "sb-major", "sb-maintenance"}
    for name, value in colours.items():
        assert contrast(value, background) >= 4.5, (scheme, name, value)


def test_serve_watches_records_and_catalog(tmp_path: Path):
    watched: list[str] = []

    class Server:
        def watch(self, path: str) -> None:
            watched.append(path)

    plugin = StatusbookPlugin()
    plugin.catalog_path = tmp_path / "statusbook.yml"
    plugin.catalog = type(
        "Catalog", (), {"records_dir": tmp_path / "incidents", "problems_dir": tmp_path / "none"}
    )()
    plugin.on_serve(Server(), None, None)
    assert watched == [str(tmp_path / "statusbook.yml"), str(tmp_path / "incidents")]


# --- the theme ships in the package -------------------------------------------------------------


def test_a_folder_with_only_a_catalog_mkdocs_yml_and_records_builds_the_whole_site(tmp_path):
    """No theme files in the repository: templates, CSS and script come from the package.

    MkDocs insists that its docs_dir exists, so the folder also holds an empty pages/.
    """
    (tmp_path / "statusbook.yml").write_text(CATALOG)
    (tmp_path / "mkdocs.yml").write_text(scaffold.mkdocs_file(None))
    (tmp_path / "incidents" / "2026").mkdir(parents=True)
    (tmp_path / "incidents" / "2026" / "2026-11-21-api-errors.md").write_text(OPEN_INCIDENT)
    (tmp_path / "pages").mkdir()
    out = tmp_path / "out"
    result = build(tmp_path, out, NOW)
    assert result.returncode == 0, result.stderr
    home = page(out, "/")
    assert text(home.select_one(".sb-banner")) == "✕ Major outage"
    assert "assets/statusbook.css" in [link["href"] for link in home.select("link[rel=stylesheet]")]
    assert "assets/statusbook.js" in [script.get("src") for script in home.select("script")]
    assert (out / "assets" / "statusbook.css").read_text() == CSS
    assert (out / "assets" / "statusbook.js").is_file()
    for url in ("/history/", "/uptime/", "/components/api/"):
        assert page(out, url).select_one("main"), url


def _readme_section(title: str) -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(title, 1)[1].split("\n## ", 1)[0]


def _block(section: str, language: str) -> str:
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_readmes_override_example_replaces_one_block_and_keeps_the_rest(project):
    section = _readme_section("### Changing the page's look")
    install_site_files(project.root)
    project.write("2026-11-21-api-errors.md", OPEN_INCIDENT)
    overrides = project.root / "site_overrides"
    (overrides / "main.html").write_text(_block(section, "html"))
    (overrides / "assets").mkdir()
    (overrides / "assets" / "site.css").write_text(".sb-banner { border-radius: 0; }\n")
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + "\n" + _block(section, "yaml"))
    out = project.root / "out"
    result = build(project.root, out, NOW)
    assert result.returncode == 0, result.stderr
    for url in ("/", "/incidents/2026-11-21-api-errors/"):
        html = page(out, url)
        assert text(html.select_one(".md-banner")).startswith("Questions about an incident?")
        # the statusbook layer is still there: feed links, and our stylesheet before the site's
        assert html.select('link[rel=alternate][type="application/atom+xml"]'), url
        sheets = [link["href"].rsplit("/", 1)[-1] for link in html.select("link[rel=stylesheet]")]
        assert sheets.index("statusbook.css") < sheets.index("site.css"), sheets
    assert (out / "assets" / "site.css").is_file()


# --- a demonstration states its instant ---------------------------------------------------------

DEMO = "demo:\n  as_of: 2026-11-21T10:00:00Z\n"


def _build_with_cli(project, *args: str):
    install_site_files(project.root)
    project.write("2026-11-21-api-errors.md", OPEN_INCIDENT)
    result = CliRunner().invoke(cli, ["build", "--site-dir", "out", *args])
    assert result.exit_code == 0, result.output
    return result, project.root / "out"


def test_a_demo_catalog_builds_at_its_instant_and_every_page_says_so(project):
    project.catalog_path.write_text(CATALOG + DEMO)
    result, out = _build_with_cli(project)
    assert "building at 2026-11-21T10:00:00Z" in result.output
    home = page(out, "/")
    assert home.select_one(".sb-updated time")["datetime"] == "2026-11-21T10:00:00Z"
    for url in ("/", "/incidents/2026-11-21-api-errors/", "/uptime/"):
        banner = page(out, url).select_one(".md-banner .sb-demo")
        assert " ".join(banner.get_text().split()) == (
            "Demonstration: the example records as they stood at 21 Nov 2026, 10:00 UTC."
        )
        assert banner.select_one("time")["datetime"] == "2026-11-21T10:00:00Z"


def test_now_overrides_the_demo_instant_and_the_banner_says_which(project):
    project.catalog_path.write_text(CATALOG + DEMO)
    _, out = _build_with_cli(project, "--now", "2026-11-21T12:00:00Z")
    assert text(page(out, "/").select_one(".sb-demo time")) == "21 Nov 2026, 12:00 UTC"


def test_a_status_page_without_demo_has_no_banner(project):
    _, out = _build_with_cli(project, "--now", "2026-11-21T12:00:00Z")
    assert page(out, "/").select_one(".md-banner") is None


def test_the_demo_setting_is_checked_like_the_rest_of_the_catalog(project):
    project.catalog_path.write_text(CATALOG + "demo:\n  as_of: 21 November\n")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "SB201" in result.output and "as_of" in result.output


# --- the wheel ----------------------------------------------------------------------------------


def test_the_wheel_carries_the_theme_and_the_init_templates(tmp_path):
    """Built from a copy of the sources (pip fetches the build backend from the index)."""
    source = tmp_path / "source"
    shutil.copytree(
        REPO_ROOT / "tooling",
        source / "tooling",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode and re.search(
        r"No matching distribution|Could not find a version|connection",
        result.stdout + result.stderr,
        re.I,
    ):
        pytest.skip("pip cannot fetch the build backend here")
    assert result.returncode == 0, result.stdout + result.stderr
    [wheel] = tmp_path.glob("statusbook-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = source / "tooling" / "statusbook"
    shipped = [
        path.relative_to(package.parent).as_posix()
        for folder in ("theme", "edit/skeleton")
        for path in (package / folder).rglob("*")
        if path.is_file()
    ]
    assert len(shipped) > 20
    assert sorted(set(shipped) - names) == []
