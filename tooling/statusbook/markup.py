"""What record text may contain once it reaches a reader: one policy for the page and the validator.

Record text may come from anyone in the organisation (self-service reports), so Markdown
formatting works but nothing in it can run script or load a third-party resource on the
page: ammonia (through ``nh3``) keeps an allow-list of tags, attributes and URL schemes.
Images are removed too — an external image is a third-party request at page load, and a
status page must render when everything else is down.

The renderer cleans with :func:`sanitize`; the validator warns with :func:`unsafe_markup`
about what that cleaning will remove. Both read the allow-list here, so they cannot drift.

What :func:`sanitize` returns cannot break the page around it and adds no invalid HTML of
its own making (the Nu HTML Checker holds the pages to that, tests/test_html_validity.py):
elements the cleaning would leave invalid are left out, a link it took the address from
loses the attributes only a link with one may have, and list items written outside a list
get a list of their own. What a writer gets wrong themselves (a colspan of 0) stays theirs.
"""

from __future__ import annotations

import re
from functools import cache
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
#: ammonia allows these, but they are invalid HTML as the cleaning leaves them, so their
#: text is kept without them: elements HTML made obsolete; <time> and <data> without the
#: datetime and value attributes the allow-list drops; and image maps, which need a name the
#: allow-list drops and an image that is never shown.
_INVALID_TAGS = {"acronym", "center", "strike", "tt", "time", "data", "map", "area"}


@cache
def _cleaner() -> nh3.Cleaner:
    """ammonia's allow-list, images left out; built on first use, so checking records (which
    needs only :func:`unsafe_markup`) never loads the sanitiser."""
    import nh3

    return nh3.Cleaner(
        tags=nh3.ALLOWED_TAGS - {"img"} - _INVALID_TAGS,
        attributes={tag: set(v) for tag, v in nh3.ALLOWED_ATTRIBUTES.items()} | {"img": set()},
        url_schemes=_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize(html: str) -> str:
    """Strip everything that could run script or reach a third party from ``html``, and
    leave nothing invalid of the cleaning's own making (see above)."""
    return _in_lists(_without_link_attributes(_cleaner().clean(html)))


# ammonia's output is regular: every element closed but the void ones, and "<" and ">"
# escaped in text and in attribute values alike. So a "<" always starts a tag, and a tag
# ends at the first ">": patterns can read it where they could not read HTML in general.
# The patterns below are text, compiled (and cached by :mod:`re`) on first use: validating
# records imports this module but seldom needs them, and every command's start-up counts.
_TAG = r"<(/?)([a-z][a-z0-9]*)[^>]*>"
#: HTML's void elements: they have no end tag, so they never stay open.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)

#: A link the cleaning took the address from (a script link, or none written) keeps the
#: rel it adds to every link and perhaps an hreflang: both are for links with an href only.
_LINK_WITHOUT_HREF = r'<a(?=[ >])(?![^>]* href=")[^>]*>'
_LINK_ONLY = r' (?:rel|hreflang)="[^"]*"'


def _without_link_attributes(html: str) -> str:
    """``html`` with rel and hreflang taken off the links that have no address."""
    if "<a" not in html:
        return html
    return re.sub(_LINK_WITHOUT_HREF, lambda tag: re.sub(_LINK_ONLY, "", tag.group()), html)


#: The lists a list item needs around it, and the one to give it when it has none.
_LIST_OF = {"li": ({"ul", "ol"}, "ul"), "dt": ({"dl"}, "dl"), "dd": ({"dl"}, "dl")}
_ITEM = r"<(?:li|dt|dd)\b"


def _in_lists(html: str) -> str:
    """``html`` with each run of list items outside a list put in a list of its own.

    A page reads a ``<li>`` outside a list as closing the list item it sits in, so a stray
    one in an update would end the timeline's entry for it and carry the rest of the update
    outside; ``<dt>`` and ``<dd>`` close a description the same way.
    """
    if not re.search(_ITEM, html):
        return html
    out: list[str] = []
    #: The open elements; True marks a list this function opened.
    open_tags: list[tuple[str, bool]] = []
    position = 0

    def close_added_list() -> None:
        if open_tags and open_tags[-1][1]:
            out.append(f"</{open_tags.pop()[0]}>")

    for tag in re.finditer(_TAG, html):
        text = html[position : tag.start()]
        if text.strip():
            close_added_list()
        out.append(text)
        position = tag.end()
        closing, name = tag.group(1), tag.group(2)
        if closing:
            close_added_list()
            if open_tags:
                open_tags.pop()
            out.append(tag.group())
            continue
        if open_tags and open_tags[-1][1] and name not in _items_of(open_tags[-1][0]):
            close_added_list()
        if name in _LIST_OF and not _in_a_list(name, open_tags):
            added = _LIST_OF[name][1]
            out.append(f"<{added}>")
            open_tags.append((added, True))
        out.append(tag.group())
        if name not in _VOID:
            open_tags.append((name, False))
    text = html[position:]
    if text.strip():
        close_added_list()
    out.append(text)
    while open_tags and open_tags[-1][1]:
        close_added_list()
    return "".join(out)


def _items_of(list_name: str) -> set[str]:
    return {"li"} if list_name == "ul" else {"dt", "dd"}


def _in_a_list(item: str, open_tags: list[tuple[str, bool]]) -> bool:
    """Whether ``item`` would open in a list of its kind (a ``<div>`` may group a
    description list's terms)."""
    lists = _LIST_OF[item][0]
    parent = open_tags[-1][0] if open_tags else None
    if parent in lists:
        return True
    grandparent = open_tags[-2][0] if len(open_tags) > 1 else None
    return item != "li" and parent == "div" and grandparent in lists


_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
_SCRIPT_LINK = r"\]\(\s*<?\s*((?:javascript|vbscript|data)\s*:)"
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
        f"{match.group(1).lower().replace(' ', '')} link"
        for match in re.finditer(_SCRIPT_LINK, text, re.IGNORECASE)
    ]
    return list(dict.fromkeys(found))
