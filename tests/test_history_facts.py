"""The history guard keeps a published record's facts: the times that bound its downtime, its
kind, title, impact and components, a published postmortem and the body's published text.
Each changes only with a new correction; ordinary work (resolving, reopening, escalating,
writing more) stays free. Through `statusbook validate --base` in a real git repository."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import GitRepo, Project

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOW = "2026-11-21T12:00:00Z"
INCIDENT = "2026-09-02-eu-outage.md"
WINDOW = "2026-11-20-database-upgrade.md"
UPCOMING = "2026-11-25-network-upgrade.md"

#: 59 min 30 s of major outage on the API, published with a postmortem.
PUBLISHED = """\
---
title: EU region outage
kind: outage
impact: critical
started: 2026-09-02T13:48:00Z
resolved: 2026-09-02T14:47:30Z
components:
  api: major_outage
  dashboard: partial_outage
updates:
  - at: 2026-09-02T13:56:00Z
    status: investigating
    message: The EU region is unreachable.
  - at: 2026-09-02T14:47:30Z
    status: resolved
    message: The EU region is back.
postmortem:
  published: 2026-09-05T10:00:00Z
  summary: For an hour the EU region was down.
  root_cause: A network change removed the region's routes.
  action_items:
    - title: Review network changes
      owner: Network team
      status: open
---
A network change removed the routes to the EU region.

We restored them by hand.
"""

#: A window that ran yesterday: started and completed are recorded.
RAN = """\
---
title: Database upgrade
kind: maintenance
scheduled_start: 2026-11-20T02:00:00Z
scheduled_end: 2026-11-20T04:00:00Z
started: 2026-11-20T02:05:00Z
completed: 2026-11-20T03:40:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-11-18T09:00:00Z
    status: scheduled
    message: We will upgrade the database.
  - at: 2026-11-20T02:05:00Z
    status: in_progress
    message: The upgrade has begun.
  - at: 2026-11-20T03:40:00Z
    status: completed
    message: The upgrade is done.
---
"""

#: A window still to come.
PLANNED = """\
---
title: Network upgrade
kind: maintenance
scheduled_start: 2026-11-25T02:00:00Z
scheduled_end: 2026-11-25T03:00:00Z
components:
  api: under_maintenance
updates:
  - at: 2026-11-19T09:00:00Z
    status: scheduled
    message: We will upgrade the network.
