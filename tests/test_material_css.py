"""assets/material.css: Material's stylesheet cut to what the status pages use.

The cut is checked where it matters, in a browser: on every page kind, light and dark, on a
desktop and a phone (drawer open too), every element and its ::before and ::after have the
same computed style with the cut as with Material's two full stylesheets. The selection
rules themselves are checked on small stylesheets.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from statusbook.mkdocs import material_css
from statusbook.mkdocs.material_css import Keep, parse, serialize, subset
from statusbook.mkdocs.plugin import AUDIENCE_VARIABLE

from .browsing import DESKTOP, NEEDS_CHROMIUM, PHONE, chromium, serve, visit
from .published import built_demo_site, demo_project
from .sitebuild import build, page

NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
KEEP = Keep(
    frozenset({"md-header", "md-typeset", "admonition", "note"}),
    frozenset({("scheme", "default"), ("scheme", "slate"), ("primary", "white")}),
)


def cut(css: str, *readers: str) -> str:
    return subset([css], KEEP, readers).removeprefix('@charset "UTF-8";')


# --- the selection rules --------------------------------------------------------------------


def test_materials_own_stylesheets_read_back_unchanged():
    for css in material_css.material_stylesheets():
        assert serialize(parse(css)) == css


def test_a_rule_stays_when_every_class_it_needs_is_rendered():
    css = ".md-header{a:1}.md-search{b:2}.md-header .md-search__input{c:3}.md-typeset h1{d:4}"
    assert cut(css) == ".md-header{a:1}.md-typeset h1{d:4}"


def test_only_the_selectors_that_can_match_stay_in_a_list():
    assert cut(".md-tabs,.md-header,.md-tooltip{a:1}") == ".md-header{a:1}"


def test_classes_under_not_are_not_needed_and_is_needs_one_alternative():
    css = (
        ".md-typeset :not(.md-search)>p{a:1}"
        ".md-typeset :is(.admonition,.md-tooltip){b:2}"
        ".md-typeset :is(.md-tabbed,.md-tooltip){c:3}"
        ".md-typeset :where(.note,.abstract)>p{d:4}"
    )
    assert cut(css) == (
        ".md-typeset :not(.md-search)>p{a:1}"
        ".md-typeset :is(.admonition,.md-tooltip){b:2}"
        ".md-typeset :where(.note,.abstract)>p{d:4}"
    )


def test_palette_rules_stay_for_the_configured_schemes_and_colours_only():
    css = (
        "[data-md-color-scheme=slate]{a:1}[data-md-color-primary=white] .md-header{b:2}"
        "[data-md-color-primary=red]{c:3}[data-md-color-accent=indigo]{d:4}"
    )
    assert (
        cut(css) == "[data-md-color-scheme=slate]{a:1}[data-md-color-primary=white] .md-header{b:2}"
    )


def test_right_to_left_rules_go_and_left_to_right_ones_stay():
    assert cut("[dir=rtl] .md-header{a:1}[dir=ltr] .md-header{b:2}") == "[dir=ltr] .md-header{b:2}"


def test_media_blocks_keep_what_matches_and_vanish_when_empty():
    css = "@media screen{.md-header{a:1}.md-search{b:2}}@media print{.md-search{c:3}}"
    assert cut(css) == "@media screen{.md-header{a:1}}"


def test_image_properties_stay_only_when_read_and_other_properties_always():
    css = (
        ':root{--md-icon--note:url("data:x");--md-icon--search:url("data:y");--md-size:2px}'
        ".md-typeset .note{mask-image:var(--md-icon--note)}"
    )
    assert cut(css) == (
        ':root{--md-icon--note:url("data:x");--md-size:2px}'
        ".md-typeset .note{mask-image:var(--md-icon--note)}"
    )
    # statusbook's stylesheet (or the site's) reading one keeps it too.
    assert "--md-icon--search" in cut(css, ".sb-x{mask:var(--md-icon--search)}")


def test_keyframes_stay_only_when_a_kept_rule_runs_them():
    css = "@keyframes pulse{0%{a:0}to{a:1}}@keyframes spin{0%{b:0}}.md-header{animation:pulse 1s}"
    assert cut(css) == "@keyframes pulse{0%{a:0}to{a:1}}.md-header{animation:pulse 1s}"


def test_strings_and_comments_do_not_confuse_the_reader():
    css = '/* { */.md-header:after{content:"}{;"}.md-search{content:"\\"}"}'
    assert cut(css) == '.md-header:after{content:"}{;"}'


def test_templates_add_the_material_classes_they_name(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "footer.html").write_text(
        '<a class="md-button md-button--primary" data-md-color-scheme="slate">'
    )
    found = material_css.template_classes([tmp_path, None, tmp_path / "missing"])
    assert found == {"md-button", "md-button--primary"}  # not "md-color-scheme"


# --- on a built site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built_demo_site(tmp_path_factory, NOW)


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory) -> Path:
    """The team's site of the demo: its pages have tables in Material's scroll wrapper."""
    out = tmp_path_factory.mktemp("internal")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(AUDIENCE_VARIABLE, "internal")
        result = build(demo_project(tmp_path_factory.mktemp("demo")), out, NOW)
    assert result.returncode == 0, result.stderr
    return out


def materials_own(site: Path) -> list[Path]:
    folder = site / "assets" / "stylesheets"
    return [next(folder.glob("main.*.min.css")), next(folder.glob("palette.*.min.css"))]


def test_pages_link_the_cut_instead_of_materials_stylesheets(site):
    missing = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    for html in (page(site, "/"), page(site, "/incidents/2026-09-02-eu-region-outage/"), missing):
        links = [link["href"] for link in html.select("link[rel=stylesheet]")]
        assert [href.rsplit("/", 1)[-1] for href in links] == ["material.css", "statusbook.css"]


def test_the_cut_is_a_third_of_materials_weight(site):
    def zipped(paths: list[Path]) -> int:
        return sum(len(gzip.compress(path.read_bytes(), 9)) for path in paths)

    ours = site / "assets" / "material.css"
    assert ours.read_text().startswith('@charset "UTF-8";')
    assert zipped([ours]) * 2.5 < zipped(materials_own(site))


# --- in a browser: the same look ----------------------------------------------------------------

PAGES = [
    "/",
    "/incidents/2026-09-02-eu-region-outage/",
    "/incidents/2026-12-03-database-major-version-upgrade/",
    "/history/",
    "/uptime/",
    "/components/api/",
    "/404.html",
]
#: The internal site's own page kinds (its other pages are the public ones, notes added).
INTERNAL_PAGES = ["/metrics/", "/actions/", "/problems/prb-0002/"]
VIEWS = [("light", DESKTOP), ("dark", PHONE)]

#: Every element's computed style, and of its ::before and ::after those that draw
#: something, as one string each (custom properties left out: what they hold shows in the
#: properties that use them). The first call keeps them; the second returns what differs.
SNAPSHOT = """() => {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      if (pseudo && (style.content === "none" || style.content === "normal")) continue;
      const values = [];
      for (let i = 0; i < style.length; i++) {
        if (!style[i].startsWith("--")) values.push(style[i] + ":" + style.getPropertyValue(style[i]));
      }
      const id = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");
      out.push([id + (pseudo || ""), values]);
    }
  }
  if (!window.__sbBefore) { window.__sbBefore = out; return []; }
  const before = window.__sbBefore, found = [];
  if (before.length !== out.length) return ["elements: " + before.length + " then " + out.length];
  for (let k = 0; k < out.length && found.length < 10; k++) {
    const ours = before[k][1], theirs = out[k][1], changed = [];
    for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) changed.push(ours[i] + " ≠ " + theirs[i]);
    if (changed.length) found.push(out[k][0] + ": " + changed.slice(0, 4).join(", "));
  }
  return found;
}"""
#: Swap the cut for Material's full stylesheets, placed where it was.
SWAP = """(hrefs) => new Promise((done) => {
  const cut = document.querySelector('link[href$="material.css"]');
  let waiting = hrefs.length;
  for (const href of hrefs) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = () => { if (--waiting === 0) { cut.remove(); requestAnimationFrame(() => done()); } };
    cut.before(link);
  }
})"""
STILL = "*,*::before,*::after{transition:none!important;animation:none!important}"


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def internal_served(internal_site) -> Iterator[str]:
    with serve(internal_site) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance


def differences(seen: Any, site: Path, base: str) -> list[str]:
    page = seen.page
    page.add_style_tag(content=STILL)
    assert page.evaluate(SNAPSHOT) == []
    page.evaluate(SWAP, [f"{base}/assets/stylesheets/{p.name}" for p in materials_own(site)])
    return page.evaluate(SNAPSHOT)


@pytest.mark.browser
@NEEDS_CHROMIUM
@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=[f"{s}-{w}px" for s, w in VIEWS])
@pytest.mark.parametrize("url", PAGES, ids=str)
def test_every_element_looks_as_with_materials_full_stylesheet(
    browser, site, served, url, scheme, width
):
    seen = visit(browser, served + url, scheme=scheme, width=width)
    try:
        assert differences(seen, site, served) == []
    finally:
        seen.close()


@pytest.mark.browser
@NEEDS_CHROMIUM
@pytest.mark.parametrize(("scheme", "width"), VIEWS, ids=[f"{s}-{w}px" for s, w in VIEWS])
@pytest.mark.parametrize("url", INTERNAL_PAGES, ids=str)
def test_the_internal_sites_pages_look_as_with_materials_full_stylesheet(
    browser, internal_site, internal_served, url, scheme, width
):
    seen = visit(browser, internal_served + url, scheme=scheme, width=width)
    try:
        assert seen.page.locator(".md-typeset__scrollwrap").count() > 0
        assert differences(seen, internal_site, internal_served) == []
    finally:
        seen.close()


@pytest.mark.browser
@NEEDS_CHROMIUM
def test_the_phones_drawer_opens_as_with_materials_full_stylesheet(browser, site, served):
    seen = visit(browser, served + "/history/", width=PHONE)
    try:
        seen.page.locator("label.md-header__button[for=__drawer]").click()
        assert seen.page.locator(".md-sidebar--primary").is_visible()
        assert differences(seen, site, served) == []
    finally:
        seen.close()
