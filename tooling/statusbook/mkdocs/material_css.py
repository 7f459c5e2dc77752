"""Material's stylesheet cut to the rules a status page can use, made at build time.

Material's main stylesheet styles every feature of a documentation site — search, code
annotations, content tabs, grids, tooltips, a blog, a dozen kinds of admonition with their
icons — in 138 KB (23 KB gzipped), which was most of the home page's weight. A status page
renders a small, fixed part of Material's markup (the header, the tabs, the phone's drawer,
the content area, the footer) and record text whose classes the sanitiser's allow-list
names (:mod:`statusbook.markup`).

So each build writes ``assets/material.css`` from the installed Material's own stylesheets:

- a rule is kept when one of its selectors can match that vocabulary: every class the
  selector needs is one of ours (classes under ``:not()`` are not needed; an ``:is()`` or
  ``:where()`` needs one of its alternatives), and every palette attribute it tests
  (``[data-md-color-scheme=slate]``, ``…-primary=``, ``…-accent=``) names a scheme or colour
  the site's ``theme.palette`` configures;
- right-to-left rules go (the site's languages are written left to right);
- custom properties holding an image (Material's icons, ``url(…)``) stay only when a kept
  rule, statusbook's stylesheet or another kept property reads them; the other custom
  properties (colours, sizes) all stay, for a site's own stylesheet to use;
- ``@keyframes`` stay when a kept rule animates with them.

Kept rules are copied as Material wrote them, in Material's order, so what the pages use
looks exactly as Material draws it (tests/test_material_css.py compares the computed style
of every element against Material's full stylesheet). Templates that use more of Material's
classes get them: the vocabulary includes every ``md-…`` class named in statusbook's own
templates (the internal site's tables, say) and in the site's ``custom_dir``. The output is a function of Material's files and the configuration
alone, so builds stay byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from statusbook.markup import ALLOWED_CLASSES

#: Where the site gets it (beside statusbook.css: same name across releases, so it is not
#: cached as immutable like Material's hashed files under assets/stylesheets/).
OUTPUT = "assets/material.css"
#: Material's stylesheets, in the order Material links them.
_SOURCES = ("main.*.min.css", "palette.*.min.css")

#: The classes of Material's own templates that the status pages render: base.html, the
#: header, tabs, navigation (the phone's drawer), content, banner (announce block) and
#: footer, with the table of contents and skip link a Markdown page of the site's own may
#: have. (The classes statusbook's templates write are read from them: template_classes.)
MATERIAL_CLASSES = frozenset(
    """
    no-js md-toggle md-overlay md-skip md-banner md-banner__inner md-grid md-icon md-logo
    md-ellipsis md-header md-header__inner md-header__button md-header__title
    md-header__ellipsis md-header__topic md-header__source md-source md-source__icon
    md-source__repository md-tabs md-tabs__list md-tabs__item md-tabs__item--active
    md-tabs__link md-container md-main md-main__inner md-sidebar md-sidebar--primary
    md-sidebar--secondary md-sidebar__scrollwrap md-sidebar__inner md-nav md-nav--primary
    md-nav--secondary md-nav--lifted md-nav__title md-nav__button md-nav__list md-nav__item
    md-nav__item--active md-nav__item--nested md-nav__toggle md-nav__link
    md-nav__link--active md-nav__container md-nav__icon md-content md-content__inner
    md-typeset md-footer md-footer-meta md-footer-meta__inner md-copyright
    md-copyright__highlight md-social md-social__link md-dialog md-dialog__inner
    """.split()  # noqa: SIM905 - a list of words reads better as words
)
#: Classes Markdown and the sanitiser let into record text (admonitions, highlighting).
CONTENT_CLASSES = frozenset(name for names in ALLOWED_CLASSES.values() for name in names)

_PALETTE_ATTRIBUTE = re.compile(r"\[data-md-color-(scheme|primary|accent)=([\w-]+)\]")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_FUNCTIONAL = re.compile(r":(not|is|where|matches|-webkit-any|-moz-any)\(")
_VAR = re.compile(r"var\((--[\w-]+)")
#: A class of Material's in a template (not the tail of ``data-md-color-scheme``).
_MATERIAL_TOKEN = re.compile(r"(?<![\w-])md-[a-z0-9_-]*[a-z0-9]")
#: What the scanner stops at: strings, comments, and the punctuation of blocks.
_SPECIAL = re.compile(r"[\"'{};]|/\*")


@dataclass(frozen=True)
class Rule:
    """``prelude { body }``: ``body`` is declarations (str), nested rules (tuple) or absent
    (a statement such as ``@charset``)."""

    prelude: str
    body: str | tuple[Rule, ...] | None


@dataclass(frozen=True)
class Keep:
    """What the pages can use: class names, and ``(attribute, value)`` of the palette
    (``("scheme", "slate")``, ``("primary", "white")`` …)."""

    classes: frozenset[str]
    palette: frozenset[tuple[str, str]]


# --- reading Material's minified CSS ----------------------------------------------------------


def parse(css: str) -> tuple[Rule, ...]:
    rules, end = _parse(css, 0)
    if end < len(css):
        raise ValueError(f"unbalanced '}}' at {end}")
    return rules


def _parse(css: str, position: int) -> tuple[tuple[Rule, ...], int]:
    rules: list[Rule] = []
    start = position
    while True:
        found = _SPECIAL.search(css, position)
        if found is None:
            return tuple(rules), len(css)
        token, position = found.group(), found.start()
        if token in ("'", '"'):
            position = _string_end(css, position)
        elif token == "/*":
            position = css.index("*/", position) + 2
            start = position
        elif token == ";":
            rules.append(Rule(css[start:position].strip(), None))
            position += 1
            start = position
        elif token == "}":
            return tuple(rules), position
        else:
            prelude = css[start:position].strip()
            if prelude.startswith(("@media", "@supports", "@layer", "@container")):
                children, position = _parse(css, position + 1)
                rules.append(Rule(prelude, children))
            else:
                end = _block_end(css, position + 1)
                rules.append(Rule(prelude, css[position + 1 : end]))
                position = end
            position += 1
            start = position


def _string_end(css: str, position: int) -> int:
    quote, position = css[position], position + 1
    while css[position] != quote:
        position += 2 if css[position] == "\\" else 1
    return position + 1


def _block_end(css: str, position: int) -> int:
    """The ``}`` closing a block of declarations (or of keyframes) opened before ``position``."""
    depth = 0
    while True:
        found = _SPECIAL.search(css, position)
        if found is None:
            raise ValueError("unclosed block")
        token, position = found.group(), found.start()
        if token in ("'", '"'):
            position = _string_end(css, position)
            continue
        if token == "{":
            depth += 1
        elif token == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1


def split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets and strings."""
    parts, depth, start, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char in "\"'":
            position = _string_end(text, position)
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:position])
            start = position + 1
        position += 1
    parts.append(text[start:])
    return parts


