"""Record text to safe HTML: Markdown works, script does not, plain prose takes a shortcut."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusbook.markup import unsafe_markup
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
        ("[x](javascript:alert(1))", '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
        ('<img src="https://tracker.example/p.gif">', "<p></p>"),
        ('<b onclick="alert(1)">b</b>', "<p><b>b</b></p>"),
    ],
)
def test_markdown_renders_and_dangerous_markup_is_removed(text, expected):
    assert render_markdown(text) == expected


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
