"""One repository, two sites: the public build never contains internal text, the internal
build contains all of it.

The leak test puts a marker in every internal field — an internal record's every field, an
internal update and note, a draft postmortem, a public problem's root cause, owner, action
items, internal notes and body, an internal problem — builds the public site with MkDocs and
reads every file it wrote (pages, feeds, calendars, API documents, badges, the sitemap — and
a search index, when a site's mkdocs.yml turns Material's search on). The snapshot is where audiences are decided, so the stronger statement holds
too: the public outputs are byte for byte what they would be had the internal text never
been written.
"""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.derive.snapshot import derive
from statusbook.load.catalog import load_catalog
from statusbook.load.guard import compare
from statusbook.load.problem_records import validate_repository
from statusbook.model import Audience
from statusbook.notifications.events import find_events, published
from statusbook.render.outputs import static_files
from statusbook.render.pages import build_views

from .conftest import CATALOG, DEMO_ROOT, Project
from .problem_fixtures import write_problem
from .samples import DATABASE_WINDOW
from .sitebuild import build, install_site_files, page, text

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
NOW_TEXT = "2026-11-21T12:00:00Z"

#: Every internal field gets its own marker; none may reach the public build.
SECRETS = {
    "internal record title": "zqxtitle",
    "internal record manager": "zqxmanager",
    "internal record update": "zqxinternalrecordupdate",
    "internal record body": "zqxinternalbody",
    "internal record note": "zqxinternalrecordnote",
    "internal update message": "zqxupdatemessage",
    "internal update author": "zqxupdateauthor",
    "internal note": "zqxnotetext",
    "internal note author": "zqxnoteauthor",
    "draft postmortem summary": "zqxdraftsummary",
    "draft postmortem root cause": "zqxdraftcause",
    "draft action item": "zqxdraftaction",
    "draft action item owner": "zqxdraftowner",
    "problem root cause": "zqxrootcause",
    "problem owner": "zqxproblemowner",
    "problem action item": "zqxproblemaction",
    "problem action owner": "zqxactionowner",
    "problem action link": "zqxactionlink",
    "problem internal note": "zqxproblemnote",
    "problem body": "zqxproblembody",
    "internal problem title": "zqxhiddenproblem",
    "internal problem summary": "zqxhiddensummary",
    "internal problem workaround": "zqxhiddenworkaround",
}
#: Public text next to the secrets: it must be there, or the test proves nothing.
PUBLIC = {
    "public update": "pubupdatetext",
    "public note": "pubnotetext",
    "problem summary": "pubproblemsummary",
    "problem workaround": "pubworkaround",
}
S, P = SECRETS, PUBLIC

INTERNAL_RECORD = f"""\
---
title: Build farm down {S["internal record title"]}
kind: outage
impact: minor
visibility: internal
manager: {S["internal record manager"]}
started: 2026-11-21T08:00:00Z
updates:
  - at: 2026-11-21T08:05:00Z
    status: investigating
    message: CI runners are down {S["internal record update"]}.
notes:
  - at: 2026-11-21T08:10:00Z
    note: {S["internal record note"]}
---
{S["internal record body"]} in the body.
"""

PUBLIC_RECORD = f"""\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
problem: PRB-0001
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into API errors {P["public update"]}.
  - at: 2026-11-21T09:20:00Z
    status: update
    visibility: internal
    author: {S["internal update author"]}
    message: Paged the gateway team {S["internal update message"]}.
  - at: 2026-11-21T09:40:00Z
    status: identified
    message: A bad config push; rolling it back.
    components:
      api: partial_outage
notes:
  - at: 2026-11-21T09:10:00Z
    note: Only the EU is affected {P["public note"]}.
  - at: 2026-11-21T09:25:00Z
    visibility: internal
    author: {S["internal note author"]}
    note: Rollback blocked by a lock {S["internal note"]}.
---
"""

DRAFT_POSTMORTEM = f"""\
---
title: Dashboard slow
kind: degradation
impact: minor
started: 2026-11-20T09:00:00Z
resolved: 2026-11-20T10:00:00Z
problem: PRB-0002
components:
  dashboard: degraded_performance
updates:
  - at: 2026-11-20T09:05:00Z
    status: investigating
    message: The dashboard is slow.
  - at: 2026-11-20T10:00:00Z
    status: resolved
    message: It is fast again.
postmortem:
  summary: {S["draft postmortem summary"]}
  root_cause: {S["draft postmortem root cause"]}
  action_items:
    - title: {S["draft action item"]}
      owner: {S["draft action item owner"]}
---
"""