def serialize(rules: Iterable[Rule]) -> str:
    out = []
    for rule in rules:
        if rule.body is None:
            out.append(rule.prelude + ";")
        elif isinstance(rule.body, tuple):
            out.append(rule.prelude + "{" + serialize(rule.body) + "}")
        else:
            out.append(rule.prelude + "{" + rule.body + "}")
    return "".join(out)


# --- choosing ------------------------------------------------------------------------------


def selector_can_match(selector: str, keep: Keep) -> bool:
    """Whether ``selector`` needs only classes and palette values the pages have."""
    while (found := _FUNCTIONAL.search(selector)) is not None:
        end = _closing_parenthesis(selector, found.end())
        inner = selector[found.end() : end]
        if found.group(1) != "not" and not any(
            selector_can_match(alternative, keep) for alternative in split_top(inner, ",")
        ):
            return False
        selector = selector[: found.start()] + selector[end + 1 :]
    if any(pair not in keep.palette for pair in _PALETTE_ATTRIBUTE.findall(selector)):
        return False
    if "[dir=rtl]" in selector:
        return False
    bare = re.sub(r"\[[^\]]*\]", "", selector)
    return all(name in keep.classes for name in _CLASS.findall(bare))


def _closing_parenthesis(text: str, position: int) -> int:
    depth = 1
    while True:
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position
        position += 1


def choose(rules: Iterable[Rule], keep: Keep) -> tuple[Rule, ...]:
    """The rules (and, of each, the selectors) that can match what the pages render."""
    chosen: list[Rule] = []
    for rule in rules:
        if isinstance(rule.body, tuple):
            children = choose(rule.body, keep)
            if children:
                chosen.append(Rule(rule.prelude, children))
        elif rule.body is None or rule.prelude.startswith("@"):
            chosen.append(rule)  # @charset, @keyframes, @page: pruned below if unused
        else:
            selectors = [s for s in split_top(rule.prelude, ",") if selector_can_match(s, keep)]
            if selectors:
                chosen.append(Rule(",".join(selectors), rule.body))
    return tuple(chosen)


