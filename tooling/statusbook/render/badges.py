"""Status badges for READMEs and dashboards: an SVG per site and per component, and a
shields.io "endpoint" JSON for those who want shields' styles.

The SVG is drawn here, not fetched from a badge service, so it is served with the status
page and stands when third parties are down. It names the status in words (colour is
never the only signal), carries ``role="img"`` and a ``<title>`` for screen readers, and
uses colours on which white text reaches WCAG's 4.5:1 contrast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from statusbook.derive.snapshot import Snapshot
from statusbook.i18n import Translator
from statusbook.model import ComponentStatus

#: Colour per component status: GitHub's Primer palette, each ≥ 4.5:1 against white.
STATUS_COLOURS: dict[ComponentStatus, str] = {
    ComponentStatus.OPERATIONAL: "#1a7f37",
    ComponentStatus.DEGRADED_PERFORMANCE: "#9a6700",
    ComponentStatus.PARTIAL_OUTAGE: "#bc4c00",
    ComponentStatus.MAJOR_OUTAGE: "#cf222e",
    ComponentStatus.UNDER_MAINTENANCE: "#0969da",
}
#: The overall indicator's colour: the status it stands for.
INDICATOR_COLOURS: dict[str, str] = {
    "none": STATUS_COLOURS[ComponentStatus.OPERATIONAL],
    "minor": STATUS_COLOURS[ComponentStatus.DEGRADED_PERFORMANCE],
    "major": STATUS_COLOURS[ComponentStatus.PARTIAL_OUTAGE],
    "critical": STATUS_COLOURS[ComponentStatus.MAJOR_OUTAGE],
    "maintenance": STATUS_COLOURS[ComponentStatus.UNDER_MAINTENANCE],
}
LABEL_COLOUR = "#555555"
TEXT_COLOUR = "#ffffff"

# Approximate advance widths of Verdana at 11 px (what shields.io measures with), so the
# boxes fit the text; ``textLength`` then pins the rendered text to that width.
_WIDTHS = {
    **dict.fromkeys("fjrt", 4.0),
    **dict.fromkeys("Iil.,:;|!'()[]", 3.6),
    **dict.fromkeys("mw", 9.8),
    **dict.fromkeys("MW", 10.4),
    " ": 3.9,
}
_LOWER, _UPPER = 6.6, 7.6
_PADDING = 6.0
_HEIGHT = 20


@dataclass(frozen=True)
class Badge:
    label: str
    message: str
    colour: str

    @property
    def text(self) -> str:
        """What a screen reader hears and what the image says: ``label: message``."""
        return f"{self.label}: {self.message}"


def status_badges(snapshot: Snapshot) -> tuple[Badge, dict[str, Badge]]:
    """The site's badge (overall status) and one per component, in the site's language."""
    catalog = snapshot.catalog
    t = Translator(catalog.site.language, catalog.site.time_zone)
    overall = snapshot.overall
    site = Badge(
        t("badge.label"), t(f"banner.{overall.indicator}"), INDICATOR_COLOURS[overall.indicator]
    )
    names = {component.id: component.name for component in catalog.components}
    components = {
        component: Badge(names[component], t(f"status.{status.value}"), STATUS_COLOURS[status])
        for component, status in snapshot.components.items()
    }
    return site, components


def text_width(text: str) -> float:
    width = sum(
        _WIDTHS.get(char, _UPPER if char.isupper() or not char.isascii() else _LOWER)
        for char in text
    )
    return round(width, 1)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def badge_svg(badge: Badge) -> bytes:
    """A flat two-part badge: grey label, coloured message."""
    label_text, message_text = text_width(badge.label), text_width(badge.message)
    label_box = label_text + 2 * _PADDING if badge.label else 0.0
    message_box = message_text + 2 * _PADDING
    total = label_box + message_box
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{_number(total)}" height="{_HEIGHT}" viewBox="0 0 {_number(total)} {_HEIGHT}" '
        f'role="img" aria-label={quoteattr(badge.text)}>',
        f"<title>{escape(badge.text)}</title>",
        f'<rect width="{_number(label_box)}" height="{_HEIGHT}" fill="{LABEL_COLOUR}"/>',
        f'<rect x="{_number(label_box)}" width="{_number(message_box)}" height="{_HEIGHT}" '
        f'fill="{badge.colour}"/>',
        f'<g fill="{TEXT_COLOUR}" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" aria-hidden="true">',
    ]
    if badge.label:
        parts.append(
            f'<text x="{_number(label_box / 2)}" y="14" textLength="{_number(label_text)}">'
            f"{escape(badge.label)}</text>"
        )
    parts += [
        f'<text x="{_number(label_box + message_box / 2)}" y="14" '
        f'textLength="{_number(message_text)}">{escape(badge.message)}</text>',
        "</g>",
        "</svg>",
    ]
    return ("\n".join(parts) + "\n").encode("utf-8")


def badge_endpoint(badge: Badge) -> bytes:
    """shields.io's endpoint schema: ``https://img.shields.io/endpoint?url=<this file>``."""
    document = {
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.colour,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
