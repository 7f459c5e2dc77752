"""Hardening: what `validate` is given ends in problems (file:line, code, fix), never a hang or
a traceback, and what passes `validate` builds.

The bounds themselves live in :mod:`statusbook.load.limits`; these tests reach them through
the CLI, the renderers and a real `mkdocs build`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusbook.cli import cli
from statusbook.derive.snapshot import derive
from statusbook.load import records
from statusbook.load.catalog import load_catalog
from statusbook.load.limits import (
    MAX_BODY_BYTES,
    MAX_FILE_NAME,
    MAX_MESSAGE_BYTES,
    MAX_RECORD_BYTES,
)
from statusbook.load.rules import validate_paths
from statusbook.render.outputs import static_files
from statusbook.render.pages import build_views
from statusbook.render.problem_report import render as render_problems

from .conftest import Project
from .sitebuild import build, install_site_files
from .test_validate import MAINTENANCE, VALID

NOW = "2026-11-21T12:00:00Z"
NAME = "2026-11-20-api-errors.md"
FILE = f"incidents/2026/{NAME}"


def run(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--now", NOW, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


def found(document: dict) -> list[tuple[str, str, int | None]]:
    return [(p["code"], p["file"], p["line"]) for p in document["problems"]]


def folder_problems(project: Project, *, strict: bool = False) -> tuple[int, list]:
    """What validating the records folder reports: (records read, problems).

    Through :func:`validate_paths`, the library's entry point for a records folder (the
    CLI's, too, until problem records joined it).
    """
    catalog = load_catalog(project.catalog_path)
    result = validate_paths(None, catalog, datetime(2026, 11, 21, 12, tzinfo=UTC))
    return result.files, result.problems


def message_block(text: str, indent: str = "      ") -> str:
    return "|\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in text.split("\n"))


# --- 6. hangs: not a file, too large -----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_given_by_path_is_refused_not_waited_on(project: Project) -> None:
    (project.records / "2026").mkdir()
    pipe = project.records / "2026" / NAME
    os.mkfifo(pipe)
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "statusbook", "validate", "--now", NOW, str(pipe)],
            capture_output=True,
            text=True,
            cwd=project.root,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("validate waited on a named pipe")
    assert time.monotonic() - started < 30
    assert completed.returncode == 1, completed.stderr
    assert f"{FILE}: error SB005 [not-a-file]" in completed.stdout
    assert "named pipe" in completed.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_the_records_folder_is_reported_not_skipped_silently(
    project: Project,
) -> None:
    project.write("2026-11-19-fine.md", VALID.replace("2026-11-20", "2026-11-19"))
    os.mkfifo(project.records / "2026" / NAME)
    files, problems = folder_problems(project)
    assert files == 1
    assert [(p.code, p.path.name) for p in problems] == [("SB005", NAME)]


def test_a_record_file_over_the_size_limit_is_refused_at_line_one(project: Project) -> None:
    padding = "x" * (MAX_RECORD_BYTES + 1 - len(VALID.encode()))
    project.write(NAME, VALID + padding)
    code, document = run()
    assert code == 1
    assert found(document) == [("SB006", FILE, 1)]
    assert "1.0 MiB" in document["problems"][0]["message"]


def _size_seen_as(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """``fstat`` reports ``size``: the file grew (or shrank) between the check and the read."""
    real = os.fstat

    def fstat(descriptor: int) -> os.stat_result:
        status = real(descriptor)
        return os.stat_result((*status[:6], size, *status[7:10]))

    monkeypatch.setattr(records.os, "fstat", fstat)


def test_a_record_that_grows_past_the_limit_while_read_is_still_refused(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    padding = "x" * (MAX_RECORD_BYTES + 1 - len(VALID.encode()))
    path = project.write(NAME, VALID + padding)
    _size_seen_as(monkeypatch, 100)
    source = records.read_source(path)
    assert [problem.code for problem in source.problems] == ["SB006"]


def test_a_record_that_grows_while_read_is_read_whole(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project.write(NAME, VALID)
    _size_seen_as(monkeypatch, 10)
    source = records.read_source(path)
    whole = records.parse_source(path, path.read_bytes())
    assert source.problems == [] and source.parsed
    assert (source.data, source.body) == (whole.data, whole.body)


def test_a_body_over_the_limit_is_reported_at_its_first_line(project: Project) -> None:
    project.write(NAME, VALID.replace("Narrative.\n", "Narrative.\n" * (MAX_BODY_BYTES // 10)))
    code, document = run()
    assert code == 1
    assert found(document) == [("SB006", FILE, 17)]  # the body starts after the closing ---
    assert document["problems"][0]["fix"]


def test_a_message_over_the_limit_is_reported_at_its_line(project: Project) -> None:
    long = "\n".join(["A paragraph of an update that goes on and on."] * 800)
    assert len(long.encode()) > MAX_MESSAGE_BYTES
    project.write(NAME, VALID.replace("message: Fixed.", f"message: {message_block(long)}"))
    code, document = run()
    assert code == 1
    assert found(document) == [("SB006", FILE, 15)]


def test_texts_at_their_limits_pass(project: Project) -> None:
    message = ("word " * (MAX_MESSAGE_BYTES // 5))[: MAX_MESSAGE_BYTES - 1].strip()
    body = ("b" * 99 + "\n") * (MAX_BODY_BYTES // 100)
    project.write(
        NAME, VALID.replace("message: Fixed.", f"message: {message}").replace("Narrative.\n", body)
    )
    assert run() == (0, {"files": 1, "errors": 0, "warnings": 0, "problems": []})


# --- 7. tracebacks: control characters, numbers, timestamps, names ----------------------------


@pytest.mark.parametrize("escape", ["\\a", "\\x01", "\\0", "\\e", "\\x7f", "\\x85", "\\uFFFE"])
def test_control_characters_written_as_escapes_are_reported_at_their_line(
    project: Project, escape: str
) -> None:
    project.write(NAME, VALID.replace("title: API errors", f'title: "API {escape} errors"'))
    code, document = run()
    assert code == 1
    assert found(document) == [("SB106", FILE, 2)]
    assert "U+" in document["problems"][0]["message"]


@pytest.mark.parametrize(
    ("before", "after", "line"),
    [
        ("message: Fixed.", 'message: "Fixed\\a."', 15),
        ("    message: Fixed.", '    author: "Sam\\x01"\n    message: Fixed.', 15),
        ("title: API errors", 'title: "API\\nerrors"', 2),
        ("title: API errors", 'title: "API\\terrors"', 2),
        ("title: API errors", "title: >\n  API errors", 2),  # a folded block ends in a line break
    ],
)
def test_every_text_field_refuses_control_characters_and_one_liners_line_breaks(
    project: Project, before: str, after: str, line: int
) -> None:
    project.write(NAME, VALID.replace(before, after))
    code, document = run()
    assert (code, [(c, n) for c, _, n in found(document)]) == (1, [("SB106", line)])


def test_tabs_and_line_breaks_are_fine_in_messages(project: Project) -> None:
    project.write(NAME, VALID.replace("message: Fixed.", 'message: "Fixed.\\n\\tAll of it."'))
    assert run()[0] == 0


def test_a_control_character_in_the_body_is_reported_at_its_line_and_column(
    project: Project,
) -> None:
    project.write(NAME, VALID.replace("Narrative.\n", "Narrative.\nA bell \x07 here.\n"))
    code, document = run()
    assert code == 1
    (problem,) = document["problems"]
    assert (problem["code"], problem["line"], problem["column"]) == ("SB106", 18, 8)


def test_a_crlf_body_is_not_a_control_character(project: Project) -> None:
    project.write_bytes(NAME, VALID.replace("\n", "\r\n").encode())
    assert run()[0] == 0


def test_a_five_thousand_digit_number_is_a_problem_not_a_traceback(project: Project) -> None:
    project.write(NAME, VALID.replace("impact: major", "impact: major\nx-big: " + "9" * 5000))
    code, document = run()
    assert code == 1
    assert found(document) == [("SB107", FILE, 5)]


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:00:00-05:00",
        "1999-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
        "2000-01-01T00:30:00+01:00",
    ],
)
def test_timestamps_outside_this_century_are_reported_with_a_fix(
    project: Project, value: str
) -> None:
    project.write(NAME, VALID.replace("started: 2026-11-20T14:00:00Z", f"started: {value}"))
    code, document = run()
    assert code == 1
    problem = next(p for p in document["problems"] if p["code"] == "SB207")
    assert (problem["line"], problem["column"]) == (5, 10)
    assert "2000" in problem["fix"] and "2099" in problem["fix"]


def test_an_impossible_explicit_timestamp_is_a_yaml_problem_not_a_traceback(
    project: Project,
) -> None:
    project.write(NAME, VALID.replace("impact: major", 'impact: major\nx-when: !!timestamp "x y"'))
    code, document = run()
    assert code == 1
    assert found(document) == [("SB003", FILE, 5)]


def test_a_file_name_too_long_for_the_build_is_refused(project: Project) -> None:
    slug = "a" * (254 - len("2026-11-20-.md"))
    project.write(f"2026-11-20-{slug}.md", VALID)
    code, document = run()
    assert code == 1
    assert [p["code"] for p in document["problems"]] == ["SB404"]


def test_a_file_name_at_the_limit_passes(project: Project) -> None:
    slug = "a" * (MAX_FILE_NAME - len("2026-11-20-.md"))
    project.write(f"2026-11-20-{slug}.md", VALID)
    assert run()[0] == 0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("    name: API\n", '    name: "API\\nv2"\n'),
        ("    name: API\n", '    name: "API\\a"\n'),
        ("    name: API\n", '    name: API\n    description: "Public\\nAPI"\n'),
        ("  name: Test Status\n", '  name: "Test\\x00Status"\n'),
    ],
)
def test_catalog_names_and_descriptions_are_one_line_without_control_characters(
    project: Project, before: str, after: str
) -> None:
    project.catalog_path.write_text(project.catalog_path.read_text().replace(before, after, 1))
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert "statusbook.yml:" in result.output and "error SB106" in result.output


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1.0e+999", "100.5"])
def test_sla_targets_are_finite_numbers_in_range(project: Project, value: str) -> None:
    project.catalog_path.write_text(
        project.catalog_path.read_text().replace("sla: 99.9\n", f"sla: {value}\n")
    )
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert "error SB107" in result.output


# --- whatever passes validate, builds -----------------------------------------------------------

_TEXT = st.text(
    st.characters(codec="utf-8", categories=None, exclude_characters="\x00")
    | st.sampled_from(["\x07", "\x01", "\x1b", "\x7f", "\x85", "\ufffe", "\t", "\n", "\r"]),
    min_size=1,
    max_size=40,
)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text`` (escapes for every code point)."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\U{ord(c):08x}" for c in text) + '"'


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_TEXT, message=_TEXT, author=_TEXT, name=_TEXT)
def test_what_passes_validate_renders_every_page_feed_calendar_and_api(
    project: Project, title: str, message: str, author: str, name: str
) -> None:
    catalog_text = project.catalog_path.read_text().replace(
        "    name: API\n", f"    name: {_quoted(name)}\n", 1
    )
    project.catalog_path.write_text(catalog_text)
    text = (
        VALID.replace("title: API errors", f"title: {_quoted(title)}")
        .replace("message: Fixed.", f"message: {_quoted(message)}")
        .replace("    status: resolved\n", f"    status: resolved\n    author: {_quoted(author)}\n")
    )
    project.write(NAME, text)
    window = MAINTENANCE.replace("title: Database upgrade", f"title: {_quoted(title)}")
    project.write("2026-12-03-database-upgrade.md", window)
    try:
        catalog = load_catalog(project.catalog_path)
    except Exception as error:  # a catalog that fails is reported, as validate does
        assert hasattr(error, "problems"), error
        return
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    validation = validate_paths(None, catalog, now)
    snapshot = derive(catalog, validation.incidents, now)
    static_files(snapshot)  # feeds, calendars, API, badges: XML and JSON writers
    build_views(snapshot)


def test_a_record_at_every_limit_builds_with_mkdocs(project: Project, tmp_path: Path) -> None:
    """Boundary inputs that pass validate — the longest name, a body and a message at their
    limits, tabs, CRLF, non-ASCII — build a complete site, in bounded time."""
    install_site_files(project.root)
    slug = "a" * (MAX_FILE_NAME - len("2026-11-20-.md"))
    message = ("Ünïcödé\tword " * (MAX_MESSAGE_BYTES // 16))[: MAX_MESSAGE_BYTES // 2]
    body = ("A line of the postmortem with **Markdown** and a [link](https://example.com).\r\n") * (
        MAX_BODY_BYTES // 80
    )
    text = (
        VALID.replace("title: API errors", "title: 'Ünïcödé — “quoted” & <angled> errors'")
        .replace("message: Fixed.", f"message: {json.dumps(message)}")
        .replace("Narrative.\n", body)
    )
    project.write(f"2026-11-20-{slug}.md", text)
    assert run()[0] == 0
    started = time.monotonic()
    result = build(project.root, tmp_path / "site", datetime(2026, 11, 21, 12, tzinfo=UTC))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 120
    assert (tmp_path / "site" / "incidents" / f"2026-11-20-{slug}" / "index.html").is_file()


# --- 8. smaller, still wrong ----------------------------------------------------------------------


def test_impact_on_maintenance_is_rejected_like_resolved(project: Project) -> None:
    project.write(
        "2026-12-03-database-upgrade.md",
        MAINTENANCE.replace("components:", "impact: minor\ncomponents:"),
    )
    code, document = run()
    assert code == 1
    (problem,) = document["problems"]
    assert (problem["code"], problem["line"]) == ("SB306", 6)
    assert "no impact" in problem["fix"]


def test_a_window_in_year_9999_is_an_error_not_a_warning(project: Project) -> None:
    project.write(
        "2026-12-03-database-upgrade.md",
        MAINTENANCE.replace("2026-12-03T02", "9999-12-03T02").replace(
            "2026-12-03T04", "9999-12-03T04"
        ),
    )
    code, document = run()
    assert code == 1
    assert [p["code"] for p in document["problems"] if p["severity"] == "error"] == [
        "SB207",
        "SB207",
    ]


def test_history_pages_span_the_records_and_now_not_every_empty_quarter_to_a_far_window(
    project: Project,
) -> None:
    project.write(NAME, VALID)
    far = MAINTENANCE.replace("2026-12-03T02", "2099-12-03T02").replace(
        "2026-12-03T04", "2099-12-03T04"
    )
    project.write("2099-12-03-database-upgrade.md", far)
    catalog = load_catalog(project.catalog_path)
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    validation = validate_paths(None, catalog, now)
    assert not validation.errors, validation.errors
    history = build_views(derive(catalog, validation.incidents, now)).history
    assert [page.key for page in history] == ["2099-q4", "2026-q4"]
    assert [month.key for month in history[0].months] == ["2099-12"]  # no empty future months
    assert [month.key for month in history[1].months] == ["2026-11"]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_broken_links_loops_and_upper_case_extensions_are_named_not_skipped_silently(
    project: Project,
) -> None:
    project.write(NAME, VALID)
    folder = project.records / "2026"
    (folder / "2026-11-21-gone.md").symlink_to("nowhere.md")
    (folder / "2026-11-22-loop.md").symlink_to("2026-11-22-loop.md")
    (folder / "2026-11-23-shouting.MD").write_text(VALID)
    (folder / "README.MD").write_text("notes")  # not a record in any case
    files, problems = folder_problems(project)
    assert files == 1
    skipped = {p.path.name: p for p in problems}
    assert set(skipped) == {"2026-11-21-gone.md", "2026-11-22-loop.md", "2026-11-23-shouting.MD"}
    assert {(p.code, p.is_error) for p in problems} == {("SB405", False)}
    assert "rename it to 2026-11-23-shouting.md" in skipped["2026-11-23-shouting.MD"].fix
    assert "loops" in skipped["2026-11-22-loop.md"].message
    # Printed, a link that loops is named as the link (resolving it would raise).
    report = render_problems(problems, 1, "text")
    assert "incidents/2026/2026-11-22-loop.md: warning SB405" in report


def test_an_absolute_records_path_is_refused_even_where_the_folder_exists(
    project: Project,
) -> None:
    project.write(NAME, VALID)
    absolute = project.records.resolve().as_posix()
    project.catalog_path.write_text(project.catalog_path.read_text() + f'records: "{absolute}"\n')
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert "error SB501" in result.output and "is an absolute path" in result.output


@pytest.mark.parametrize("records", ["C:\\\\status\\\\incidents", "~/status/incidents"])
def test_a_windows_or_home_records_path_is_refused_as_absolute(
    project: Project, records: str
) -> None:
    project.catalog_path.write_text(project.catalog_path.read_text() + f'records: "{records}"\n')
    result = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert result.exit_code == 2
    assert "is an absolute path" in result.output


def test_an_unclosed_quote_is_reported_where_it_opens(project: Project) -> None:
    project.write(NAME, VALID.replace("title: API errors", 'title: "API errors'))
    code, document = run()
    assert code == 1
    (problem,) = document["problems"]
    assert (problem["code"], problem["line"], problem["column"]) == ("SB003", 2, 8)
    assert "never closed" in problem["message"]