PUBLIC_PROBLEM = f"""\
---
title: Gateway config reaches every region
status: known_error
opened: 2026-11-21T09:30:00Z
identified: 2026-11-21T09:45:00Z
owner: {S["problem owner"]}
summary: API requests can fail everywhere {P["problem summary"]}.
workaround: Retry with backoff {P["problem workaround"]}.
root_cause: Pushed in one step {S["problem root cause"]}.
action_items:
  - title: {S["problem action item"]}
    owner: {S["problem action owner"]}
    due: 2026-12-15
    link: https://tracker.example/{S["problem action link"]}
notes:
  - at: 2026-11-21T09:50:00Z
    visibility: internal
    note: {S["problem internal note"]}
---
{S["problem body"]} in the problem's body.
"""

INTERNAL_PROBLEM = f"""\
---
title: Dashboard queries {S["internal problem title"]}
status: known_error
visibility: internal
opened: 2026-11-20T11:00:00Z
identified: 2026-11-20T11:00:00Z
summary: {S["internal problem summary"]}
workaround: {S["internal problem workaround"]}
---
"""


def make_repository(root: Path, *, internal: bool = True) -> Project:
    """The fixture repository; without ``internal``, the same with every internal text
    removed (no internal record, update or note, no draft, no internal problem fields)."""
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    catalog = CATALOG.replace(
        "  url: https://status.test.example/\n",
        "  url: https://status.test.example/\n  internal_url: https://internal.test.example/\n",
    )
    project.catalog_path.write_text(catalog)
    install_site_files(root)
    public_record = PUBLIC_RECORD
    if internal:
        project.write("2026-11-21-build-farm-down.md", INTERNAL_RECORD)
        project.write("2026-11-20-dashboard-slow.md", DRAFT_POSTMORTEM)
        write_problem(project, "PRB-0001-gateway-config.md", PUBLIC_PROBLEM)
        write_problem(project, "PRB-0002-dashboard-queries.md", INTERNAL_PROBLEM)
    else:
        public_record = _without_internal(PUBLIC_RECORD)
        project.write(
            "2026-11-20-dashboard-slow.md",
            DRAFT_POSTMORTEM[: DRAFT_POSTMORTEM.index("postmortem:")].replace(
                "problem: PRB-0002\n", ""
            )
            + "---\n",
        )
        public_problem = PUBLIC_PROBLEM.split("\n---\n")[0]
        for key in ("owner:", "root_cause:"):
            public_problem = "\n".join(
                line for line in public_problem.splitlines() if not line.startswith(key)
            )
        public_problem = public_problem[: public_problem.index("action_items:")] + "---\n"
        write_problem(project, "PRB-0001-gateway-config.md", public_problem)
    project.write("2026-11-21-api-errors.md", public_record)
    project.write("2026-11-22-database-upgrade.md", DATABASE_WINDOW)  # so a calendar is written
    return project


def _without_internal(record: str) -> str:
    """The record with its internal update and note cut out."""
    update = record.index("  - at: 2026-11-21T09:20:00Z")
    record = record[:update] + record[record.index("  - at: 2026-11-21T09:40:00Z") :]
    note = record.index("  - at: 2026-11-21T09:25:00Z")
    return record[:note] + "---\n"


def build_site(project: Project, out: Path, audience: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(project.catalog_path),
            "build",
            "--audience",
            audience,
            "--site-dir",
            str(out),
            "--now",
            NOW_TEXT,
        ],
    )
    assert result.exit_code == 0, result.output


def every_file_text(site: Path) -> dict[str, str]:
    """Every file of a built site as lowercase text (the sitemap's gzip unpacked)."""
    files = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        files[path.relative_to(site).as_posix()] = data.decode("utf-8", "replace").lower()
    return files


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("audiences")
    project = make_repository(root / "repo")
    public, internal = root / "public", root / "internal"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        build_site(project, public, "public")
        build_site(project, internal, "internal")
    return public, internal


def test_the_public_build_contains_no_internal_text_in_any_file(sites):
    public, _ = sites
    files = every_file_text(public)
    kinds = {name.rsplit(".", 1)[-1] for name in files}
    assert {"html", "json", "rss", "atom", "ics", "svg", "xml"} <= kinds  # every kind of output
    assert "sitemap.xml" in files and "sitemap.xml.gz" in files
    leaks = [
        f"{field} in {name}"
        for field, marker in SECRETS.items()
        for name, content in files.items()
        if marker in content
    ]
    assert not leaks


