"""Never lose what was typed, and say what was meant: the record commands at 3 a.m.

Interactive answers are checked as they are typed and asked again; a refusal at the end
keeps the text; unknown ids, components and statuses get the nearest match; only the
statuses that fit the record's kind are offered; times that cannot be meant are refused;
and a hand-broken record is reported in the validator's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli
from statusbook.edit.when import WhenError, parse_when
from statusbook.edit.when import zone_named as zone

from .conftest import NOW, Project
from .samples import DATABASE_WINDOW, OPEN_INCIDENT, RESOLVED_INCIDENT

AT = "2026-11-21T12:00:00Z"

CHECKOUT = OPEN_INCIDENT.replace("title: API errors", "title: Checkout errors")
STORAGE_OUTAGE = OPEN_INCIDENT.replace("title: API errors", "title: Storage outage")
STORAGE_WINDOW = DATABASE_WINDOW.replace("title: Database upgrade", "title: Storage migration")
WITH_ACTIONS = (
    RESOLVED_INCIDENT.removesuffix("---\n")
    + """\
postmortem:
  summary: An hour of slow pages.
  root_cause: A missing index.
  action_items:
    - title: Add the index back
      owner: Web team
      status: done
    - title: Alert on slow queries
      owner: Web team
      status: open
---
"""
)


def invoke(*args: str, input: str | None = None, now: str = AT) -> Result:
    return CliRunner().invoke(cli, [*args, "--now", now], input=input)


@pytest.fixture
def records(project: Project) -> Project:
    project.write("2026-11-21-checkout-errors.md", CHECKOUT)
    project.write("2026-11-20-storage-outage.md", STORAGE_OUTAGE)
    project.write("2026-11-22-storage-migration.md", STORAGE_WINDOW)
    project.write("2026-10-01-slow-dashboard.md", WITH_ACTIONS)
    return project


def created(project: Project) -> list[Path]:
    return sorted((project.records / "2026").glob("*sign-in*.md"))


# --- never lose what was typed ---------------------------------------------------------------


def test_new_asks_again_for_a_misspelt_component_and_keeps_every_answer(
    records: Project,
) -> None:
    answers = [
        "Sign-in failures",  # title
        "",  # kind: outage
        "major",  # impact
        "apii=major_outage",  # a typo: asked again, with the nearest id
        "api=major_outage",
        "Dana",  # manager
        "We are investigating failed sign-ins.",
    ]
    result = invoke("new", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'apii' is not in the catalog; did you mean 'api'?; try again." in result.output
    [path] = created(records)
    text = path.read_text()
    assert "title: Sign-in failures" in text and "api: major_outage" in text
    assert "message: We are investigating failed sign-ins." in text


def test_a_status_that_does_not_fit_is_asked_again_too(records: Project) -> None:
    answers = ["Sign-in failures", "", "", "api=operational", "api", "", "Looking."]
    result = invoke("new", "--prompt", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "'operational' is not a status here" in result.output
    assert "api: degraded_performance" in created(records)[0].read_text()  # minor impact


def test_a_refusal_at_the_end_keeps_what_was_typed(records: Project) -> None:
    """The validator refuses the record (it starts after its first update): the title and
    the customer message typed at the prompts are saved, not thrown away."""
    answers = ["Sign-in failures", "", "", "api", "", "A long, careful message for customers."]
    result = invoke(
        "new", "--prompt", "--started", "11:00", "--at", "10:00", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 1
    assert "SB205" in result.output
    assert created(records) == []
    saved = Path(result.output.split("what you typed is saved in ")[1].split()[0])
    try:
        kept = saved.read_text()
        assert "Sign-in failures" in kept
        assert "A long, careful message for customers." in kept
    finally:
        saved.unlink()


def test_options_are_checked_before_anything_is_asked(records: Project) -> None:
    """A wrong flag is reported before the first question, not after the last answer."""
    for wrong in (["--at", "soon"], ["-c", "apii"]):
        result = invoke("new", "--prompt", *wrong, input="Typed for nothing\n")
        assert result.exit_code == 2, result.output
        assert "Title:" not in result.output


def test_a_typo_in_the_record_is_reported_before_the_message_is_asked(records: Project) -> None:
    result = invoke("update", "chekout", "--prompt", input="update\nA careful message.\n")
    assert result.exit_code == 1
    assert "Update for customers" not in result.output
    assert "did you mean 2026-11-21-checkout-errors?" in result.output


# --- say what was meant ---------------------------------------------------------------------------


def test_unknown_components_and_ids_get_the_nearest(records: Project) -> None:
    listed = invoke("list", "--component", "apii")
    assert listed.exit_code == 2
    assert "'apii' is not in the catalog; did you mean 'api'?" in listed.output
    assert "No records match" not in listed.output
    assert invoke("list", "--component", "API").exit_code == 0  # a component's name works
    for command in (["update", "chekout", "-m", "x"], ["show", "chekout"]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert "no record with id 'chekout'" in result.output
        assert "did you mean 2026-11-21-checkout-errors?" in result.output


def test_new_refuses_a_component_status_an_incident_cannot_have(records: Project) -> None:
    for status, reason in (
        ("operational", "operational means no impact"),
        ("under_maintenance", "scheduled with statusbook maintenance new"),
    ):
        result = invoke(
            "new",
            "--title",
            "x",
            "--kind",
            "bug",
            "--impact",
            "minor",
            "-c",
            f"api={status}",
            "-m",
            "x",
        )
        assert result.exit_code == 2
        assert f"Invalid value for '-c' / '--component': 'api={status}': " in result.output
        assert reason in result.output
    assert created(records) == []


def test_update_offers_only_the_statuses_of_the_records_kind(records: Project) -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["update", "--help"]).output.split())
    assert "For an incident: investigating, identified, monitoring, update;" in help_text
    assert "for maintenance: scheduled, verifying, update." in help_text
    wrong = invoke("update", "storage-migration", "--status", "investigating", "-m", "x")
    assert wrong.exit_code == 2
    assert "'investigating' is not a status for updates on this maintenance record" in (
        wrong.output
    )
    assert "use scheduled, verifying, update" in wrong.output
    typo = invoke("update", "checkout", "--status", "identifed", "-m", "x")
    assert "did you mean 'identified'?" in typo.output
    asked = invoke("update", "storage-migration", "--prompt", input="\nMoved to 03:00.\n")
    assert asked.exit_code == 0, asked.output
    assert "Status (scheduled, verifying, update) [update]:" in asked.output


def test_maintenance_commands_match_only_maintenance_records(records: Project) -> None:
    """'storage' is part of an outage's id and of a window's: the window is meant."""
    result = invoke("maintenance", "start", "storage", now="2026-11-22T02:01:00Z")
    assert result.exit_code == 0, result.output
    assert "Started incidents/2026/2026-11-22-storage-migration.md" in result.output
    resolved = invoke("resolve", "storage")
    assert resolved.exit_code == 0, resolved.output
    assert "Resolved incidents/2026/2026-11-20-storage-outage.md" in resolved.output


def test_closing_an_action_item_names_it(records: Project) -> None:
    result = invoke("action", "slow-dashboard", "--close", "alert")
    assert result.exit_code == 0, result.output
    assert "action item 2 'Alert on slow queries' is done" in result.output
    again = invoke("action", "slow-dashboard", "--close", "index")
    assert again.exit_code == 1
    assert "action item 1 'Add the index back' is already done" in again.output


def test_a_dry_run_states_the_time_in_utc_and_locally(records: Project) -> None:
    result = invoke(
        "update", "checkout", "-m", "x", "--at", "18:05", "--tz", "Asia/Jakarta", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "+  - at: 2026-11-21T11:05:00Z" in result.stdout
    assert (
        "Updated incidents/2026/2026-11-21-checkout-errors.md (dry run, not written): update at "
        "2026-11-21T11:05:00Z (2026-11-21 18:05 Asia/Jakarta, UTC+07:00)"
    ) in result.stderr
    opened = invoke(
        "new",
        "--title",
        "x",
        "--kind",
        "bug",
        "--impact",
        "minor",
        "-m",
        "x",
        "--dry-run",
        "--tz",
        "Asia/Jakarta",
    )
    assert "Would open 2026-11-21-x: bug, impact" in opened.stderr
    assert "(2026-11-21 19:00 Asia/Jakarta, UTC+07:00)" in opened.stderr


def test_a_time_of_day_just_ahead_is_refused_not_read_as_yesterday(records: Project) -> None:
    at_0637 = "2026-11-21T06:37:00Z"
    result = invoke("update", "checkout", "-m", "x", "--at", "06:50", now=at_0637)
    assert result.exit_code == 2
    assert "'06:50' is 13 min from now (06:37 UTC), and an update cannot be in the future" in (
        result.output
    )
    assert "give the date: 2026-11-20T06:50" in result.output
    now = NOW.replace(hour=0, minute=10)
    assert parse_when("23:50", now=now, zone=zone("UTC")).day == 20  # still yesterday's
    with pytest.raises(WhenError):
        parse_when("01:00", now=now, zone=zone("UTC"))
    # Within the clock-drift tolerance it is today's.
    assert parse_when("00:14", now=now, zone=zone("UTC")).day == 21


@pytest.mark.parametrize(
    "front",
    [
        "title: API errors\ntitle: again\n",  # a repeated key: ruamel's own error text differs
        "title: [API errors\n",  # not YAML at all
    ],
)
def test_editing_a_broken_record_reports_what_validate_reports(
    project: Project, front: str
) -> None:
    text = OPEN_INCIDENT.replace("title: API errors\n", front)
    path = project.write("2026-11-21-api-errors.md", text)
    validated = invoke("validate")
    problems = [line for line in validated.output.splitlines() if " error SB" in line]
    assert problems, validated.output
    result = invoke("update", "api-errors", "-m", "Progress.")
    assert result.exit_code == 1
    for line in problems:
        assert line in result.stderr
    assert "cannot be edited until it is fixed; nothing was written" in result.output
    for raw in ("ruamel", "<unicode string>", "the YAML cannot be edited", "found duplicate key"):
        assert raw not in result.output
    assert path.read_text() == text
