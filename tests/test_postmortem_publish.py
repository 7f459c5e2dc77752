"""A postmortem is published only once it is written.

`statusbook postmortem ID` writes a draft — placeholders for what it was not given, no
`published` — which readers never see. `--publish` puts it on the page and refuses while a
placeholder remains; a `published` set by hand over a placeholder is an error (SB309), so
`validate --strict` fails and the build stops instead of publishing "To be written: …".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import Project
from .samples import RESOLVED_INCIDENT
from .sitebuild import build, install_site_files

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
PATH = "incidents/2026/2026-10-01-slow-dashboard.md"

RESOLVED = RESOLVED_INCIDENT


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--now", NOW.isoformat()], input=input)


def record(project: Project) -> str:
    return (project.root / PATH).read_text()


def test_a_draft_with_placeholders_is_valid_and_unseen_then_published_once_written(
    project: Project,
) -> None:
    project.write("2026-10-01-slow-dashboard.md", RESOLVED)
    drafted = invoke("postmortem", "slow-dashboard")
    assert drafted.exit_code == 0, drafted.output
    assert "Added a draft postmortem to" in drafted.stdout
    assert "published" not in record(project)
    assert "summary: 'To be written: what happened" in record(project)
    assert invoke("validate", "--strict").exit_code == 0  # a draft is fine
    assert "Postmortem (not published)" in invoke("show", "slow-dashboard").stdout

    refused = invoke("postmortem", "slow-dashboard", "--publish")
    assert refused.exit_code == 1
    assert "summary and root cause are not written yet, so it cannot be published" in (
        refused.output
    )
    assert "published" not in record(project)

    filled = invoke(
        "postmortem",
        "slow-dashboard",
        "--summary",
        "For an hour the dashboard loaded slowly for everyone.",
        "--root-cause",
        "A missing index after a migration.",
        "--publish",
        "--at",
        "11:00",
    )
    assert filled.exit_code == 0, filled.output
    assert "Published the postmortem of" in filled.stdout
    assert "at 2026-11-21T11:00:00Z (UTC)" in filled.stdout
    text_now = record(project)
    assert "  published: 2026-11-21T11:00:00Z\n  summary: For an hour" in text_now
    assert "To be written" not in text_now
    assert "Postmortem (published 2026-11-21T11:00:00Z (UTC))" in (
        invoke("show", "slow-dashboard").stdout
    )
    again = invoke("postmortem", "slow-dashboard", "--publish")
    assert again.exit_code == 1 and "already published (at 2026-11-21T11:00:00Z)" in again.output


def test_written_text_is_never_replaced(project: Project) -> None:
    project.write("2026-10-01-slow-dashboard.md", RESOLVED)
    assert invoke("postmortem", "slow-dashboard", "--summary", "Mine.").exit_code == 0
    result = invoke("postmortem", "slow-dashboard", "--summary", "Someone else's.")
    assert result.exit_code == 1
    assert "summary is already written" in result.output
    assert "Mine." in record(project) and "Someone else" not in record(project)


def test_postmortem_publishes_at_once_when_given_the_text(project: Project) -> None:
    project.write("2026-10-01-slow-dashboard.md", RESOLVED)
    result = invoke(
        "postmortem", "slow-dashboard", "--summary", "S.", "--root-cause", "R.", "--publish"
    )
    assert result.exit_code == 0, result.output
    assert "  published: 2026-11-21T12:00:00Z\n  summary: S.\n  root_cause: R.\n" in (
        record(project)
    )
    usage = invoke("postmortem", "slow-dashboard", "--at", "10:00")
    assert usage.exit_code == 2 and "give it with --publish" in usage.output


def test_interactive_publishing_asks_until_the_text_is_written(project: Project) -> None:
    project.write("2026-10-01-slow-dashboard.md", RESOLVED)
    result = invoke(
        "postmortem", "slow-dashboard", "--publish", "--prompt", input="\nIt was slow.\nAn index.\n"
    )
    assert result.exit_code == 0, result.output
    assert "a published postmortem needs it; write a sentence or two; try again." in result.output
    assert "summary: It was slow.\n  root_cause: An index.\n" in record(project)


def test_a_published_placeholder_is_an_error_that_stops_the_build(
    project: Project, tmp_path: Path
) -> None:
    install_site_files(project.root)
    front, closing = RESOLVED.rsplit("---\n", 1)
    project.write(
        "2026-10-01-slow-dashboard.md",
        front + "postmortem:\n"
        "  published: 2026-10-02T09:00:00Z\n"
        "  summary: 'To be written: what happened, for how long, and who was affected.'\n"
        "  root_cause: A missing index.\n"
        "---\n" + closing,
    )
    checked = invoke("validate")
    assert checked.exit_code == 1
    assert (
        f"{PATH}:20:12: error SB309 [postmortem-placeholder] the postmortem is published but "
        "its summary is still the placeholder"
    ) in checked.output
    assert "remove 'published' to keep the postmortem a draft" in checked.output
    out = tmp_path / "site"
    built = build(project.root, out, NOW)
    assert built.returncode != 0
    assert "SB309" in built.stderr
    assert not (out / "index.html").exists()