def test_the_public_build_shows_the_public_text_beside_it(sites):
    public, _ = sites
    everything = "\n".join(every_file_text(public).values())
    for field, marker in PUBLIC.items():
        assert marker in everything, field


def test_the_internal_build_shows_every_internal_field(sites):
    _, internal = sites
    everything = "\n".join(every_file_text(internal).values())
    missing = [field for field, marker in SECRETS.items() if marker not in everything]
    assert not missing


def test_the_public_outputs_are_what_they_would_be_had_nothing_internal_been_written(tmp_path):
    def outputs(internal: bool) -> tuple[dict[str, bytes], object]:
        project = make_repository(tmp_path / ("with" if internal else "without"), internal=internal)
        catalog = load_catalog(project.catalog_path)
        result = validate_repository(None, catalog, NOW)
        assert not result.errors, result.errors
        snapshot = derive(catalog, result.incidents, NOW, problems=result.problem_records)
        views = build_views(snapshot)
        return static_files(snapshot), (views.home, views.incidents, views.known_issues)

    with_internal, without = outputs(True), outputs(False)
    assert with_internal[0] == without[0]  # feeds, calendars, API, badges: byte for byte
    assert with_internal[1] == without[1]  # the pages' data


def test_public_posts_are_numbered_among_the_public_updates(tmp_path):
    project = make_repository(tmp_path / "repo")
    catalog = load_catalog(project.catalog_path)
    result = validate_repository(None, catalog, NOW)
    public = derive(catalog, result.incidents, NOW, problems=result.problem_records)
    internal = derive(
        catalog, result.incidents, NOW, audience=Audience.INTERNAL, problems=result.problem_records
    )
    record = "2026-11-21-api-errors"
    assert [p.key for p in public.by_id[record].posts] == ["u1", "u2"]
    assert [p.key for p in internal.by_id[record].posts] == ["u1", "u2", "u3"]
    assert "2026-11-21-build-farm-down" not in public.by_id and not public.pending
    assert [p.id for p in public.problems] == ["PRB-0001"]
    assert public.problems[0].record.root_cause is None
    assert public.problems[0].record.action_items == ()
    # The public incident names only a problem the public knows.
    assert public.by_id["2026-11-20-dashboard-slow"].record.problem is None
    assert internal.by_id["2026-11-20-dashboard-slow"].record.problem == "PRB-0002"
    assert internal.catalog.site.url == "https://internal.test.example/"


# --- the two sites' own pages ------------------------------------------------------------------


def test_the_internal_site_says_so_and_is_never_indexed(sites):
    public, internal = sites
    home = page(internal, "/")
    assert home.select_one('meta[name="robots"]')["content"] == "noindex,nofollow"
    assert "Internal site" in text(home.select_one(".sb-internal-banner"))
    tabs = [text(a) for a in home.select(".md-tabs__link")]
    assert tabs == ["Status", "History", "Uptime", "Known issues", "Action items", "Metrics"]
    public_home = page(public, "/")
    assert public_home.select_one('meta[name="robots"]')["content"] == "index,follow"
    assert public_home.select_one(".sb-internal-banner") is None
    assert [text(a) for a in public_home.select(".md-tabs__link")][-1] == "Known issues"
    assert not (public / "actions").exists() and not (public / "metrics").exists()


def test_internal_updates_and_notes_are_marked_on_the_internal_incident_page(sites):
    _, internal = sites
    incident = page(internal, "/incidents/2026-11-21-api-errors/")
    [marked] = incident.select(".sb-update--internal")
    assert marked["id"] == "u2" and "Internal" in text(marked)
    notes = incident.select(".sb-note")
    assert [("sb-note--internal" in n["class"]) for n in notes] == [False, True]
    draft = page(internal, "/incidents/2026-11-20-dashboard-slow/")
    assert "Draft, not published" in text(draft.select_one(".sb-postmortem"))


def test_the_action_items_page_lists_items_with_owners(sites):
    _, internal = sites
    actions = page(internal, "/actions/")
    rows = [[text(td) for td in tr.select("td")] for tr in actions.select("tbody tr")]
    assert [row[1] for row in rows] == [S["problem action item"], S["draft action item"]]
    assert rows[0][2] == S["problem action owner"]
    assert text(actions.select_one(".sb-actions__summary")) == "2 open, 0 overdue"


