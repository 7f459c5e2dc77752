"""Instants and payloads at the edges reach the person as a usage error, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from statusbook.cli import cli

from .conftest import Project
from .samples import OPEN_INCIDENT

NOW = "2026-11-21T12:00:00Z"


@pytest.mark.parametrize(
    "instant",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2150-01-01T00:00:00Z"],
)
@pytest.mark.parametrize("command", [["validate"], ["list"], ["sla"]])
def test_a_now_outside_the_years_is_a_usage_error(project: Project, command, instant) -> None:
    result = CliRunner().invoke(cli, [*command, "--now", instant])
    assert result.exit_code == 2, result.output
    assert "outside the years 2000–2099" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_build_time_outside_the_years_is_refused(project: Project, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300000")  # in year 10000
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "outside the years" in result.output or "whole number" in result.output


@pytest.mark.parametrize("at", ["-99999999w", "+9999999d", "9999-12-31T23:00:00-05:00"])
def test_an_at_past_the_calendar_is_a_usage_error(project: Project, at: str) -> None:
    project.write("2026-11-21-api-errors.md", OPEN_INCIDENT)
    result = CliRunner().invoke(
        cli, ["update", "api-errors", "-m", "More.", "--at", at, "--now", NOW, "--no-prompt"]
    )
    assert result.exit_code == 2, result.output
    assert "--at" in result.output and "outside the years" in result.output


def test_a_deeply_nested_event_payload_is_a_usage_error(project: Project, tmp_path) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"action":"opened","issue":' + '{"a":' * 5000 + "1" + "}" * 5001)
    result = CliRunner().invoke(
        cli, ["new", "--from-github-event", str(event), "--now", NOW, "--no-prompt"]
    )
    assert result.exit_code == 2, result.output
    assert "nested too deeply" in result.output
