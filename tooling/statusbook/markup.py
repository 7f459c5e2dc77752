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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nh3

_ALLOWED_CLASSES = {
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
        allowed_classes=_ALLOWED_CLASSES,
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


def unsafe_markup(text: str) -> list[str]:
    """What :func:`sanitize` would remove from ``text``, described for a validation warning.

    A quick pattern check first: almost no record text contains markup at all, so the HTML
    parser is imported only past it (:mod:`statusbook.htmlscan`).
    """
    if "<" not in text and (":" not in text or not _SCRIPT_SCHEME.search(text)):
        return []
    from statusbook.htmlscan import UnsafeFinder

    finder = UnsafeFinder(_DANGEROUS_TAGS, _URL_SCHEMES)
    finder.feed(text)
    finder.close()
    found = finder.found
    found += [
        f"{match.group(1).lower().replace(' ', '')} link" for match in _SCRIPT_LINK.finditer(text)
    ]
    return list(dict.fromkeys(found))
