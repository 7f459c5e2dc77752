"""Record text to safe HTML: Markdown works, script does not, plain prose takes a shortcut."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusbook.markup import sanitize, unsafe_markup
from statusbook.render.text import (
    _plain_paragraphs,
    plain_paragraphs,
    plain_text,
    render_markdown,
    text_of_html,
)

REFERENCE = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", "admonition"])


def reference(text: str) -> str:
    REFERENCE.reset()
    return REFERENCE.convert(text)


prose = st.text(
    alphabet=st.sampled_from(list("abcdefghij KLMNO,.;:'\"()?%$@/-\n0123456789é")), max_size=120
)


@settings(max_examples=400, deadline=None)
@given(prose)
def test_the_plain_prose_shortcut_matches_markdown_exactly(text):
    shortcut = _plain_paragraphs(text)
    if shortcut is not None:
        assert shortcut == reference(text)


def test_shortcut_is_taken_for_ordinary_messages():
    message = "We are investigating elevated error rates.\nUpdates follow.\n\nNext paragraph."
    assert _plain_paragraphs(message) == reference(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold**", "<p><strong>bold</strong></p>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        (
            "[docs](https://example.com)",
            '<p><a href="https://example.com" rel="noopener noreferrer nofollow">docs</a></p>',
        ),
        ("<script>alert(1)</script>ok", "\n<p>ok</p>"),
        # The address gone, so is the rel added to links: an <a> without href may not have it.
        ("[x](javascript:alert(1))", "<p><a>x</a></p>"),
        ('<img src="https://tracker.example/p.gif">', "<p></p>"),
        ('<b onclick="alert(1)">b</b>', "<p><b>b</b></p>"),
    ],
)
def test_markdown_renders_and_dangerous_markup_is_removed(text, expected):
    assert render_markdown(text) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # A list item on its own would close the page's list item it sits in (a timeline
        # entry): each run of them gets a list of its own, text after it stays outside.
        ("<li>a</li>\n<li>b</li> after", "<ul><li>a</li>\n<li>b</li></ul> after"),
        (
            "<p>p</p><dt>t</dt><dd>d</dd><li>l</li>",
            "<p>p</p><dl><dt>t</dt><dd>d</dd></dl><ul><li>l</li></ul>",
        ),
        ("<td><li>in a cell</li></td>", "<ul><li>in a cell</li></ul>"),  # a stray cell goes
        ("<ol><li>x<li>y</ol>", "<ol><li>x</li><li>y</li></ol>"),
        ("<li>x<ul><li>y</li></ul></li>", "<ul><li>x<ul><li>y</li></ul></li></ul>"),
        ("<dl><div><dt>a</dt><dd>b</dd></div></dl>", "<dl><div><dt>a</dt><dd>b</dd></div></dl>"),
        # Elements that would be invalid as the cleaning leaves them: their text stays.
        ("<center>c</center> <strike>s</strike> <tt>t</tt>", "c s t"),
        ('<acronym title="x">A</acronym> <time datetime="2026-01-01">t</time>', "A t"),
        (
            '<data value="1">d</data><map name="m"><area href="https://e.example/" alt="a"></map>',
            "d",
        ),
        ('<a href="vbscript:x" hreflang="en" title="t">x</a>', '<a title="t">x</a>'),
        (
            '<a href="https://e.example/" hreflang="en">x</a> <abbr title="a">b</abbr>',
            '<a href="https://e.example/" hreflang="en" rel="noopener noreferrer nofollow">x</a>'
            ' <abbr title="a">b</abbr>',
        ),
    ],
)
def test_sanitised_html_is_valid_wherever_a_template_puts_it(html, expected):
    assert sanitize(html) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain words", []),
        ("at 14:05 UTC", []),
        ("<script>x</script>", ["<script> element"]),
        ("[a](javascript:void(0))", ["javascript: link"]),
        ("<a href=' JAVASCRIPT:alert(1)'>a</a>", ["javascript: URL in 'href' on <a>"]),
        ('<p onmouseover="x">', ["'onmouseover' event-handler attribute on <p>"]),
    ],
)
def test_unsafe_markup_is_described(text, found):
    assert unsafe_markup(text) == found


@settings(max_examples=300, deadline=None)
@given(prose)
def test_plain_text_shortcut_matches_the_html_route(text):
    if plain_paragraphs(text) is not None:
        assert plain_text(text) == text_of_html(reference(text))
