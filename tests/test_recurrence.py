"""Recurrence on fixtures where the right answer is known: ``statusbook problems report``
(incidents, downtime, MTBF, last occurrence, quarters, trend per problem and component),
``statusbook problems suggest`` (which unlinked incident looks like which problem), and
``statusbook sla --metrics``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.derive.recurrence import Trend, trend

from .problem_fixtures import resolved_incident, write_incident, write_problem

NOW = "2026-11-21T12:00:00Z"

POOL = "Connections to the database pool were exhausted and requests timed out."
PROBLEM = """\
---
title: Database connection pool exhausted under load
status: known_error
opened: 2026-02-10T12:00:00Z
identified: 2026-02-11T12:00:00Z
summary: Requests time out when the connection pool is exhausted.
workaround: Retry after a few seconds.
root_cause: The pool size is fixed while traffic grows.
components: [database]
incidents:
  - 2026-02-10-pool-exhausted
  - 2026-05-10-pool-exhausted-again
  - 2026-08-10-pool-timeouts
---
"""


@pytest.fixture
def repo(project):
    linked = [
        ("2026-02-10-pool-exhausted", "Database pool exhausted", "2026-02-10T10:00:00Z", "2026-02-10T11:00:00Z"),
        ("2026-05-10-pool-exhausted-again", "Database pool exhausted again", "2026-05-10T10:00:00Z", "2026-05-10T12:00:00Z"),
        ("2026-08-10-pool-timeouts", "Database timeouts", "2026-08-10T10:00:00Z", "2026-08-10T10:30:00Z"),
    ]  # fmt: skip
    for name, title, started, resolved in linked:
        text = resolved_incident(title, started, resolved, component="database", message=POOL)
        write_incident(project, f"{name}.md", text)
    candidates = {
        # the same problem, not linked yet: same component, same words, in the period
        "2026-10-01-database-requests-timing-out": (
            "Database requests timing out", "2026-10-01T10:00:00Z", "database",
            "The connection pool is exhausted; requests time out.",
        ),
        # the same words on another component: a weaker likeness
        "2026-10-02-api-pool-exhausted": (
            "API connection pool exhausted", "2026-10-02T10:00:00Z", "api",
            "The connection pool is exhausted; requests time out.",
        ),
        # the same component, nothing else in common
        "2026-10-03-database-certificate": (
            "Database certificate expired", "2026-10-03T10:00:00Z", "database",
            "An expired TLS certificate broke replication.",
        ),
        # a look-alike from long before: outside the period
        "2024-11-01-old-pool-exhaustion": (
            "Database pool exhausted", "2024-11-01T10:00:00Z", "database", POOL,
        ),
        # nothing in common
        "2026-10-04-dashboard-colours": (
            "Dashboard shows wrong colours", "2026-10-04T10:00:00Z", "dashboard",
            "A stylesheet regression.",
        ),
    }  # fmt: skip
    for name, (title, started, component, message) in candidates.items():
        ended = started.replace("T10:00", "T10:20")
        text = resolved_incident(title, started, ended, component=component, message=message)
        write_incident(project, f"{name}.md", text)
    write_problem(project, "PRB-0001-database-pool.md", PROBLEM)
    return project


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--now", NOW])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_report_counts_each_problems_incidents_by_quarter(repo):
    report = cli_json("problems", "report")
    assert report["quarters"] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    [problem] = report["problems"]
    assert problem["incidents"] == [
        "2026-02-10-pool-exhausted",
        "2026-05-10-pool-exhausted-again",
        "2026-08-10-pool-timeouts",
    ]
    assert problem["per_quarter"] == [1, 1, 1, 0]
    assert problem["downtime_seconds"] == int(timedelta(hours=3, minutes=30).total_seconds())
    # Gaps: 10 Feb 11:00 → 10 May 10:00, 10 May 12:00 → 10 Aug 10:00.
    gaps = [timedelta(days=88, hours=23), timedelta(days=91, hours=22)]
    assert problem["mtbf_seconds"] == int((sum(gaps, timedelta()) / 2).total_seconds())
    assert problem["last"] == {
        "started": "2026-08-10T10:00:00Z",
        "incident": "2026-08-10-pool-timeouts",
    }
    assert problem["trend"] == "falling"  # two in the first half-year, one in the second
    assert problem["status"] == "known_error"


def test_the_report_gives_each_component_its_incidents_and_how_many_are_linked(repo):
    components = {c["id"]: c for c in cli_json("problems", "report")["components"]}
    database = components["database"]
    assert len(database["incidents"]) == 6  # the 2024 one counts too, before the quarters shown
    assert database["linked"] == 3
    assert database["per_quarter"] == [1, 1, 1, 2]
    assert database["trend"] == "rising"
    assert components["dashboard"]["per_quarter"] == [0, 0, 0, 1]


def test_the_report_table_names_problems_and_components(repo):
    result = CliRunner().invoke(cli, ["problems", "report", "--now", NOW])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Recurrence at 2026-11-21T12:00:00Z, by quarter 2026Q1–2026Q4"
    [row] = [line for line in lines if "PRB-0001" in line]
    assert row.split()[:4] == ["PRB-0001", "known_error", "3", "3"]
    assert row.rstrip().endswith("Database connection pool exhausted under load")


def test_overlapping_incidents_count_once_in_the_downtime(project):
    write_incident(
        project,
        "2026-11-01-a.md",
        resolved_incident("A", "2026-11-01T10:00:00Z", "2026-11-01T12:00:00Z"),
    )
    write_incident(
        project,
        "2026-11-01-b.md",
        resolved_incident("B", "2026-11-01T11:00:00Z", "2026-11-01T13:00:00Z"),
    )
    [api] = [c for c in cli_json("problems", "report")["components"] if c["id"] == "api"]
    assert api["downtime_seconds"] == 3 * 3600
    assert api["mtbf_seconds"] is None  # one failure, once merged: no gap to average


def test_trend_compares_the_later_half_with_the_earlier():
    assert trend([0, 0, 0, 0]) is Trend.NONE
    assert trend([1, 0, 0, 2]) is Trend.RISING
    assert trend([2, 1, 0, 1]) is Trend.FALLING
    assert trend([1, 0, 1, 0]) is Trend.STEADY
    assert trend([1, 5, 1]) is Trend.STEADY  # the middle quarter of three belongs to neither


def test_suggestions_rank_the_true_look_alike_first(repo):
    found = cli_json("problems", "suggest")["suggestions"]
    ranked = [s["incident"] for s in found]
    assert ranked[0] == "2026-10-01-database-requests-timing-out"
    assert "2024-11-01-old-pool-exhaustion" not in ranked  # too long before
    assert "2026-10-04-dashboard-colours" not in ranked  # nothing in common
    assert not set(ranked) & {"2026-02-10-pool-exhausted", "2026-08-10-pool-timeouts"}  # linked
    # The same words on another component are still a likeness; the same component alone is not.
    assert ranked == ["2026-10-01-database-requests-timing-out", "2026-10-02-api-pool-exhausted"]
    best = found[0]
    assert best["problem"] == "PRB-0001" and best["shared_components"] == ["database"]
    assert {"pool", "exhausted"} <= set(best["shared_terms"])
    assert best["days_apart"] == 52  # from the 10 August incident


def test_a_longer_period_finds_the_old_look_alike(repo):
    found = cli_json("problems", "suggest", "--within", "1000")["suggestions"]
    assert "2024-11-01-old-pool-exhaustion" in [s["incident"] for s in found]


def test_linking_a_suggestion_takes_it_off_the_list(repo):
    result = CliRunner().invoke(
        cli, ["problem", "link", "PRB-0001", "database-requests-timing-out", "--now", NOW]
    )
    assert result.exit_code == 0, result.output
    ranked = [s["incident"] for s in cli_json("problems", "suggest")["suggestions"]]
    assert "2026-10-01-database-requests-timing-out" not in ranked


def test_suggest_tells_a_person_how_to_confirm(repo):
    result = CliRunner().invoke(cli, ["problems", "suggest", "--now", NOW])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "SCORE",
        "PROBLEM",
        "INCIDENT",
        "COMPONENTS",
        "DAYS",
        "SHARED",
        "TERMS",
    ]
    assert (
        "statusbook problem link PRB-0001 2026-10-01-database-requests-timing-out" in result.output
    )


# --- statusbook sla --metrics ------------------------------------------------------------------


def test_sla_metrics_gives_mtta_mttr_and_counts_per_period(repo):
    document = cli_json("sla", "--metrics", "--year", "2026")
    assert document["format"] == "statusbook.metrics/1"
    [period] = document["periods"]
    assert period["key"] == "2026"
    overall = period["overall"]
    assert overall["count"] == 7 and overall["resolved"] == 7
    assert overall["mtta_seconds"] == 0  # every first update at the start
    assert overall["by_kind"]["outage"] == 7 and overall["by_impact"]["major"] == 7
    assert overall["longest"]["incident"] == "2026-05-10-pool-exhausted-again"
    assert period["components"]["database"]["count"] == 5


def test_sla_metrics_defaults_to_the_rolling_windows_and_prints_a_table(repo):
    result = CliRunner().invoke(cli, ["sla", "--metrics", "--component", "database", "--now", NOW])
    assert result.exit_code == 0, result.output
    heads = [line for line in result.output.splitlines() if line.startswith("Metrics, ")]
    assert [head.split()[1].rstrip(",") for head in heads] == ["24h", "7d", "30d", "90d"]
    assert "  database " in result.output and "  api " not in result.output
