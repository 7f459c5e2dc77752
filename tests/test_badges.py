"""Status badges: SVGs and shields.io endpoint JSON from a real build, read back as XML/JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from statusbook.model import ComponentStatus
from statusbook.render.badges import LABEL_COLOUR, STATUS_COLOURS, TEXT_COLOUR

from .published import (
    DEMO_NOW,
    build_ok,
    demo_project,
    demo_records,
    incident_text,
    record_name,
)
from .sitebuild import install_site_files, page

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    demo = demo_project(tmp_path_factory.mktemp("demo"))
    return build_ok(demo, tmp_path_factory.mktemp("site"), DEMO_NOW)


def read_badge(svg: Path) -> dict[str, object]:
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg"
    rects = root.findall(f"{SVG}rect")
    texts = [text.text for text in root.iter(f"{SVG}text")]
    return {
        "role": root.get("role"),
        "aria_label": root.get("aria-label"),
        "title": root.findtext(f"{SVG}title"),
        "texts": texts,
        "colours": [rect.get("fill") for rect in rects],
        "width": float(root.get("width")),
        "rect_widths": [float(rect.get("width")) for rect in rects],
    }


def endpoint(path: Path) -> dict[str, object]:
    document = json.loads(path.read_bytes())
    assert set(document) == {"schemaVersion", "label", "message", "color"}
    assert document["schemaVersion"] == 1
    assert document["message"]
    return document


def test_site_badge_names_the_overall_status(site):
    badge = read_badge(site / "badge.svg")
    assert badge["texts"] == ["status", "Partial outage"]
    assert badge["title"] == badge["aria_label"] == "status: Partial outage"
    assert badge["role"] == "img"
    assert badge["colours"] == [LABEL_COLOUR, STATUS_COLOURS[ComponentStatus.PARTIAL_OUTAGE]]
    assert endpoint(site / "badge.json") == {
        "schemaVersion": 1,
        "label": "status",
        "message": "Partial outage",
        "color": STATUS_COLOURS[ComponentStatus.PARTIAL_OUTAGE],
    }


def test_each_component_has_a_badge_with_its_status(site):
    catalog, _ = demo_records()
    expected = {c.id: "Operational" for c in catalog.components}
    expected |= {"api": "Partial outage", "webhooks": "Degraded performance"}
    for component in catalog.components:
        folder = site / "components" / component.id
        badge = read_badge(folder / "badge.svg")
        assert badge["texts"] == [component.name, expected[component.id]]
        assert badge["title"] == f"{component.name}: {expected[component.id]}"
        data = endpoint(folder / "badge.json")
        assert (data["label"], data["message"]) == (component.name, expected[component.id])
        assert data["color"] == badge["colours"][1]
    assert endpoint(site / "components/api/badge.json")["color"] == "#bc4c00"
    assert endpoint(site / "components/email/badge.json")["color"] == "#1a7f37"


def test_badge_boxes_fit_their_text(site):
    short = read_badge(site / "components/cdn/badge.svg")
    long = read_badge(site / "components/email/badge.svg")
    for badge in (short, long):
        assert sum(badge["rect_widths"]) == pytest.approx(badge["width"])
    assert long["rect_widths"][0] > short["rect_widths"][0]  # "Email notifications" > "CDN"


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_badge_text_is_readable_on_every_colour():
    text = _luminance(TEXT_COLOUR)
    for colour in [LABEL_COLOUR, *STATUS_COLOURS.values()]:
        lighter, darker = sorted((text, _luminance(colour)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, colour


def test_badges_speak_the_sites_language_and_escape_names(project, tmp_path):
    install_site_files(project.root)
    catalog = project.catalog_path.read_text()
    catalog = catalog.replace(
        "  url: https://status.test.example/\n",
        "  url: https://status.test.example/\n  language: id\n",
    )
    project.catalog_path.write_text(catalog.replace("name: Dashboard", "name: '<Dash> & board'"))
    day = datetime(2026, 11, 21, tzinfo=UTC)
    project.write(record_name(day, "slow"), incident_text(day, resolved=False))
    out = build_ok(project.root, tmp_path / "out", NOW)
    assert read_badge(out / "badge.svg")["texts"] == ["status", "Kinerja menurun"]
    assert read_badge(out / "components/api/badge.svg")["texts"] == ["API", "Kinerja menurun"]
    dashboard = read_badge(out / "components/dashboard/badge.svg")
    assert dashboard["texts"] == ["<Dash> & board", "Beroperasi normal"]
    assert dashboard["title"] == "<Dash> & board: Beroperasi normal"
    assert endpoint(out / "components/dashboard/badge.json")["label"] == "<Dash> & board"
    subscribe = page(out, "/").select_one("section.sb-subscribe")
    assert subscribe.select_one("h2").get_text(strip=True) == "Berlangganan"
    labels = [a.get_text(strip=True) for a in subscribe.select(".sb-subscribe__links a")]
    assert labels[:4] == [
        "Setiap pembaruan (RSS)",
        "Setiap pembaruan (Atom)",
        "Riwayat insiden (RSS)",
        "Riwayat insiden (Atom)",
    ]
    assert "Lencana status (SVG)" in labels
