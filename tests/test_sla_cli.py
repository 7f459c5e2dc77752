"""`statusbook sla` through the real CLI: periods, components, three formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.render.sla import CSV_COLUMNS

from .conftest import DEMO_ROOT

NOW = "2026-11-21T12:00:00Z"

OUTAGE = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-20T14:00:00Z
resolved: 2026-11-20T15:00:00Z
components:
  api: major_outage
  dashboard: partial_outage
updates:
  - at: 2026-11-20T14:05:00Z
    status: investigating
    message: We are looking into it.
  - at: 2026-11-20T14:30:00Z
    status: identified
    message: Found it.
    components:
      dashboard: operational
  - at: 2026-11-20T15:00:00Z
    status: resolved
    message: Fixed.
---
"""

MAINTENANCE = """\
---
title: Database upgrade
kind: maintenance
scheduled_start: 2026-11-19T02:00:00Z
scheduled_end: 2026-11-19T04:00:00Z
components:
  database: under_maintenance
updates:
  - at: 2026-11-12T10:00:00Z
    status: scheduled
    message: We will upgrade the database.
---
"""


def run(*args: str, config: str | None = None):
    prefix = ["--config", config] if config else []
    return CliRunner().invoke(cli, [*prefix, "sla", *args])


def run_json(*args: str, config: str | None = None) -> dict:
    result = run("--format", "json", *args, config=config)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def rows(document: dict, period: str) -> dict[str | None, dict]:
    [chosen] = [p for p in document["periods"] if p["period"] == period]
    found = {row["id"]: row for row in chosen["components"]}
    found[None] = chosen["overall"]
    return found


@pytest.fixture
def records(project):
    project.write("2026-11-20-api-errors.md", OUTAGE)
    project.write("2026-11-19-database-upgrade.md", MAINTENANCE)
    return project


def test_default_report_is_every_rolling_window(records):
    document = run_json("--now", NOW)
    assert [p["period"] for p in document["periods"]] == ["24h", "7d", "30d", "90d"]
    assert document["now"] == NOW
    assert document["format"] == "statusbook.sla/1"
    day = rows(document, "24h")
    assert day["api"]["downtime_seconds"] == 3600
    assert day["api"]["major_outage_seconds"] == 3600
    assert day["dashboard"]["partial_outage_seconds"] == 1800
    assert day["dashboard"]["downtime_seconds"] == 540
    assert day["api"]["sla_status"] == "breached"
    assert day["database"]["sla_status"] == "met"


def test_json_budget_figures_are_in_minutes_and_percent(records):
    week = rows(run_json("--now", NOW, "--window", "7d"), "7d")
    # 7 days at 99.9 %: 604.8 s allowed, 3,600 s used
    assert week["api"]["error_budget"] == {
        "total_minutes": 10.08,
        "used_minutes": 60.0,
        "remaining_minutes": -49.92,
        "used_percent": 595.24,
        "remaining_percent": -495.24,
    }
    assert week["database"]["maintenance_seconds"] == 7200
    assert week["database"]["counted_seconds"] == 7 * 86400 - 7200
    assert week[None]["sla_status"] == "no_target"
    assert week[None]["error_budget"] is None


def test_calendar_periods_and_component_filter(records):
    month = run_json(
        "--now", NOW, "--month", "2026-11", "--component", "api", "--component", "database"
    )
    [period] = month["periods"]
    assert (period["start"], period["end"], period["complete"]) == (
        "2026-11-01T00:00:00Z",
        "2026-12-01T00:00:00Z",
        False,
    )
    assert [row["id"] for row in period["components"]] == ["api", "database"]
    assert period["components"][0]["sla_status"] == "breached"  # 3,600 s > 2,592 s for the month
    quarter = run_json("--now", NOW, "--quarter", "2026Q3")
    assert rows(quarter, "2026Q3")["api"]["sla_status"] == "met"
    assert run_json("--now", NOW, "--year", "2026")["periods"][0]["end"] == "2027-01-01T00:00:00Z"


