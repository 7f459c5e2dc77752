"""Reading record files: front matter, duplicate keys, odd YAML, positions."""

from __future__ import annotations

import gc
from pathlib import Path

from statusbook.load.records import parse_source, parse_yaml


def parse(text: str):
    return parse_source(Path("incidents/2026/2026-11-20-x.md"), text.encode())


def test_timestamps_stay_text_so_zones_can_be_checked():
    data, _ = parse_yaml("at: 2026-11-20 14:00:00\nday: 2026-11-20\n")
    assert data == {"at": "2026-11-20 14:00:00", "day": "2026-11-20"}


def test_scalars_keep_their_yaml_types():
    data, _ = parse_yaml("a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: [x, 2]\n")
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "1", "f": ["x", 2]}


def test_duplicate_keys_name_both_lines():
    _, duplicates = parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert [(key, repeated.line, first.line) for key, repeated, first in duplicates] == [
        ("c", 3, 2)
    ]


def test_keys_that_mean_the_same_value_are_duplicates():
    _, duplicates = parse_yaml("yes: 1\ntrue: 2\n")
    assert [key for key, _, _ in duplicates] == [True]


def test_merge_keys_still_work_and_overrides_are_not_duplicates():
    data, duplicates = parse_yaml("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n")
    assert data["thing"] == {"x": 1, "y": 3}
    assert duplicates == []


def test_an_alias_bomb_stays_small():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    data, _ = parse_yaml("\n".join(lines))
    assert data["a8"][0] is data["a8"][1]  # shared, not copied 10^8 times


def test_unhashable_keys_are_a_syntax_problem():
    source = parse("---\n? [a, b]\n: 1\n---\n")
    assert [problem.code for problem in source.problems] == ["SB003"]


def test_body_and_its_first_line_are_kept():
    source = parse("---\ntitle: x\n---\nFirst line\n\nSecond\n")
    assert source.body == "First line\n\nSecond\n"
    assert source.body_line == 4


def test_byte_order_mark_and_crlf_are_accepted():
    source = parse("\ufeff---\r\ntitle: x\r\n---\r\nBody\r\n")
    assert source.problems == [] and source.data == {"title": "x"}


def test_locate_points_at_keys_and_values():
    source = parse("---\ntitle: x\nupdates:\n  - at: 1\n    message: hi\n---\n")
    assert source.locate(("updates", 0, "message")) == (5, 14)
    assert source.locate(("updates", 0, "message"), key=True) == (5, 5)
    assert source.locate(("updates", 7, "message")) == (4, 3)  # as deep as the path exists


def test_parsing_leaves_nothing_for_the_cyclic_collector():
    """Reference counting frees a parse: no cycles, so validating thousands of records
    neither keeps each one's loader alive nor keeps the collector busy."""
    text = "---\ntitle: x\nupdates:\n  - at: 2026-11-20T14:00:00Z\n    components: {api: ok}\n---\n"
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        parse(text)
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
