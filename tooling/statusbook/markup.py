"""What record text may contain once it reaches a reader: one policy for the page and the validator.

Record text may come from anyone in the organisation (self-service reports), so Markdown
formatting works but nothing in it can run script or load a third-party resource on the
page: ammonia (through ``nh3``) keeps an allow-list of tags, attributes and URL schemes.
Images are removed too — an external image is a third-party request at page load, and a
status page must render when everything else is down.

The renderer cleans with :func:`sanitize`; the validator warns with :func:`unsafe_markup`
about what that cleaning will remove. Both read the allow-list here, so they cannot drift.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nh3

#: The classes record text may carry, by tag (admonitions, code highlighting): the sanitiser
#: strips any other, and assets/material.css keeps Material's rules for these.
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "info", "tip", "warning", "danger", "example", "highlight"},
    "p": {"admonition-title"},
    "span": {"k", "s", "n", "o", "p", "c", "m", "nb", "nt", "na", "s1", "s2", "mi", "kd"},
    "code": {"language-text", "language-sh", "language-json", "language-yaml"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _cleaner() -> nh3.Cleaner:
    """ammonia's allow-list, images left out; built on first use, so checking records (which
    needs only :func:`unsafe_markup`) never loads the sanitiser."""
    import nh3

    return nh3.Cleaner(
        tags=nh3.ALLOWED_TAGS - {"img"},
        attributes={tag: set(v) for tag, v in nh3.ALLOWED_ATTRIBUTES.items()} | {"img": set()},
        url_schemes=_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize(html: str) -> str:
    """Strip everything that could run script or reach a third party from ``html``."""
    return _cleaner().clean(html)


_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_SCRIPT_LINK = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript|data)\s*:)", re.IGNORECASE)
_DANGEROUS_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "img",
    "svg",
    "math",
    "link",
    "meta",
    "base",
}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DANGEROUS_TAGS:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"'{name}' event-handler attribute on <{tag}>")
            elif name in ("href", "src", "action", "formaction", "xlink:href") and value:
                scheme = re.match(r"\s*([a-z][a-z0-9+.-]*)\s*:", value, re.IGNORECASE)
                if scheme and scheme.group(1).lower() not in _URL_SCHEMES:
                    self.found.append(f"{scheme.group(1).lower()}: URL in '{name}' on <{tag}>")


def unsafe_markup(text: str) -> list[str]:
    """What :func:`sanitize` would remove from ``text``, described for a validation warning.

    A quick pattern check first: almost no record text contains markup at all.
    """
    if "<" not in text and (":" not in text or not _SCRIPT_SCHEME.search(text)):
        return []
    finder = _Finder()
    finder.feed(text)
    finder.close()
    found = finder.found
    found += [
        f"{match.group(1).lower().replace(' ', '')} link" for match in _SCRIPT_LINK.finditer(text)
    ]
    return list(dict.fromkeys(found))