def test_csv_has_the_documented_columns_and_agrees_with_json(records):
    result = run("--now", NOW, "--format", "csv")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.output))
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    table = list(reader)
    assert len(table) == 4 * (3 + 1)
    document = run_json("--now", NOW)
    for line in table:
        row = rows(document, line["period"])[line["component"] or None]
        assert line["scope"] == ("overall" if row["id"] is None else "component")
        assert float(line["downtime_seconds"]) == row["downtime_seconds"]
        assert float(line["uptime_percent"]) == row["uptime_percent"]
        assert line["sla_status"] == row["sla_status"]
        budget = row["error_budget"]
        expected = "" if budget is None else str(budget["remaining_minutes"])
        assert line["budget_remaining_minutes"] == expected


def test_table_marks_breaches_in_words(records):
    result = run("--now", NOW, "--window", "24h")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    [api] = [line for line in lines if line.strip().startswith("API")]
    assert "BREACHED" in api
    [header] = [line for line in lines if line.strip().startswith("Component")]
    assert header.index("SLA") == api.index("BREACHED")  # columns line up
    [dashboard] = [line for line in lines if line.strip().startswith("Dashboard")]
    assert "BREACHED" in dashboard  # 30 min partial at 0.3 = 540 s > 432 s allowed at 99.5 %
    assert "2 SLA breaches." in result.output


def test_table_says_an_overspent_budget_is_exhausted_never_a_negative_share(records):
    result = run("--now", NOW, "--window", "7d")
    assert result.exit_code == 0, result.output
    [api] = [line for line in result.output.splitlines() if line.strip().startswith("API")]
    # 7 days at 99.9 %: 10.08 min allowed, 60 min used (the JSON says -49.92 remaining)
    assert "60.0/10.1 min" in api
    assert "exhausted, 49.9 min over" in api
    assert "-" not in api.split("min", 1)[1].replace(" - ", "")
    [database] = [line for line in result.output.splitlines() if "Database" in line]
    assert "exhausted" not in database
    assert re.search(r"\d+\.\d min \(100\.0%\)", database)


def test_source_date_epoch_is_the_default_now(records, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795262400")  # 2026-11-21T12:00:00Z
    assert run_json()["now"] == NOW


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "no month 13"),
        (["--quarter", "2026Q5"], "2026Q5"),
        (["--year", "next"], "not a year"),
        (["--window", "12d"], "12d"),
        (["--month", "2026-10", "--year", "2026"], "choose one period"),
        (["--component", "apii"], "did you mean 'api'"),
        (["--format", "xml"], "xml"),
        (["--now", "yesterday"], "--now"),
    ],
)
def test_invalid_options_exit_2_with_a_clear_message(records, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_invalid_records_are_reported_and_exit_1(records):
    records.write("2026-11-18-broken.md", OUTAGE.replace("impact: major", "impact: huge"))
    result = run("--now", NOW, "--format", "json")
    assert result.exit_code == 1
    assert "SB104" in result.output
    assert "2026-11-18-broken.md" in result.output


@pytest.mark.parametrize("output_format", ["table", "json", "csv"])
def test_the_demo_records_report_in_every_format(output_format):
    config = str(DEMO_ROOT / "statusbook.yml")
    result = run("--now", NOW, "--format", output_format, config=config)
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_the_demo_records_show_the_ongoing_api_incident():
    config = str(DEMO_ROOT / "statusbook.yml")
    day = rows(run_json("--now", NOW, "--window", "24h", config=config), "24h")
    # major 03:12–04:02 (3,000 s), partial since then until now (28,680 s at 0.3)
    assert day["api"]["major_outage_seconds"] == 3000
    assert day["api"]["partial_outage_seconds"] == 28680
    assert day["api"]["downtime_seconds"] == 11604
    assert day["api"]["sla_status"] == "breached"
    assert day["email"]["sla_status"] == "no_target"
    september = rows(run_json("--now", NOW, "--month", "2026-09", config=config), "2026-09")
    # the EU outage: major 37 min, then partial 75 min
    assert september["api"]["downtime_seconds"] == 2220 + 0.3 * 4500
    search = rows(run_json("--now", NOW, "--year", "2026", config=config), "2026")["search"]
    launched = datetime(2026, 6, 1, tzinfo=UTC)
    since_launch = datetime(2026, 11, 21, 12, tzinfo=UTC) - launched
    assert search["observed_seconds"] == since_launch.total_seconds()
