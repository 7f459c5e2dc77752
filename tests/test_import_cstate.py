"""``statusbook import cstate`` on hand-written issues shaped like cState's ``content/issues``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusbook.cli import cli
from statusbook.load.catalog import load_catalog

from .conftest import REPO_ROOT, Project

NOW = "2026-11-21T12:00:00Z"
SITE = REPO_ROOT / "tests" / "fixtures" / "cstate"


def run(folder: Path, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(cli, ["import", "cstate", str(folder), *args, "--now", now])


def record(project: Project, name: str) -> str:
    return (project.records / name[:4] / name).read_text()


@pytest.fixture
def imported(project: Project) -> Result:
    result = run(SITE)
    assert result.exit_code == 0, result.output
    return result


def test_issues_become_valid_records(project: Project, imported: Result) -> None:
    assert sorted(p.name for p in project.records.rglob("*.md")) == [
        "2026-04-13-connection-issues-with-the-api.md",
        "2026-05-02-slow-search-results.md",
        "2026-06-20-database-maintenance.md",
        "2026-11-20-email-delays.md",
    ]
    validation = CliRunner().invoke(cli, ["validate", "--now", NOW])
    assert validation.exit_code == 0, validation.output


def test_tracked_paragraphs_become_updates_and_the_rest_stays_in_the_body(
    project: Project, imported: Result
) -> None:
    assert record(project, "2026-04-13-connection-issues-with-the-api.md") == (
        "---\n"
        "title: Connection issues with the API\n"
        "kind: outage\n"
        "impact: critical\n"
        "started: 2026-04-13T13:36:00Z\n"
        "resolved: 2026-04-13T15:54:00Z\n"
        "components:\n"
        "  api: major_outage\n"
        "  dashboard: major_outage\n"
        "updates:\n"
        "  - at: 2026-04-13T13:36:00Z\n"
        "    status: investigating\n"
        "    message: We're aware of connection issues to the API and the dashboard.\n"
        "  - at: 2026-04-13T15:10:00Z\n"
        "    status: monitoring\n"
        "    message: A fix is in place; we are watching error rates.\n"
        "  - at: 2026-04-13T15:54:00Z\n"
        "    status: resolved\n"
        "    message: We have rolled back the load balancer change and connections succeed again.\n"
        "x-cstate:\n"
        "  id: 2026-04-13-connection-issues.md\n"
        "---\n"
        "Some clients in the EU were affected longer because of cached DNS entries.\n"
    )


def test_a_notice_becomes_a_maintenance_window(project: Project, imported: Result) -> None:
    text = record(project, "2026-06-20-database-maintenance.md")
    assert "kind: maintenance\n" in text
    assert "scheduled_start: 2026-06-20T02:00:00Z\nscheduled_end: 2026-06-20T03:00:00Z\n" in text
    assert "completed: 2026-06-20T03:00:00Z\n" in text
    assert "    status: scheduled\n" in text and "    status: completed\n" in text
    assert "database: under_maintenance" in text


def test_what_could_not_be_mapped_is_reported_and_kept(project: Project, imported: Result) -> None:
    output = imported.output
    assert "2026-07-01-new-office.md: an informational post" in output
    assert "status 'Escalated' has no equivalent" in output
    assert "message: '*Escalated* - Our provider is looking into it.'" in record(
        project, "2026-11-20-email-delays.md"
    )
    assert "2026-05-02-slow-search.md: no dated updates" in output
    assert "resolved without a resolving update" in output
    slow = record(project, "2026-05-02-slow-search-results.md")
    assert (
        "message: Search queries took several seconds to return for about ninety minutes.\n" in slow
    )
    assert "started: 2026-05-02T06:00:00Z\nresolved: 2026-05-02T07:30:00Z\n" in slow


def test_unknown_systems_are_added_to_the_catalog(project: Project, imported: Result) -> None:
    catalog = load_catalog(project.catalog_path)
    assert catalog.component_ids[3:] == ("search", "email-notifications")
    assert catalog.component("email-notifications").name == "Email notifications"  # type: ignore[union-attr]


def test_importing_twice_changes_nothing(project: Project, imported: Result) -> None:
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    again = run(SITE / "content" / "issues")
    assert again.exit_code == 0, again.output
    assert "Created 0 record(s)." in again.output
    assert "4 record(s) imported before and unchanged." in again.output
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_toml_front_matter_and_an_upcoming_notice(project: Project, tmp_path: Path) -> None:
    issues = tmp_path / "issues"
    issues.mkdir()
    (issues / "upgrade.md").write_text(
        "+++\n"
        'title = "Planned API upgrade"\n'
        "date = 2026-12-01T02:00:00Z\n"
        'severity = "notice"\n'
        'affected = ["API"]\n'
        "+++\n"
        "We will upgrade the API gateway.\n"
    )
    result = run(issues)
    assert result.exit_code == 0, result.output
    text = record(project, "2026-12-01-planned-api-upgrade.md")
    assert "scheduled_start: 2026-12-01T02:00:00Z\nscheduled_end: 2026-12-01T03:00:00Z\n" in text
    assert "  - at: 2026-11-21T12:00:00Z\n    status: scheduled\n" in text
    assert "the window was set to end at 2026-12-01T03:00:00Z, check it" in result.output
    assert "cState keeps no announcement time" in result.output


def test_a_folder_without_issues_is_reported_and_fails(project: Project, tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.exit_code == 1, "a wrong folder must not look like a successful import"
    assert "no cState issues (*.md) found" in result.output
    assert "Nothing could be read" in result.stderr
    assert "Created 0 record(s)." in result.output


def test_broken_front_matter_is_reported_not_fatal(project: Project, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [\n---\nText\n")
    (tmp_path / "none.md").write_text("Just text\n")
    (tmp_path / "good.md").write_text(
        "---\ntitle: API down\ndate: 2026-11-20 10:00:00\nseverity: down\naffected: [API]\n"
        "resolved: true\nresolvedWhen: 2026-11-20 11:00:00\n---\nIt was down.\n"
    )
    result = run(tmp_path)
    assert result.exit_code == 1, "a file that could not be read fails the import"
    assert "bad.md: front matter cannot be read" in result.stderr
    assert "none.md: no front matter; skipped" in result.output
    assert "Created 1 record(s)." in result.output, "the readable issue is still imported"


# --- untrusted input: never a traceback -------------------------------------------------------

GOOD = (
    "---\ntitle: API down\ndate: 2026-11-20 10:00:00\nseverity: down\naffected: [API]\n---\nDown.\n"
)


@pytest.mark.parametrize(
    "front_matter",
    [
        "5: five\nnull: nothing\ntitle: Numbered keys\ndate: 2026-11-20 10:00:00\nseverity: down\n",
        "title: [a, [b]]\ndate: 2026-11-20 10:00:00\nseverity: 7\naffected: [1, [2]]\nid: [x]\n",
        "title: Year one\ndate: 0001-01-01 00:00:00+01:00\nseverity: down\n",
        "title: Big\nx: " + "9" * 5000 + "\ndate: 2026-11-20 10:00:00\nseverity: down\n",
        "title: !!timestamp 'x y'\ndate: 2026-11-20 10:00:00\n",
        "title: " + "[" * 5000 + "]" * 5000 + "\ndate: 2026-11-20 10:00:00\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "title: *d\naffected: *d\ndate: 2026-11-20 10:00:00\nseverity: down\n",
    ],
)
def test_odd_front_matter_is_reported_not_raised(
    project: Project, tmp_path: Path, front_matter: str
) -> None:
    (tmp_path / "odd.md").write_text(f"---\n{front_matter}---\nText.\n")
    (tmp_path / "good.md").write_text(GOOD)
    result = run(tmp_path)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
    assert "good.md" not in result.stderr, "the good issue is imported whatever the odd one holds"
    assert len(list(project.records.rglob("*.md"))) >= 1


def test_toml_nested_thousands_deep_is_unreadable_not_a_crash(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "deep.md").write_text("+++\nx = " + "[" * 5000 + "]" * 5000 + "\n+++\nText\n")
    result = run(tmp_path)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "deep.md: front matter" in result.stderr


def test_control_characters_in_an_issue_never_reach_the_record(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "bell.md").write_text(GOOD.replace("API down", '"API\\a down"') + "Bell \x07.\n")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "removed control characters" in result.output
    assert CliRunner().invoke(cli, ["validate", "--now", NOW]).exit_code == 0


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-11-20 10:00:00", "down", "notice", "disrupted", "API", "0001-01-01"])
)
_META = st.dictionaries(
    st.sampled_from(["title", "date", "resolved", "resolvedWhen", "severity", "affected", "id", 5]),
    st.recursive(_SCALARS, lambda c: st.lists(c, max_size=3), max_leaves=6),
    max_size=7,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(meta=_META, body=st.text(max_size=80))
def test_no_issue_makes_the_import_crash(
    project: Project, tmp_path_factory: pytest.TempPathFactory, meta: dict, body: str
) -> None:
    folder = tmp_path_factory.mktemp("issues")
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    (folder / "issue.md").write_bytes(text.encode("utf-8", "surrogatepass"))
    result = run(folder, "--dry-run")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1)