def prune(rules: tuple[Rule, ...], readers: Iterable[str] = ()) -> tuple[Rule, ...]:
    """Drop image-valued custom properties nothing reads, and keyframes nothing runs.

    ``readers`` is other CSS that reads Material's properties (statusbook's stylesheet).
    """
    values: dict[str, list[str]] = {}
    read: set[str] = set()
    animations: set[str] = set()
    for body in _declaration_blocks(rules):
        for name, value in _declarations(body):
            if name.startswith("--"):
                values.setdefault(name, []).append(value)
            else:
                read.update(_VAR.findall(value))
                if name in ("animation", "animation-name"):
                    animations.update(re.findall(r"[\w-]+", value))
    for text in readers:
        read.update(_VAR.findall(text))
    # Properties that stay read others: follow them until nothing new is read.
    kept = {name for name, texts in values.items() if not any("url(" in v for v in texts)}
    pending = list(read | kept)
    while pending:
        name = pending.pop()
        for value in values.get(name, []):
            for other in _VAR.findall(value):
                if other not in read:
                    read.add(other)
                    pending.append(other)
    return _without(rules, read | kept, animations)


def _declaration_blocks(rules: Iterable[Rule]) -> Iterator[str]:
    for rule in rules:
        if isinstance(rule.body, tuple):
            yield from _declaration_blocks(rule.body)
        elif isinstance(rule.body, str) and not rule.prelude.startswith("@keyframes"):
            yield rule.body


def _declarations(body: str) -> Iterator[tuple[str, str]]:
    for declaration in split_top(body, ";"):
        name, _, value = declaration.partition(":")
        if name.strip():
            yield name.strip(), value


def _without(rules: Iterable[Rule], properties: set[str], animations: set[str]) -> tuple[Rule, ...]:
    out: list[Rule] = []
    for rule in rules:
        if isinstance(rule.body, tuple):
            children = _without(rule.body, properties, animations)
            if children:
                out.append(Rule(rule.prelude, children))
        elif rule.body is None or rule.prelude.startswith("@"):
            keyframes = rule.prelude.startswith("@keyframes")
            if not keyframes or rule.prelude.split()[1] in animations:
                out.append(rule)
        else:
            kept = [
                declaration
                for declaration in split_top(rule.body, ";")
                if not declaration.strip().startswith("--")
                or declaration.partition(":")[0].strip() in properties
            ]
            if any(declaration.strip() for declaration in kept):
                out.append(Rule(rule.prelude, ";".join(kept)))
    return tuple(out)


def subset(sources: Iterable[str], keep: Keep, readers: Iterable[str] = ()) -> str:
    """Material's stylesheets (in link order) as one, cut to ``keep``."""
    rules: list[Rule] = []
    for css in sources:
        rules += [r for r in choose(parse(css), keep) if not r.prelude.startswith("@charset")]
    return '@charset "UTF-8";' + serialize(prune(tuple(rules), readers))


# --- for a site --------------------------------------------------------------------------------


def palette_values(palette: Any) -> frozenset[tuple[str, str]]:
    """The schemes and colours ``theme.palette`` sets, as Material writes them on <body>."""
    options = palette if isinstance(palette, list) else [palette or {}]
    defaults = {"scheme": "default", "primary": "indigo", "accent": "indigo"}
    return frozenset(
        (attribute, str(option.get(attribute) or default).replace(" ", "-"))
        for option in options
        for attribute, default in defaults.items()
    )


def template_classes(folders: Iterable[str | Path | None]) -> frozenset[str]:
    """Every ``md-…`` class token in the templates under ``folders`` (missing ones skipped)."""
    found: set[str] = set()
    for folder in folders:
        if not folder or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).rglob("*.html")):
            text = path.read_text(encoding="utf-8", errors="replace")
            found.update(_MATERIAL_TOKEN.findall(text))
    return frozenset(found)


def material_stylesheets() -> list[str]:
    folder = Path(str(files("material") / "templates" / "assets" / "stylesheets"))
    return [
        next(iter(sorted(folder.glob(pattern)))).read_text(encoding="utf-8") for pattern in _SOURCES
    ]


@cache
def _cached(keep: Keep, readers: tuple[str, ...]) -> str:
    return subset(material_stylesheets(), keep, readers)


def stylesheet(
    palette: Any, templates: Iterable[str | Path | None], readers: Iterable[str] = ()
) -> str:
    """The stylesheet for a site with this palette whose pages come from Material's
    templates and those under ``templates`` (statusbook's, the site's ``custom_dir``)."""
    classes = MATERIAL_CLASSES | CONTENT_CLASSES | template_classes(templates)
    return _cached(Keep(classes, palette_values(palette)), tuple(readers))
