"""`resolved` agrees with the resolving update (SB311): service may recover before the update
saying so is posted (fixed at 12:00, posted at 12:03), never after it. Through the real CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from statusbook.cli import cli

NOW = "2026-11-21T12:00:00Z"
NAME = "2026-11-20-api-errors.md"

RECORD = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-20T14:00:00Z
resolved: {resolved}
components:
  api: major_outage
updates:
  - at: 2026-11-20T14:05:00Z
    status: investigating
    message: We are looking into it.
  - at: 2026-11-20T14:40:00Z
    status: monitoring
    message: A fix is out; we are watching.
  - at: 2026-11-20T15:03:00Z
    status: resolved
    message: Fixed.
---
"""


def run(project, resolved: str, *args: str) -> tuple[int, list[dict]]:
    path = project.write(NAME, RECORD.format(resolved=resolved))
    result = CliRunner().invoke(cli, ["validate", "--format", "json", "--now", NOW, *args])
    assert path.exists()
    return result.exit_code, json.loads(result.output)["problems"]


def test_recovery_before_the_resolving_update_was_posted_is_legitimate(project):
    code, problems = run(project, "2026-11-20T15:00:00Z")
    assert code == 0
    assert problems == []


def test_a_resolution_at_the_resolving_update_is_clean(project):
    assert run(project, "2026-11-20T15:03:00Z") == (0, [])


def test_a_resolution_after_the_resolving_update_is_flagged_at_resolved(project):
    code, problems = run(project, "2026-11-20T15:30:00Z")
    [problem] = problems
    assert problem["code"] == "SB311"
    assert problem["severity"] == "warning"
    assert problem["line"] == 6
    assert "after the resolving update (2026-11-20T15:03:00Z)" in problem["message"]
    assert "at or before 2026-11-20T15:03:00Z" in problem["fix"]
    assert code == 0  # a warning: records in the wild have it, and it flatters nobody
    assert run(project, "2026-11-20T15:30:00Z", "--strict")[0] == 1


def test_a_resolution_before_an_earlier_update_is_still_an_update_after_resolution(project):
    code, problems = run(project, "2026-11-20T14:30:00Z")
    assert code == 1
    assert [(p["code"], p["line"]) for p in problems] == [("SB303", 13)]  # the monitoring update
