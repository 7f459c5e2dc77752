"""``statusbook actions``: every action item of postmortems and problem records, overdue ones
flagged, in four formats; and the plan the overdue workflow carries out on its one issue,
decided from fixtures of what ``gh issue list`` returns (never from GitHub itself)."""

from __future__ import annotations

import csv
import io
import json
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.render.actions import ISSUE_MARKER

from .conftest import REPO_ROOT
from .problem_fixtures import KNOWN_ERROR, resolved_incident, write_incident, write_problem

LATER = "2026-12-03T09:00:00Z"  # the problem's item (due 1 Dec) is 2 days overdue

POSTMORTEM = textwrap.dedent(
    """\
    postmortem:
      published: 2026-11-02T10:00:00Z
      summary: An hour of errors.
      root_cause: A config push.
      action_items:
        - title: Alert on config drift | everywhere
          owner: Identity team
          status: in_progress
          due: 2026-11-15
        - title: Write the runbook
          owner: "@sam"
          status: done
          due: 2026-11-10
    """
)


@pytest.fixture
def repo(project):
    write_incident(
        project,
        "2026-11-01-gateway-errors.md",
        resolved_incident(
            "Gateway errors", "2026-11-01T09:00:00Z", "2026-11-01T10:00:00Z", extra=POSTMORTEM
        ),
    )
    write_problem(project, "PRB-0001-gateway-config.md", KNOWN_ERROR)
    return project


def actions(*args: str, now: str = LATER):
    result = CliRunner().invoke(cli, ["actions", "--now", now, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_item_is_listed_problems_first(repo):
    lines = actions().splitlines()
    assert lines[0].split() == [
        "DUE",
        "OVERDUE",
        "STATUS",
        "OWNER",
        "RECORD",
        "#",
        "ACTION",
        "ITEM",
    ]
    assert [line.split("  ")[0] for line in lines[1:]] == ["2026-12-01", "2026-11-15", "2026-11-10"]
    assert "2 d" in lines[1] and "PRB-0001" in lines[1] and "Canary every config change" in lines[1]
    assert "18 d" in lines[2] and "2026-11-01-gateway-errors" in lines[2]
    assert "done" in lines[3] and lines[3].split("2026-11-10")[1].split()[0] == "done"


def test_filters_overdue_owner_due_before_and_open(repo):
    overdue = actions("--overdue").splitlines()[1:]
    assert len(overdue) == 2
    earlier = actions("--overdue", now="2026-11-21T12:00:00Z").splitlines()[1:]
    assert len(earlier) == 1 and "6 d" in earlier[0]  # only the postmortem's, then
    assert len(actions("--owner", "platform   TEAM").splitlines()) == 2
    before = actions("--due-before", "2026-11-12").splitlines()[1:]
    assert len(before) == 1 and "Write the runbook" in before[0]
    assert "Write the runbook" not in actions("--open")
    assert actions("--owner", "nobody").strip() == "No action items match."


def test_json_and_csv_carry_the_same_fields(repo):
    document = json.loads(actions("--format", "json"))
    assert document["format"] == "statusbook.actions/1" and document["today"] == "2026-12-03"
    first = document["items"][0]
    assert first == {
        "record": "PRB-0001",
        "kind": "problem",
        "record_title": "Gateway config reaches every region at once",
        "path": "problems/PRB-0001-gateway-config.md",
        "number": 1,
        "title": "Canary every config change",
        "owner": "Platform team",
        "status": "open",
        "due": "2026-12-01",
        "link": None,
        "overdue_days": 2,
    }
    rows = list(csv.DictReader(io.StringIO(actions("--format", "csv"))))
    assert [row["overdue_days"] for row in rows] == ["2", "18", ""]
    assert rows[1]["kind"] == "incident" and rows[1]["number"] == "1"


def test_the_issue_body_lists_the_overdue_items_most_overdue_first(repo):
    body = actions("--overdue", "--format", "markdown")
    lines = body.splitlines()
    assert lines[0] == ISSUE_MARKER
    assert lines[1] == "**2 action items are overdue** as of 2026-12-03."
    table = [line for line in lines if line.startswith("| 2026")]
    assert table[0].startswith(
        "| 2026-11-15 | 18 d | Identity team | Alert on config drift \\| everywhere |"
    )
    assert table[1].startswith("| 2026-12-01 | 2 d | Platform team |")


# --- the overdue issue's plan -------------------------------------------------------------------


def plan(repo, issues: list[dict], now: str = LATER) -> dict:
    path = repo.root / "issues.json"
    path.write_text(json.dumps(issues))
    return json.loads(actions("--overdue", "--issue-plan", str(path), now=now))


def test_the_issue_is_created_when_something_is_overdue_and_none_is_open(repo):
    decided = plan(repo, [{"number": 3, "title": "Unrelated", "body": "hello"}])
    assert decided["action"] == "create" and decided["number"] is None
    assert decided["title"] == "Overdue action items"
    assert decided["body"].startswith(ISSUE_MARKER)


def test_the_open_issue_is_edited_when_the_list_changed_and_left_when_not(repo):
    current = plan(repo, [])["body"]
    ours = {"number": 12, "title": "Overdue action items", "body": ISSUE_MARKER + "\nold list"}
    assert plan(repo, [ours]) == {
        "action": "edit",
        "number": 12,
        "title": "Overdue action items",
        "body": current,
    }
    same = dict(ours, body=current)
    assert plan(repo, [same])["action"] == "none"


def test_the_issue_is_closed_when_nothing_is_overdue(repo):
    ours = {"number": 12, "title": "Overdue action items", "body": ISSUE_MARKER + "\nold list"}
    early = "2026-11-10T09:00:00Z"  # nothing is due yet
    assert plan(repo, [ours], now=early) == {
        "action": "close",
        "number": 12,
        "title": "Overdue action items",
        "body": "",
    }
    assert plan(repo, [], now=early)["action"] == "none"


def test_a_demonstration_catalog_plans_nothing(repo):
    catalog = repo.catalog_path
    catalog.write_text(catalog.read_text() + "demo:\n  as_of: 2026-11-21T06:00:00Z\n")
    path = repo.root / "issues.json"
    path.write_text("[]")
    result = CliRunner().invoke(
        cli, ["actions", "--overdue", "--issue-plan", str(path), "--now", LATER]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["action"] == "none"
    assert "demonstration" in result.stderr


def test_a_broken_issue_list_is_a_usage_error(repo):
    path = repo.root / "issues.json"
    path.write_text("{not json")
    result = CliRunner().invoke(cli, ["actions", "--issue-plan", str(path), "--now", LATER])
    assert result.exit_code == 2 and "cannot read the issues" in result.output


def test_a_bad_due_before_is_a_usage_error(repo):
    result = CliRunner().invoke(cli, ["actions", "--due-before", "tomorrow", "--now", LATER])
    assert result.exit_code == 2 and "--due-before" in result.output


# --- the workflow -------------------------------------------------------------------------------


def test_the_overdue_workflow_may_write_issues_only_and_carries_out_the_plan():
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/overdue-actions.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "statusbook actions --overdue --issue-plan" in runs
    for command in ("gh issue create", "gh issue edit", "gh issue close"):
        assert command in runs
    assert "${{" not in runs  # values reach the shell through env only