def test_the_metrics_page_gives_mtta_mttr_and_counts(sites):
    _, internal = sites
    metrics = page(internal, "/metrics/")
    [windows, quarters, components] = metrics.select("table.sb-metrics")
    head = [text(th) for th in windows.select("thead th")]
    assert head == ["Period", "Incidents", "Resolved", "MTTA", "MTTR", "MTBF", "Longest"]
    rows = {
        text(tr.select_one("th")): [text(td) for td in tr.select("td")]
        for tr in windows.select("tbody tr")
    }
    # Three unplanned incidents (the internal one counts on the internal site), one resolved
    # after 1 h; first words after 5, 5 and 5 minutes.
    assert rows["All time"][:4] == ["3", "1", "5 min", "1 h 00 min"]
    [current] = [tr for tr in quarters.select("tbody tr") if text(tr.select_one("th")) == "2026Q4"]
    assert text(current.select("td")[0]) == "3"
    assert "API" in text(components)


# --- notify and the history guard --------------------------------------------------------------


def test_internal_updates_and_records_are_never_notified(tmp_path):
    project = make_repository(tmp_path / "repo")
    catalog = load_catalog(project.catalog_path)
    record = project.records / "2026" / "2026-11-21-api-errors.md"
    base = {path: path.read_bytes() for path in project.records.rglob("*.md")}
    # Since the base: one more internal update, then one more public one.
    text_now = record.read_text().replace(
        "notes:\n",
        "  - at: 2026-11-21T10:00:00Z\n    status: update\n    visibility: internal\n"
        "    message: Still blocked.\n"
        "  - at: 2026-11-21T10:30:00Z\n    status: monitoring\n    message: Fix deployed.\n"
        "notes:\n",
        1,
    )
    record.write_text(text_now)
    result = validate_repository(None, catalog, NOW)
    assert not result.errors, result.errors
    snapshot = derive(catalog, result.incidents, NOW, problems=result.problem_records)
    events = find_events(published(base), snapshot, since=NOW)
    assert [event.id for event in events] == ["2026-11-21-api-errors/u3"]
    assert events[0].post is not None and events[0].post.message == "Fix deployed."


def test_the_history_guard_treats_a_visibility_change_as_a_rewrite(tmp_path):
    project = make_repository(tmp_path / "repo")
    path = project.records / "2026" / "2026-11-21-api-errors.md"
    before = path.read_bytes()
    after = before.replace(b"    visibility: internal\n    author:", b"    author:", 1)
    problems = compare({path: before}, {path: after})
    assert [problem.code for problem in problems] == ["SB703"]
    assert "visibility" in problems[0].message


def test_a_plain_build_is_public_whatever_the_shell_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = make_repository(tmp_path / "repo")
    monkeypatch.setenv("STATUSBOOK_AUDIENCE", "internal")
    out = tmp_path / "site"
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.catalog_path), "build", "--site-dir", str(out), "--now", NOW_TEXT],
    )
    assert result.exit_code == 0, result.output
    assert not (out / "actions").exists()
    assert "zqx" not in (out / "incidents" / "2026-11-21-api-errors" / "index.html").read_text()


def test_an_internal_build_without_a_site_dir_stays_out_of_the_public_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    project = make_repository(tmp_path / "repo")
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(project.catalog_path),
            "build",
            "--audience",
            "internal",
            "--now",
            NOW_TEXT,
        ],
    )
    assert result.exit_code == 0, result.output
    assert (project.root / "site-internal" / "actions" / "index.html").is_file()
    assert not (project.root / "site").exists()


def test_the_demo_example_keeps_its_internal_note_off_the_public_page(tmp_path):
    """The shipped examples' internal note (in the frozen demo copy) stays internal."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO_ROOT, root)
    install_site_files(root)
    out = tmp_path / "out"
    done = build(root, out, datetime(2026, 11, 21, 6, 0, tzinfo=UTC))
    assert done.returncode == 0, done.stderr
    everything = "\n".join(every_file_text(out).values())
    assert "paged the gateway team lead" not in everything
    assert "quarter of production" not in everything  # PRB-0001's internal note
    assert "search indexing falls behind" not in everything  # PRB-0003 is internal
    assert "retry failed api requests" in everything  # PRB-0001's public workaround
