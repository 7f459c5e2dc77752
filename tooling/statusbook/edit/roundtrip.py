"""Round-trip YAML editing that changes only the lines an edit meant to change.

ruamel.yaml keeps comments, key order and quoting, but it re-indents the whole document
to one style and tidies spacing (``key:   value`` → ``key: value``). A person's odd but
valid layout must survive an edit, so every edit is made twice over: the document is
dumped once untouched (*normalized*) and once edited (*modified*); the difference between
those two is exactly the edit, and only that difference is spliced into the original
text. Lines ruamel would have reformatted stay as the person wrote them, unless the edit
itself lands on them. The splice is checked by parsing: if it does not mean the same as
the modified document, the modified document is used as it is.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver, implicit_resolvers

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_YAML_1_1 = (1, 1)


class YamlEditError(ValueError):
    """The text cannot be edited as YAML (it does not parse, or is not a mapping)."""


class _Resolver(VersionedResolver):
    """YAML 1.1 rules like statusbook's PyYAML loader, and timestamps left as text.

    Matching the reader matters when writing: a title ``no`` or ``on`` must be quoted
    because PyYAML would read it as a boolean, and a timestamp written as a plain string
    must stay plain because statusbook reads timestamps as text.
    """

    @property
    def processing_version(self) -> Any:
        return _YAML_1_1

    @property
    def versioned_resolver(self) -> Any:
        if _YAML_1_1 not in self._version_implicit_resolver:
            for versions, tag, regexp, first in implicit_resolvers:
                if _YAML_1_1 in versions and tag != _TIMESTAMP_TAG:
                    self.add_version_implicit_resolver(_YAML_1_1, tag, regexp, first)
        return self._version_implicit_resolver[_YAML_1_1]


@dataclass(frozen=True, slots=True)
class Style:
    """Block indentation, as ruamel's ``indent(mapping, sequence, offset)`` wants it."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


#: The layout statusbook writes new files in (the same as the example records).
DEFAULT_STYLE = Style()

_KEY_ONLY = re.compile(r"^( *)(?:- +)?[^\s#][^#]*:\s*(?:#.*)?$")
_DASH = re.compile(r"^( *)-( +)")
_BLOCK_SCALAR = re.compile(r"^( *)(?:- +)?[^\s#][^#]*:\s+[|>][-+0-9]*\s*(?:#.*)?$")


def guess_style(text: str) -> Style:
    """The indentation most of ``text`` uses, so added lines look like their neighbours.

    Each nested block votes with its size, so the long ``updates`` list outweighs a short
    odd list elsewhere.
    """
    mappings: Counter[int] = Counter()
    sequences: Counter[tuple[int, int]] = Counter()
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    indents = [len(line) - len(line.lstrip(" ")) for line in lines]
    for index, line in enumerate(lines[:-1]):
        parent = _KEY_ONLY.match(line) or _BLOCK_SCALAR.match(line)
        if parent is None:
            continue
        # A key after a dash is indented to where the key starts, not to the dash.
        dash = _DASH.match(line)
        parent_indent = len(dash.group(0)) if dash else len(parent.group(1))
        child_indent = indents[index + 1]
        size = 0
        for indent in indents[index + 1 :]:
            if indent < child_indent:
                break
            size += 1
        item = _DASH.match(lines[index + 1])
        if item and _KEY_ONLY.match(line):
            if child_indent >= parent_indent:
                offset = child_indent - parent_indent
                sequences[(offset, offset + 1 + len(item.group(2)))] += size
        elif child_indent > parent_indent:
            mappings[child_indent - parent_indent] += size
    mapping = mappings.most_common(1)[0][0] if mappings else DEFAULT_STYLE.mapping
    offset, sequence = (
        sequences.most_common(1)[0][0]
        if sequences
        else (DEFAULT_STYLE.offset, DEFAULT_STYLE.sequence)
    )
    return Style(mapping=mapping, sequence=sequence, offset=offset)


#: Layouts tried besides the guessed one, for files that mix styles.
_CANDIDATE_STYLES = tuple(
    Style(mapping=mapping, sequence=offset + 2, offset=offset)
    for mapping in (2, 4)
    for offset in (2, 0, 4)
)


def make_yaml(style: Style = DEFAULT_STYLE) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = _Resolver
    yaml.preserve_quotes = True
    # Never fold a long line: a person's sentence stays on the line they wrote it on.
    yaml.width = 1_000_000
    yaml.indent(mapping=style.mapping, sequence=style.sequence, offset=style.offset)
    return yaml


def load(text: str, style: Style = DEFAULT_STYLE) -> Any:
    try:
        return make_yaml(style).load(readable(text))
    except YAMLError as error:
        raise YamlEditError(f"the YAML cannot be edited: {error}") from None


def readable(text: str) -> str:
    """``text`` with separator tabs ruamel rejects (but libyaml accepts) turned into spaces.

    ``title: x<TAB># note`` is valid for statusbook's reader, so it must stay editable. Only
    a tab ruamel's scanner stops at is replaced — by definition not part of any value —
    and the original line is what the splice keeps.
    """
    for _ in range(text.count("\t")):
        try:
            make_yaml().compose(text)
            break
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            index = getattr(mark, "index", None)
            if index is None or index >= len(text) or text[index] != "\t":
                break
            text = text[:index] + " " + text[index + 1 :]
    return text