---
"""


class Repo(GitRepo):
    def __init__(self, project: Project) -> None:
        super().__init__(project.root)
        self.project = project

    def path(self, name: str = INCIDENT) -> Path:
        return self.project.records / name[:4] / name

    def read(self, name: str = INCIDENT) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def edit(self, old: str, new: str, name: str = INCIDENT) -> None:
        text = self.read(name)
        assert old in text, old
        self.path(name).write_text(text.replace(old, new, 1), encoding="utf-8")

    def line_of(self, text: str, name: str = INCIDENT) -> int:
        lines = self.read(name).splitlines()
        return next(number for number, line in enumerate(lines, 1) if text in line)

    def correct(self, note: str = "Corrected a published fact.", name: str = INCIDENT) -> None:
        text = self.read(name)
        head, _, body = text.partition("\n---\n")
        self.path(name).write_text(
            f"{head}\ncorrections:\n  - at: {NOW}\n    note: {note}\n---\n{body}", encoding="utf-8"
        )


@pytest.fixture
def repo(project: Project) -> Repo:
    project.write(INCIDENT, PUBLISHED)
    project.write(WINDOW, RAN)
    project.write(UPCOMING, PLANNED)
    repo = Repo(project)
    repo.commit("publish")
    return repo


def check(*args: str) -> Result:
    return CliRunner().invoke(
        cli, ["validate", "--now", NOW, "--format", "json", "--base", "main", *args]
    )


def problems(result: Result) -> list[dict]:
    return json.loads(result.output)["problems"]


def codes(result: Result) -> list[str]:
    return [problem["code"] for problem in problems(result)]


def only(result: Result, code: str) -> dict:
    [problem] = [p for p in problems(result) if p["code"] == code]
    return problem


# --- the times that bound the downtime ----------------------------------------------------------


def test_cutting_the_published_downtime_by_moving_started_later_is_reported(repo):
    # 13:48 → 14:25: the September outage would shrink from 59 min 30 s to 22 min 30 s.
    repo.edit("started: 2026-09-02T13:48:00Z", "started: 2026-09-02T13:55:00Z")
    repo.edit("2026-09-02T14:47:30Z\ncomponents", "2026-09-02T14:17:30Z\ncomponents")
    repo.edit("  - at: 2026-09-02T14:47:30Z", "  - at: 2026-09-02T14:17:30Z")
    repo.correct()
    assert check().exit_code == 0  # openly corrected: fine
    repo.path().write_text(PUBLISHED, encoding="utf-8")
    repo.edit("started: 2026-09-02T13:48:00Z", "started: 2026-09-02T14:25:00Z")
    result = check()
    assert result.exit_code == 1
    problem = only(result, "SB708")
    assert problem["line"] == repo.line_of("started: 2026-09-02T14:25:00Z")
    assert "2026-09-02T13:48:00Z" in problem["message"]
    assert "corrections" in problem["fix"]


def test_moving_started_earlier_is_a_change_too(repo):
    repo.edit("started: 2026-09-02T13:48:00Z", "started: 2026-09-02T13:30:00Z")
    assert "SB708" in codes(check())


def test_adding_a_start_to_a_record_that_took_its_first_update_is_a_change(repo):
    repo.edit("started: 2026-09-02T13:48:00Z\n", "")
    repo.commit("published without started: it began at the first update, 13:56")
    repo.edit("impact: critical\n", "impact: critical\nstarted: 2026-09-02T13:40:00Z\n")
    assert codes(check()) == ["SB708"]


def test_an_earlier_resolution_is_reported_at_its_line(repo):
    repo.edit("resolved: 2026-09-02T14:47:30Z", "resolved: 2026-09-02T14:10:30Z")
    result = check()
    problem = only(result, "SB709")
    assert problem["line"] == repo.line_of("resolved: 2026-09-02T14:10:30Z")
    assert "2026-09-02T14:47:30Z" in problem["message"]


def test_removing_the_resolution_without_reopening_is_reported(repo):
    repo.edit("resolved: 2026-09-02T14:47:30Z\n", "")
    result = check()
    problem = only(result, "SB709")
    assert "removed" in problem["message"]
    assert "reopen" in problem["fix"]


def test_reopening_removes_the_resolution_freely(repo):
    repo.edit("resolved: 2026-09-02T14:47:30Z\n", "")
    repo.edit(
        "    message: The EU region is back.\n",
        "    message: The EU region is back.\n  - at: 2026-09-02T15:10:00Z\n"
        "    status: investigating\n    message: The region is failing again.\n",
    )
    result = check()
    assert result.exit_code == 0, result.output


def test_reopened_and_resolved_again_later_is_free_but_not_earlier(repo):
    reopened = (
        "  - at: 2026-09-02T15:10:00Z\n    status: investigating\n"
        "    message: The region is failing again.\n"
        "  - at: 2026-09-02T15:40:00Z\n    status: resolved\n    message: Back again.\n"
    )
    repo.edit(
        "    message: The EU region is back.\n", "    message: The EU region is back.\n" + reopened
    )
    repo.edit("resolved: 2026-09-02T14:47:30Z", "resolved: 2026-09-02T15:40:00Z")
    assert check().exit_code == 0, check().output
    repo.edit("resolved: 2026-09-02T15:40:00Z", "resolved: 2026-09-02T14:20:00Z")
    assert "SB709" in codes(check())


def test_resolving_an_open_incident_is_free(project):
    project.write(
        INCIDENT,
        PUBLISHED.replace("resolved: 2026-09-02T14:47:30Z\n", "").replace(
            "  - at: 2026-09-02T14:47:30Z\n    status: resolved\n    message: The EU region is back.\n",
            "",
        ),
    )
    repo = Repo(project)
    repo.commit("open")
    repo.edit("impact: critical\n", "impact: critical\nresolved: 2026-09-02T14:47:30Z\n")
    repo.edit(
        "postmortem:",
        "  - at: 2026-09-02T14:47:30Z\n    status: resolved\n    message: Back.\npostmortem:",
    )
    result = check()
    assert result.exit_code == 0, result.output


# --- severity: never lowered, freely raised -------------------------------------------------------


def test_a_lowered_impact_is_reported_and_a_raised_one_is_free(repo):
    repo.edit("impact: critical", "impact: minor")
    problem = only(check(), "SB710")
    assert "'critical' was lowered to 'minor'" in problem["message"]
    assert problem["line"] == repo.line_of("impact: minor")
    repo.path().write_text(PUBLISHED, encoding="utf-8")
    repo.edit("impact: critical", "impact: major")
    repo.commit("published as major")
    repo.edit("impact: major", "impact: critical")
    assert check().exit_code == 0


def test_a_removed_component_is_reported(repo):
    repo.edit("  dashboard: partial_outage\n", "")
    problem = only(check(), "SB711")
    assert "'dashboard' (partial_outage) was removed" in problem["message"]


def test_a_lowered_component_status_is_reported_at_its_line(repo):
    repo.edit("  api: major_outage", "  api: degraded_performance")
    problem = only(check(), "SB711")
    assert "from major_outage to degraded_performance" in problem["message"]
    assert problem["line"] == repo.line_of("  api: degraded_performance")


def test_adding_a_component_or_raising_a_status_is_free(repo):
    repo.edit(
        "  dashboard: partial_outage", "  dashboard: major_outage\n  database: partial_outage"
    )
    result = check()
    assert result.exit_code == 0, result.output


# --- what customers read ------------------------------------------------------------------------


def test_a_changed_kind_is_reported_and_maintenance_is_named(repo):
    repo.edit("kind: outage", "kind: degradation")
    assert codes(check()) == ["SB712"]
    repo.edit("kind: degradation", "kind: third-party")
    assert "SLA" not in only(check(), "SB712")["message"]


def test_a_changed_title_is_reported(repo):
    repo.edit("title: EU region outage", "title: EU region slowness")
    problem = only(check(), "SB713")
    assert "'EU region outage' was changed to 'EU region slowness'" in problem["message"]
    assert problem["line"] == 2


def test_rewriting_a_published_postmortem_is_reported(repo):
    repo.edit("For an hour the EU region was down.", "Briefly, the EU region was slow.")
    problem = only(check(), "SB714")
    assert "summary was rewritten" in problem["message"]
    assert problem["line"] == repo.line_of("Briefly, the EU region was slow.")


def test_deleting_or_unpublishing_a_published_postmortem_is_reported(repo):
    repo.edit("  published: 2026-09-05T10:00:00Z\n", "")
    assert "unpublished" in only(check(), "SB714")["message"]
    text = repo.read()
    start, end = text.index("postmortem:"), text.index("---\nA network")
    repo.path().write_text(text[:start] + text[end:], encoding="utf-8")
    assert "deleted" in only(check(), "SB714")["message"]


def test_a_published_postmortem_may_grow_and_its_action_items_move(repo):
    repo.edit(
        "A network change removed the region's routes.",
        "A network change removed the region's routes. No canary caught it.",
    )
    repo.edit("      status: open", "      status: done")
    repo.edit(
        "      status: done\n",
        "      status: done\n    - title: Canary network changes\n      owner: Network team\n",
    )
    result = check()
    assert result.exit_code == 0, result.output


def test_a_draft_postmortem_is_edited_freely(repo):
    repo.edit("  published: 2026-09-05T10:00:00Z\n", "")
    repo.commit("postmortem not published yet")
    repo.edit("For an hour the EU region was down.", "For 59 minutes the EU region was down.")
    assert check().exit_code == 0


def test_rewriting_the_published_body_is_reported_at_the_body(repo):
    repo.edit("We restored them by hand.", "We restored them.")
    problem = only(check(), "SB715")
    assert problem["line"] == repo.line_of("A network change removed the routes")
    assert "'them by hand.' became 'them.'" in problem["message"]


def test_inserting_a_word_into_the_published_body_is_a_rewrite(repo):
    repo.edit("removed the routes", "did not remove the routes")
    assert codes(check()) == ["SB715"]


def test_the_body_may_grow_at_the_end_and_be_rewrapped(repo):
    repo.edit(
        "A network change removed the routes to the EU region.",
        "A network change removed\nthe routes to the EU region.",
    )
    repo.edit("We restored them by hand.", "We restored them by hand.\n\n## Postmortem\n\nMore.")
    result = check()
    assert result.exit_code == 0, result.output


def test_one_new_correction_allows_every_fact_to_change(repo):
    repo.edit("title: EU region outage", "title: EU region network outage")
    repo.edit("impact: critical", "impact: major")
    repo.edit("  dashboard: partial_outage\n", "")
    repo.edit("We restored them by hand.", "We restored them with a script.")
    repo.edit("For an hour the EU region was down.", "For 59 minutes the EU region was down.")
    assert sorted(codes(check())) == ["SB710", "SB711", "SB713", "SB714", "SB715"]
    repo.correct("Retitled; the dashboard was not affected; the impact was major.")
    result = check()
    assert result.exit_code == 0, result.output


def test_allow_history_rewrite_allows_fact_changes(repo):
    repo.edit("kind: outage", "kind: maintenance")
    assert "planned maintenance leaves the SLA" in only(check(), "SB712")["message"]
    assert "SB712" not in codes(check("--allow-history-rewrite"))


# --- maintenance windows ---------------------------------------------------------------------------


def test_a_recorded_window_end_or_start_is_history(repo):
    repo.edit("completed: 2026-11-20T03:40:00Z", "completed: 2026-11-20T02:40:00Z", WINDOW)
    repo.edit("started: 2026-11-20T02:05:00Z", "started: 2026-11-20T02:15:00Z", WINDOW)
    assert sorted(codes(check())) == ["SB708", "SB709"]


def test_the_schedule_of_a_window_that_has_begun_is_history(repo):
    repo.edit("scheduled_end: 2026-11-20T04:00:00Z", "scheduled_end: 2026-11-20T06:00:00Z", WINDOW)
    problem = only(check(), "SB709")
    assert "scheduled_end" in problem["message"]
    assert problem["file"] == f"incidents/2026/{WINDOW}"


def test_a_window_still_to_come_may_be_rescheduled_and_cancelled(repo):
    repo.edit(
        "scheduled_start: 2026-11-25T02:00:00Z", "scheduled_start: 2026-11-26T02:00:00Z", UPCOMING
    )
    repo.edit(
        "scheduled_end: 2026-11-25T03:00:00Z", "scheduled_end: 2026-11-26T03:00:00Z", UPCOMING
    )
    assert check().exit_code == 0, check().output
    repo.edit(
        "components:\n",
        "state: cancelled\ncomponents:\n",
        UPCOMING,
    )
    repo.edit(
        "    message: We will upgrade the network.\n",
        "    message: We will upgrade the network.\n  - at: 2026-11-21T11:00:00Z\n"
        "    status: cancelled\n    message: Called off.\n",
        UPCOMING,
    )
    result = check()
    assert result.exit_code == 0, result.output


def test_withdrawing_a_published_cancellation_is_reported(repo):
    repo.edit("components:\n", "state: cancelled\ncomponents:\n", UPCOMING)
    repo.edit(
        "    message: We will upgrade the network.\n",
        "    message: We will upgrade the network.\n  - at: 2026-11-21T11:00:00Z\n"
        "    status: cancelled\n    message: Called off.\n",
        UPCOMING,
    )
    repo.commit("cancelled")
    repo.edit("state: cancelled\n", "", UPCOMING)
    assert "SB709" in codes(check())
