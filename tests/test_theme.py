"""Theme checks that need no build: colour contrast, and live reload wiring."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from statusbook.mkdocs.plugin import StatusbookPlugin
from statusbook.mkdocs.theme import THEME_DIR

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
    plugin.catalog = type("Catalog", (), {"records_dir": tmp_path / "incidents"})()
    plugin.on_serve(Server(), None, None)
    assert watched == [str(tmp_path / "statusbook.yml"), str(tmp_path / "incidents")]
