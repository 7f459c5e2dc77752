"""A record full of comments and odd formatting goes through every command; only the lines
each command meant to change may change, and the Markdown body never does."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli
from statusbook.edit import roundtrip

from .conftest import Project

NOW = "2026-11-21T12:00:00Z"

# Odd but valid: comments everywhere (one after a tab), a BOM-free CR-free file with a
# trailing-space line, mixed sequence indentation (x-links by 6, updates by 0), extra spaces
# after colons, single and double quotes, a quoted timestamp, flow collections, block
# scalars with indicators, an extension key, and a body with a '---' rule and no final newline.
FRONT = (
    "---\n"
    "# Incident record, hand-edited at 3 a.m.   \n"
    'title:    "Elevated error rates: API"   # quoted on purpose\n'
    "kind:  outage   \n"
    "impact: 'major'\n"
    "manager: Priya Raman    # on call\n"
    "x-ticket: {system: jira, id: OPS-1234}   # extension, flow style\n"
    "x-links:\n"
    "      - https://example.com/a\n"
    '      - "https://example.com/b"\n'
    'started: "2026-11-20T14:00:00Z"   # when the alarms went off\n'
    "components:\n"
    "    api:   major_outage      # aligned comment\n"
    "    dashboard: degraded_performance\t# tab before this comment\n"
    "updates:\n"
    "# first the page\n"
    "- at: 2026-11-20T14:05:00Z\n"
    "  status:  investigating\n"
    "  author: Priya Raman\n"
    "  message: |-\n"
    "    We are seeing elevated `5xx` error rates.\n"
    "      Indented line kept.\n"
    "\n"
    "  # a comment between updates\n"
    "- at: '2026-11-20T14:30:00Z'\n"
    "  status: identified\n"
    "  message: >\n"
    "    Folded text\n"
    "    continues here.\n"
    "  components: {dashboard: operational}   # flow mapping\n"
    "# trailing comment in the front matter\n"
    "\n"
)
BODY = (
    "---\n"
    "The body: *Markdown* with trailing spaces   \n"
    "---\n"
    "and a horizontal rule above, and no final newline"
)
ODD = FRONT + BODY

MAINTENANCE = (
    "---\n"
    "title: 'Database upgrade'   # window agreed with customers\n"
    "kind: maintenance\n"
    "scheduled_start: 2026-11-21T10:00:00Z  # 11:00 CET\n"
    "scheduled_end:   2026-11-21T14:00:00Z\n"
    "components: {database: under_maintenance}\n"
    "x-change-request: CR-77\n"
    "updates:\n"
    "    -   at: 2026-11-19T09:00:00Z   # announced early\n"
    "        status: scheduled\n"
    '        message: "We will upgrade the database."\n'
    "---\n"
    "Body.\n"
)


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, [*args, "--now", NOW], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def change(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def step(path: Path, *args: str) -> tuple[list[str], list[str]]:
    before = path.read_bytes().decode()
    run(*args)
    after = path.read_bytes().decode()
    return change(before, after)


@pytest.fixture
def odd(project: Project) -> Path:
    return project.write("2026-11-20-api-errors.md", ODD, dedent=False)


def test_the_odd_record_is_valid_to_begin_with(odd: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(odd), "--now", NOW])
    assert result.exit_code == 0, result.output


def test_every_incident_command_changes_only_its_own_lines(odd: Path) -> None:
    assert step(
        odd,
        "update",
        "api-errors",
        "--status",
        "monitoring",
        "-m",
        "Fix deployed.",
        "-c",
        "api=degraded_performance",
        "--author",
        "Jonas",
        "--at",
        "2026-11-20T15:00Z",
    ) == (
        [],
        [
            "- at: 2026-11-20T15:00:00Z\n",
            "  status: monitoring\n",
            "  author: Jonas\n",
            "  message: Fix deployed.\n",
            "  components:\n",
            "    api: degraded_performance\n",
        ],
    )
    assert step(odd, "resolve", "api-errors", "-m", "Resolved.", "--at", "2026-11-20T16:00Z") == (
        [],
        [
            "resolved: 2026-11-20T16:00:00Z\n",
            "- at: 2026-11-20T16:00:00Z\n",
            "  status: resolved\n",
            "  message: Resolved.\n",
            "  components:\n",
            "    api: operational\n",
        ],
    )
    assert step(
        odd, "postmortem", "api-errors", "--summary", "Short.", "--root-cause", "Two\nlines."
    ) == (
        [],
        [
            "postmortem:\n",
            "  summary: Short.\n",
            "  root_cause: |\n",
            "    Two\n",
            "    lines.\n",
            "  action_items: []\n",
        ],
    )
    assert step(
        odd, "action", "api-errors", "Alert on 5xx", "--owner", "SRE", "--due", "2026-12-01"
    ) == (
        ["  action_items: []\n"],
        [
            "  action_items:\n",
            "  - title: Alert on 5xx\n",
            "    owner: SRE\n",
            "    status: open\n",
            "    due: 2026-12-01\n",
        ],
    )
    assert step(odd, "action", "api-errors", "--close", "1") == (
        ["    status: open\n"],
        ["    status: done\n"],
    )
    # Reading commands change nothing.
    assert step(odd, "show", "api-errors") == ([], [])
    assert step(odd, "list") == ([], [])

    text = odd.read_text()
    assert text.endswith(BODY), "the Markdown body is byte for byte the same"
    original_lines = ODD.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, original_lines, text.splitlines(keepends=True))
    kept = sum(block.size for block in matcher.get_matching_blocks())
    assert kept == len(original_lines), "every original line survives, in order"


def test_dry_run_and_a_no_op_editor_leave_the_file_byte_for_byte(
    odd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = odd.read_bytes()
    result = run("update", "api-errors", "-m", "Note.", "--at", "2026-11-20T15:00Z", "--dry-run")
    assert "+  message: Note.\n" in result.output
    assert odd.read_bytes() == before
    monkeypatch.setattr("click.edit", lambda text, **_: text)
    step(odd, "update", "api-errors", "-m", "Note.", "--at", "2026-11-20T15:00Z", "--edit")
    assert odd.read_bytes().startswith(before[: len(FRONT)])


def test_every_maintenance_command_changes_only_its_own_lines(project: Project) -> None:
    path = project.write("2026-11-21-database-upgrade.md", MAINTENANCE, dedent=False)
    assert step(path, "maintenance", "start", "database-upgrade", "--at", "2026-11-21T10:01Z") == (
        [],
        [
            "started: 2026-11-21T10:01:00Z\n",
            "    -   at: 2026-11-21T10:01:00Z\n",
            "        status: in_progress\n",
            "        message: The scheduled maintenance is in progress.\n",
        ],
    )
    assert step(
        path, "maintenance", "complete", "database-upgrade", "-m", "Done.", "--at", "11:45"
    ) == (
        [],
        [
            "completed: 2026-11-21T11:45:00Z\n",
            "    -   at: 2026-11-21T11:45:00Z\n",
            "        status: completed\n",
            "        message: Done.\n",
        ],
    )
    assert path.read_text().endswith("---\nBody.\n")


def test_cancelling_maintenance_changes_only_its_own_lines(project: Project) -> None:
    path = project.write("2026-11-21-database-upgrade.md", MAINTENANCE, dedent=False)
    removed, added = step(
        path, "maintenance", "cancel", "database-upgrade", "--at", "2026-11-20T08:00Z"
    )
    assert removed == []
    assert added == [
        "state: cancelled\n",
        "    -   at: 2026-11-20T08:00:00Z\n",
        "        status: cancelled\n",
        "        message: This scheduled maintenance has been cancelled.\n",
    ]


def test_windows_line_endings_and_a_byte_order_mark_survive(project: Project) -> None:
    text = (
        "\ufeff---\r\ntitle: CRLF\r\nkind: outage\r\nimpact: minor\r\ncomponents:\r\n"
        "  api: degraded_performance   # slow\r\nupdates:\r\n  - at: 2026-11-20T10:00:00Z\r\n"
        "    status: investigating\r\n    message: Slow.\r\n---\r\nBody\r\n"
    )
    path = project.write_bytes("2026-11-20-crlf.md", text.encode())
    run("update", "crlf", "-m", "Still slow.", "--at", "2026-11-20T11:00Z")
    after = path.read_bytes().decode()
    assert after == text.replace(
        "---\r\nBody",
        "  - at: 2026-11-20T11:00:00Z\r\n    status: update\r\n"
        "    message: Still slow.\r\n---\r\nBody",
    )


def test_the_splice_falls_back_to_the_full_dump_when_it_would_change_meaning() -> None:
    # If ruamel's normalised text and the original disagree in a way the splice cannot
    # reconcile, the edited document is used whole rather than guessing.
    original = "a: 1\nb: 2\n"
    assert roundtrip.splice(original, "a: 1\nb: 2\n", "a: 1\nb: 3\n") == "a: 1\nb: 3\n"
    assert roundtrip.splice(original, "a: 9\nb: 2\n", "a: 9\nb: 3\n") == "a: 9\nb: 3\n"
    assert roundtrip.splice("a:   1\nb: 2\n", "a: 1\nb: 2\n", "a: 1\nb: 3\n") == "a:   1\nb: 3\n"


def test_guess_style_follows_the_biggest_lists() -> None:
    text = "x:\n      - a\n      - b\nupdates:\n- at: 1\n  status: x\n  message: y\n"
    assert roundtrip.guess_style(text) == roundtrip.Style(mapping=2, sequence=2, offset=0)
    assert roundtrip.guess_style("a: 1\n") == roundtrip.DEFAULT_STYLE
