"""Self-service reports: issue-form event → draft record, plus the form and workflow that carry it."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner, Result

from statusbook.cli import cli
from statusbook.importers import github_issue as selfservice
from statusbook.load.catalog import load_catalog
from statusbook.model import ComponentStatus, Impact, Kind
from statusbook.timeutil import parse_timestamp

from .conftest import REPO_ROOT, Project

NOW = "2026-11-21T12:00:00Z"
EVENT = REPO_ROOT / "tests" / "fixtures" / "github" / "issue-opened.json"
TEMPLATE = REPO_ROOT / ".github" / "ISSUE_TEMPLATE" / "report-incident.yml"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "self-service-report.yml"


def event() -> dict[str, Any]:
    return json.loads(EVENT.read_text())


def run_event(payload: dict[str, Any], folder: Path, *args: str) -> Result:
    path = folder / "event.json"
    path.write_text(json.dumps(payload))
    return CliRunner().invoke(cli, ["new", "--from-github-event", str(path), "--now", NOW, *args])


# --- the core ----------------------------------------------------------------------------------


def test_parse_form_reads_each_answer_and_drops_empty_ones() -> None:
    answers = selfservice.parse_form(event()["issue"]["body"])
    assert answers == {
        "What are you seeing?": 'Checkout returns "502 Bad Gateway" for every customer in the EU.\n'
        "Retrying does not help.",
        "Affected components": "API, Dashboard, Billing",
        "When did it start?": "11:25",
        "How bad is it?": "Some requests or features fail",
    }


def test_checkbox_answers_are_read_too(project: Project) -> None:
    catalog = load_catalog(project.catalog_path)
    payload = event()
    payload["issue"]["body"] = (
        "### What are you seeing?\n\nSlow.\n\n### Affected components\n\n"
        "- [X] API\n- [ ] Dashboard\n- [x] Database\n"
    )
    draft = selfservice.draft_from_event(payload, catalog, now=parse_timestamp(NOW))
    assert draft.fields["components"] == {
        "api": ComponentStatus.DEGRADED_PERFORMANCE,
        "database": ComponentStatus.DEGRADED_PERFORMANCE,
    }


def test_the_draft_keeps_the_reporters_words_and_notes_what_it_could_not_map(
    project: Project,
) -> None:
    catalog = load_catalog(project.catalog_path)
    draft = selfservice.draft_from_event(event(), catalog, now=parse_timestamp(NOW))
    fields = draft.fields
    assert fields["title"] == "Checkout fails with 502"
    assert (fields["kind"], fields["impact"]) == (Kind.OUTAGE, Impact.MAJOR)
    assert fields["components"] == {
        "api": ComponentStatus.PARTIAL_OUTAGE,
        "dashboard": ComponentStatus.PARTIAL_OUTAGE,
    }
    assert fields["started"] == parse_timestamp("2026-11-21T11:25:00Z")
    update = fields["updates"][0]
    assert update["at"] == parse_timestamp("2026-11-21T11:40:12Z")
    assert update["author"] == "mona"
    assert update["message"].startswith('Checkout returns "502 Bad Gateway"')
    assert "Also reported as affected: Billing." in draft.body
    assert "issue #42 (https://github.com/lumen-cloud/status/issues/42)" in draft.body
    assert draft.notes == ("not in the catalog, kept in the body: Billing",)


def test_a_time_of_day_is_read_in_the_given_zone(project: Project) -> None:
    catalog = load_catalog(project.catalog_path)
    draft = selfservice.draft_from_event(
        event(), catalog, now=parse_timestamp(NOW), zone=ZoneInfo("Asia/Jakarta")
    )
    # 11:25 in Jakarta, before the 18:40 local report time, is 04:25 UTC.
    assert draft.fields["started"] == parse_timestamp("2026-11-21T04:25:00Z")


def test_an_unreadable_start_time_falls_back_to_the_report_time(project: Project) -> None:
    catalog = load_catalog(project.catalog_path)
    payload = event()
    payload["issue"]["body"] = payload["issue"]["body"].replace("11:25", "this morning")
    draft = selfservice.draft_from_event(payload, catalog, now=parse_timestamp(NOW))
    assert draft.fields["started"] == parse_timestamp("2026-11-21T11:40:12Z")
    assert "Reported start time: this morning" in draft.body
    assert any("could not read the start time 'this morning'" in note for note in draft.notes)


def test_a_payload_that_is_not_an_issue_is_refused(project: Project) -> None:
    catalog = load_catalog(project.catalog_path)
    with pytest.raises(selfservice.SelfServiceError, match="no 'issue'"):
        selfservice.draft_from_event({"action": "push"}, catalog, now=parse_timestamp(NOW))
    empty = copy.deepcopy(event())
    empty["issue"]["body"] = None
    with pytest.raises(selfservice.SelfServiceError, match="no text"):
        selfservice.draft_from_event(empty, catalog, now=parse_timestamp(NOW))


# --- through the CLI ---------------------------------------------------------------------------


def test_new_from_github_event_writes_a_valid_draft_and_prints_its_path(
    project: Project,
) -> None:
    result = CliRunner().invoke(cli, ["new", "--from-github-event", str(EVENT), "--now", NOW])
    assert result.exit_code == 0, result.output
    assert result.stdout == "incidents/2026/2026-11-21-checkout-fails-with-502.md\n"
    assert "note: not in the catalog, kept in the body: Billing" in result.stderr
    text = (project.root / result.stdout.strip()).read_text()
    assert text == (
        "---\n"
        "title: Checkout fails with 502\n"
        "kind: outage\n"
        "impact: major\n"
        "started: 2026-11-21T11:25:00Z\n"
        "components:\n"
        "  api: partial_outage\n"
        "  dashboard: partial_outage\n"
        "updates:\n"
        "  - at: 2026-11-21T11:40:12Z\n"
        "    status: investigating\n"
        "    author: mona\n"
        "    message: |\n"
        '      Checkout returns "502 Bad Gateway" for every customer in the EU.\n'
        "      Retrying does not help.\n"
        "x-report:\n"
        "  issue: 42\n"
        "  url: https://github.com/lumen-cloud/status/issues/42\n"
        "  reporter: mona\n"
        "---\n"
        "Reported by @mona in issue #42 (https://github.com/lumen-cloud/status/issues/42).\n"
        "\n"
        "Also reported as affected: Billing.\n"
    )
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0


def test_bad_event_files_give_messages_not_tracebacks(project: Project, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    result = CliRunner().invoke(cli, ["new", "--from-github-event", str(broken), "--now", NOW])
    assert result.exit_code == 2
    assert "cannot read the event payload" in result.output
    result = run_event({"action": "opened"}, tmp_path)
    assert result.exit_code == 1
    assert "is it an 'issues' event payload?" in result.output
    assert "Traceback" not in result.output


def test_a_start_after_the_report_falls_back_to_the_report_time(
    project: Project, tmp_path: Path
) -> None:
    payload = event()
    payload["issue"]["body"] = payload["issue"]["body"].replace("11:25", "2026-11-21 11:59 UTC")
    payload["issue"]["created_at"] = "2026-11-21T11:50:00Z"
    result = run_event(payload, tmp_path)
    assert result.exit_code == 0, result.output
    assert "after the report; used the time of the report" in result.stderr


# --- the issue form and the workflow -----------------------------------------------------------


def test_the_issue_form_asks_what_the_parser_reads() -> None:
    form = yaml.safe_load(TEMPLATE.read_text())
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    labels = {item["attributes"]["label"] for item in fields.values()}
    assert labels == {
        selfservice.SYMPTOMS_LABEL,
        selfservice.COMPONENTS_LABEL,
        selfservice.STARTED_LABEL,
        selfservice.SEVERITY_LABEL,
        selfservice.DETAILS_LABEL,
    }
    assert selfservice.REPORT_LABEL in form["labels"]
    assert form["title"] == selfservice.TITLE_PREFIX
    severity = fields["severity"]["attributes"]["options"]
    assert severity == [*selfservice.SEVERITIES, selfservice.NOT_SURE]


def test_the_workflow_is_pinned_least_privileged_and_never_shells_issue_text() -> None:
    text = WORKFLOW.read_text()
    workflow = yaml.safe_load(text)
    trigger = workflow.get("on", workflow.get(True))
    assert trigger == {"issues": {"types": ["opened"]}}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert selfservice.REPORT_LABEL in job["if"]
    uses = [step["uses"] for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use) for use in uses)
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'statusbook new --from-github-event "$GITHUB_EVENT_PATH"' in runs
    assert "github.event.issue.title" not in runs and "github.event.issue.body" not in runs
    checkout = next(step for step in job["steps"] if "actions/checkout" in step.get("uses", ""))
    assert checkout["with"]["persist-credentials"] is False


# --- whatever anyone types into the form -------------------------------------------------------


def test_control_characters_from_the_form_never_reach_the_draft(
    project: Project, tmp_path: Path
) -> None:
    payload = event()
    payload["issue"]["title"] = "[Incident]: Checkout\x07 fails\nwith 502"
    payload["issue"]["body"] = payload["issue"]["body"].replace("Retrying", "Retrying\x1b[2J\x00")
    result = run_event(payload, tmp_path)
    assert result.exit_code == 0, result.output
    assert "note: removed control characters" in result.stderr
    text = (project.root / result.stdout.strip()).read_text()
    assert "title: Checkout fails with 502\n" in text
    assert "\\e" not in text and "\\0" not in text and "\x1b" not in text
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0


@pytest.mark.parametrize(
    "started", ["0001-01-01T00:00:00+01:00", "-99999999w", "1999-12-31T23:00:00Z", "9999-01-01"]
)
def test_a_start_time_out_of_range_falls_back_to_the_report_time(
    project: Project, tmp_path: Path, started: str
) -> None:
    payload = event()
    payload["issue"]["body"] = payload["issue"]["body"].replace("11:25", started)
    result = run_event(payload, tmp_path)
    assert result.exit_code == 0, result.output
    assert "could not read the start time" in result.stderr
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ["a", ["b"]], "number": {"n": 1}, "html_url": 5, "user": {"login": 7}},
        {"title": 404, "created_at": "0001-01-01T00:00:00+01:00"},
    ],
)
def test_fields_of_the_wrong_type_in_the_event_give_a_draft_not_a_traceback(
    project: Project, tmp_path: Path, changes: dict[str, Any]
) -> None:
    payload = event()
    payload["issue"].update(changes)
    result = run_event(payload, tmp_path)
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0
