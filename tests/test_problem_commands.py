"""``statusbook problem new | link | update | resolve | action | show | list``: round-trip
safe, validated before writing (links included), refusals as values with their problems.
And ``statusbook init --remove-examples`` takes the example problem records with it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.edit import scaffold
from statusbook.load.records import parse_yaml

from .conftest import DEMO_ROOT
from .problem_fixtures import (
    GATEWAY_INCIDENT,
    KNOWN_ERROR,
    resolved_incident,
    write_incident,
    write_problem,
)

NOW = "2026-11-21T12:00:00Z"


def front_matter(path) -> dict:
    """The front matter as statusbook reads it (timestamps as written, not parsed)."""
    data, _duplicates = parse_yaml(path.read_text().split("---")[1])
    return data


def run(*args: str):
    return CliRunner().invoke(cli, [*args], catch_exceptions=False)


@pytest.fixture
def repo(project):
    write_incident(project, "2026-11-01-gateway-errors.md", GATEWAY_INCIDENT)
    write_incident(
        project,
        "2026-11-15-gateway-errors-again.md",
        resolved_incident("Gateway errors again", "2026-11-15T09:00:00Z", "2026-11-15T09:30:00Z"),
    )
    return project


def problem_file(project, name="PRB-0001-gateway-config-reaches-every-region.md"):
    return project.root / "problems" / name


def test_new_writes_the_next_numbered_record_that_validates(repo):
    result = run(
        "problem", "new", "--title", "Gateway config reaches every region", "--status",
        "known_error", "--workaround", "Retry with backoff.", "--summary", "Requests fail.",
        "-i", "gateway-errors", "-c", "api", "--now", NOW, "--no-prompt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = problem_file(repo)
    assert (
        result.output.splitlines()[0] == "problems/PRB-0001-gateway-config-reaches-every-region.md"
    )
    data = front_matter(path)
    assert data["status"] == "known_error"
    assert data["identified"] == data["opened"] == "2026-11-21T12:00:00Z"
    assert data["incidents"] == ["2026-11-01-gateway-errors"]  # a part of the id was enough
    assert run("validate", "--now", NOW).exit_code == 0
    second = run("problem", "new", "--title", "Another", "--now", NOW, "--no-prompt")
    assert second.exit_code == 0, second.output
    assert (repo.root / "problems" / "PRB-0002-another.md").is_file()


def test_new_refuses_an_unknown_incident_and_writes_nothing(repo):
    result = run(
        "problem", "new", "--title", "X", "-i", "no-such-thing", "--now", NOW, "--no-prompt"
    )
    assert result.exit_code == 1
    assert "no record with id 'no-such-thing'" in result.output
    assert not (repo.root / "problems").exists()


def test_link_appends_to_the_list_and_keeps_every_other_byte(repo):
    original = KNOWN_ERROR.replace("title: Gateway", "# the team's own comment\ntitle: Gateway")
    original = original.replace(
        "owner: Platform team\nsummary", "owner:   Platform team   # spaced\nsummary"
    )
    path = write_problem(repo, "PRB-0001-gateway-config.md", original)
    result = run("problem", "link", "PRB-0001", "gateway-errors-again", "--now", NOW)
    assert result.exit_code == 0, result.output
    after = path.read_text()
    assert after == original.replace(
        "  - 2026-11-01-gateway-errors\n",
        "  - 2026-11-01-gateway-errors\n  - 2026-11-15-gateway-errors-again\n",
    )
    again = run("problem", "link", "prb-1", "gateway-errors-again", "--now", NOW)
    assert again.exit_code == 1 and "already linked" in again.output
    unlinked = run("problem", "link", "1", "gateway-errors-again", "--unlink", "--now", NOW)
    assert unlinked.exit_code == 0, unlinked.output
    assert path.read_text() == original


def test_link_refuses_an_incident_another_problem_holds(repo):
    write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    other = KNOWN_ERROR.replace("incidents:\n  - 2026-11-01-gateway-errors\n", "")
    path = write_problem(repo, "PRB-0002-other.md", other.replace("Gateway config", "Other cause"))
    result = run("problem", "link", "PRB-0002", "2026-11-01-gateway-errors", "--now", NOW)
    assert result.exit_code == 1
    assert "SB805" in result.output and "nothing was written" in result.output
    assert path.read_text() == other.replace("Gateway config", "Other cause")


def test_a_dry_run_prints_the_diff_and_writes_nothing(repo):
    path = write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    result = run("problem", "update", "PRB-0001", "--owner", "SRE", "--dry-run", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "-owner: Platform team\n+owner: SRE\n" in result.output
    assert path.read_text() == KNOWN_ERROR


def test_update_reopens_records_notes_and_hides(repo):
    resolved = KNOWN_ERROR.replace(
        "status: known_error\n", "status: resolved\nresolved: 2026-11-10T10:00:00Z\n"
    ).replace("    status: open\n", "    status: done\n")
    path = write_problem(repo, "PRB-0001-gateway-config.md", resolved)
    result = run(
        "problem", "update", "PRB-0001", "--status", "known_error", "--note",
        "It came back on the 15th.", "--internal-note", "--author", "Sam", "--visibility",
        "internal", "--at", "2026-11-20T08:00:00Z", "--now", NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = front_matter(path)
    assert data["status"] == "known_error" and "resolved" not in data
    assert data["identified"] == "2026-11-02T10:00:00Z"  # kept: the cause is still known
    assert data["visibility"] == "internal"
    assert data["notes"] == [
        {
            "at": "2026-11-20T08:00:00Z",
            "author": "Sam",
            "visibility": "internal",
            "note": "It came back on the 15th.",
        }
    ]


def test_resolve_is_refused_while_an_action_item_is_open_then_succeeds(repo):
    path = write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    refused = run("problem", "resolve", "PRB-0001", "--now", NOW)
    assert refused.exit_code == 1
    assert "SB808" in refused.output and "problems/PRB-0001-gateway-config.md:" in refused.output
    assert path.read_text() == KNOWN_ERROR
    closed = run("problem", "action", "PRB-0001", "--close", "canary", "--now", NOW)
    assert closed.exit_code == 0, closed.output
    done = run(
        "problem", "resolve", "PRB-0001", "-m", "Canary shipped.", "--at", "11:00", "--now", NOW
    )
    assert done.exit_code == 0, done.output
    data = front_matter(path)
    assert (data["status"], data["resolved"]) == ("resolved", "2026-11-21T11:00:00Z")
    assert data["action_items"][0]["status"] == "done"
    assert data["notes"][0]["note"] == "Canary shipped."


def test_action_adds_an_item_in_statusbooks_key_order(repo):
    path = write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    result = run(
        "problem", "action", "PRB-0001", "Roll back on alarms", "--owner", "Jonas",
        "--due", "2027-01-31", "--link", "https://tracker.example/1", "--now", NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert path.read_text().endswith(
        "  - title: Roll back on alarms\n    owner: Jonas\n    status: open\n"
        "    due: 2027-01-31\n    link: https://tracker.example/1\n---\n"
    )
    bad = run("problem", "action", "PRB-0001", "X", "--owner", "Y", "--due", "soon", "--now", NOW)
    assert bad.exit_code == 2 and "--due" in bad.output


def test_an_unknown_problem_is_named_with_the_nearest(repo):
    write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    result = run("problem", "show", "PRB-0009", "--now", NOW)
    assert result.exit_code == 1
    assert "no problem record 'PRB-0009'" in result.output and "Traceback" not in result.output


def test_show_and_list_read_the_internal_snapshot(repo):
    write_problem(repo, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    shown = run("problem", "show", "gateway", "--now", "2026-12-03T09:00:00Z")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "PRB-0001: Gateway config reaches every region at once"
    assert "  owner:      Platform team" in lines
    assert "  2026-11-01-gateway-errors  resolved  Gateway errors" in lines
    assert any(line.endswith("due 2026-12-01 (OVERDUE)") for line in lines)
    public = run("problem", "show", "PRB-0001", "--audience", "public", "--now", NOW)
    assert "owner" not in public.output and "Root cause" not in public.output
    listed = run("problem", "list", "--format", "json", "--now", "2026-12-03T09:00:00Z")
    [row] = json.loads(listed.output)
    assert (row["id"], row["status"], row["open_actions"], row["overdue_actions"]) == (
        "PRB-0001", "known_error", 1, 1,
    )  # fmt: skip
    table = run("problem", "list", "--status", "resolved", "--now", NOW)
    assert table.output.strip() == "No problem records match."


def test_a_broken_problem_record_is_refused_before_any_edit(repo):
    path = write_problem(
        repo,
        "PRB-0001-gateway-config.md",
        KNOWN_ERROR.replace("status: known_error", "status: fixed"),
    )
    before = path.read_bytes()
    result = run("problem", "update", "PRB-0001", "--owner", "SRE", "--now", NOW)
    assert result.exit_code == 1
    assert "already has errors" in result.output and "SB104" in result.output
    assert path.read_bytes() == before


# --- statusbook init --remove-examples -----------------------------------------------------------


def test_the_example_problem_list_names_the_examples_this_repository_ships():
    shipped = sorted(p.stem for p in (DEMO_ROOT / "problems").glob("*.md"))
    assert shipped == sorted(scaffold.EXAMPLE_PROBLEMS)


def test_remove_examples_takes_the_example_problems_and_keeps_a_teams_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "copy"
    (root / "incidents").mkdir(parents=True)
    catalog = (DEMO_ROOT / "statusbook.yml").read_text()
    (root / "statusbook.yml").write_text(catalog + "demo:\n  as_of: 2026-11-21T06:00:00Z\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'statusbook'\n")
    (root / "problems").mkdir()
    for name in scaffold.EXAMPLE_PROBLEMS:
        (root / "problems" / f"{name}.md").write_text("---\ntitle: x\n---\n")
    own = root / "problems" / "PRB-0004-our-own.md"
    own.write_text("---\ntitle: ours\n---\n")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        cli,
        ["init", "--remove-examples", "--no-prompt", "--name", "Acme", "--url",
         "https://status.acme.example", "--component", "api=Public API"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "problems").iterdir()) == ["PRB-0004-our-own.md"]
    assert "problems/PRB-0004-our-own.md" in result.output