def dump(data: Any, style: Style = DEFAULT_STYLE) -> str:
    stream = io.StringIO()
    make_yaml(style).dump(data, stream)
    return stream.getvalue()


def edit_text(text: str, mutate: Callable[[Any], None]) -> str:
    """Apply ``mutate`` to the YAML mapping in ``text``; return the text with only that change.

    ``mutate`` receives ruamel's round-trip mapping and changes it in place (it may be
    called once per layout tried). Where the file mixes layouts, the layout whose splice
    changes the fewest lines wins.
    """
    source = readable(text)
    if load(source) is None:
        document = load("{}\n")
        mutate(_mapping(document))
        return dump(document)
    guessed = guess_style(text)
    fallback: str | None = None
    best: tuple[int, str] | None = None
    for style in dict.fromkeys((guessed, *_CANDIDATE_STYLES)):
        untouched, edited = load(source, style), load(source, style)
        mutate(_mapping(edited))
        normalized, modified = dump(untouched, style), dump(edited, style)
        if normalized == modified:
            return text
        fallback = fallback or modified
        merged = _merge(text, normalized, modified)
        if _same_meaning(merged, modified):
            cost = _changed_lines(text, merged)
            if cost <= _changed_lines(normalized, modified):
                return merged  # only the edit's own lines changed: nothing can do better
            if best is None or cost < best[0]:
                best = (cost, merged)
    assert fallback is not None
    return best[1] if best else fallback


def _mapping(document: Any) -> Any:
    if not hasattr(document, "keys"):
        raise YamlEditError("the YAML is not a mapping of keys to values")
    return document


def _changed_lines(before: str, after: str) -> int:
    matcher = SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def splice(original: str, normalized: str, modified: str) -> str:
    """``original`` with the change from ``normalized`` to ``modified`` applied to it.

    ``normalized`` is ``original`` as ruamel would write it; the two differ only in layout.
    Falls back to ``modified`` when the spliced text does not mean the same.
    """
    if normalized == modified:
        return original
    merged = _merge(original, normalized, modified)
    return merged if _same_meaning(merged, modified) else modified


_MEANING_LOADER = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)


def _same_meaning(first: str, second: str) -> bool:
    try:
        first_data: object = pyyaml.load(first, Loader=_MEANING_LOADER)
        second_data: object = pyyaml.load(second, Loader=_MEANING_LOADER)
        # Inside the try: comparing deeply nested data can recurse too far as well.
        return first_data == second_data
    except (pyyaml.YAMLError, RecursionError):
        return False


def _merge(original: str, normalized: str, modified: str) -> str:
    o_lines = original.splitlines(keepends=True)
    o_text = [line.rstrip("\r\n") for line in o_lines]
    n_text = normalized.splitlines()
    m_text = modified.splitlines()
    newline = _dominant_newline(o_lines)

    layout = SequenceMatcher(None, n_text, o_text, autojunk=False).get_opcodes()
    edit = SequenceMatcher(None, n_text, m_text, autojunk=False).get_opcodes()
    reformatted = [(a1, a2) for tag, a1, a2, _, _ in layout if tag != "equal" and a1 < a2]

    widened = sorted(_widen(i1, i2, reformatted) for tag, i1, i2, _, _ in edit if tag != "equal")
    groups: list[list[int]] = []
    for start, end in widened:
        if groups and start <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], end)
        else:
            groups.append([start, end])

    pieces: list[str] = []
    cursor = 0
    for start, end in groups:
        o_start = _position(layout, start)[1]
        o_end = max(_position(layout, end)[0], o_start)
        m_start, m_end = _position(edit, start)[0], _position(edit, end)[1]
        pieces += o_lines[cursor:o_start]
        pieces += [line + newline for line in m_text[m_start:m_end]]
        cursor = o_end
    pieces += o_lines[cursor:]
    return "".join(_terminated(pieces, newline))


def _widen(start: int, end: int, reformatted: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Grow an edit until it no longer cuts through a run of lines ruamel reformatted."""
    changed = True
    while changed:
        changed = False
        for first, last in reformatted:
            cuts = (first < end and start < last) if start < end else first < start < last
            if cuts and (first < start or last > end):
                start, end = min(start, first), max(end, last)
                changed = True
    return start, end


def _position(opcodes: Sequence[tuple[str, int, int, int, int]], at: int) -> tuple[int, int]:
    """The lowest and highest line positions on the other side matching position ``at``."""
    candidates: list[int] = []
    for tag, a1, a2, b1, b2 in opcodes:
        if tag == "equal" and a1 <= at <= a2:
            candidates.append(b1 + at - a1)
        elif a1 == at == a2:
            candidates += (b1, b2)
        elif a1 == at:
            candidates.append(b1)
        elif a2 == at:
            candidates.append(b2)
    return min(candidates), max(candidates)


def _dominant_newline(lines: Sequence[str]) -> str:
    crlf = sum(1 for line in lines if line.endswith("\r\n"))
    return "\r\n" if crlf * 2 > len(lines) else "\n"


def _terminated(pieces: list[str], newline: str) -> list[str]:
    """Every piece but the last ends its line (an original last line may lack one)."""
    return [
        piece if index == len(pieces) - 1 or piece.endswith("\n") else piece + newline
        for index, piece in enumerate(pieces)
    ]
