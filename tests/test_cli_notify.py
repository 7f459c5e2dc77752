"""`statusbook notify` end to end: a real git repository for --base, a real HTTP server on
127.0.0.1 for the webhooks, and the secrets never in the output."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from statusbook.cli import cli

from .conftest import CATALOG, GitRepo, Project
from .hooks import HANG, Hooks
from .samples import DATABASE_WINDOW, OPEN_INCIDENT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NOW = "2026-11-21T12:00:00Z"
RECORD = "2026-11-21-api-errors.md"
TOKEN = "Zq7-s3cr3t-T0KEN-0123456789"

OPENED = OPEN_INCIDENT
RESOLVED = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
resolved: 2026-11-21T10:30:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into elevated API error rates.
  - at: 2026-11-21T10:30:00Z
    status: resolved
    message: Error rates are back to normal.
---
"""
WINDOW = DATABASE_WINDOW

WEBHOOKS = """\
notifications:
  webhooks:
    - name: chat
      type: slack
      url_env: TEST_HOOK_CHAT
    - name: machines
      type: json
      url_env: TEST_HOOK_JSON
"""


class Repo(GitRepo):
    """The status repository under git; commits get the time we say."""

    def __init__(self, project: Project) -> None:
        super().__init__(project.root)
        self.project = project


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooks]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = Hooks()
    yield server
    server.close()


@pytest.fixture
def repo(project: Project, hooks: Hooks, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Published: an open incident. Working tree: it is resolved. Both webhooks answer 200."""
    project.catalog_path.write_text(CATALOG + WEBHOOKS, encoding="utf-8")
    project.write(RECORD, OPENED)
    repo = Repo(project)
    repo.commit()
    project.write(RECORD, RESOLVED)
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/chat/{TOKEN}", 200))
    monkeypatch.setenv("TEST_HOOK_JSON", hooks.script(f"/json/{TOKEN}", 200))
    return repo


def notify(*args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["notify", "--base", "main", "--now", NOW, "--timeout", "0.3", "--backoff", "0.01", *args],
    )


def assert_no_secrets(result: Result, hooks: Hooks) -> None:
    said = result.stdout + result.stderr
    assert TOKEN not in said
    assert hooks.url("") not in said  # not even the address without the token


def test_a_resolution_goes_to_every_webhook(repo, hooks):
    result = notify()
    assert result.exit_code == 0, result.output
    (chat,) = hooks.received(f"/chat/{TOKEN}")
    assert chat.json["text"] == "Incident resolved: API errors (Resolved)"
    machines = [r.json for r in hooks.received(f"/json/{TOKEN}")]
    assert [list(body)[-1] for body in machines] == ["incident", "component"]
    assert machines[0]["incident"]["status"] == "resolved"
    assert machines[1]["component_update"]["new_status"] == "operational"
    assert "2026-11-21-api-errors/u2 (incident.resolved)" in result.stdout
    assert "3 messages sent, 0 failed" in result.stdout
    assert_no_secrets(result, hooks)


def test_running_twice_sends_nothing_new(repo, hooks, project):
    assert notify().exit_code == 0
    again = notify()
    assert again.exit_code == 0, again.output
    assert len(hooks.requests) == 3
    assert "0 messages sent, 0 failed, 0 held back, 3 sent before" in again.stdout
    state = json.loads((project.root / ".statusbook" / "notify-state.json").read_text())
    assert set(state["sent"]) == {
        "2026-11-21-api-errors/u2",
        "2026-11-21-api-errors/u2/api",
    }


def test_an_explicit_state_file_is_used(repo, hooks, tmp_path):
    state = tmp_path / "elsewhere" / "sent.json"
    assert notify("--state", str(state)).exit_code == 0
    assert notify("--state", str(state)).exit_code == 0
    assert len(hooks.requests) == 3
    assert "2026-11-21-api-errors/u2" in json.loads(state.read_text())["sent"]


def test_a_server_error_then_success_is_delivered(repo, hooks, monkeypatch):
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/flaky/{TOKEN}", 500, 200))
    result = notify()
    assert result.exit_code == 0, result.output
    assert len(hooks.received(f"/flaky/{TOKEN}")) == 2


def test_a_webhook_that_never_answers_fails_alone(repo, hooks, monkeypatch):
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/hang/{TOKEN}", HANG))
    result = notify("--timeout", "0.2", "--retries", "1")
    assert result.exit_code == 1, result.output
    # The other webhook got every message. On a loaded machine its answer may itself take
    # longer than 0.2 s, and a message that timed out is sent again (at least once): count
    # messages, not requests.
    assert len(distinct(hooks.received(f"/json/{TOKEN}"))) == 2
    assert "timed out after 2 attempts" in result.stderr
    assert "failed" in result.stderr and "'chat'" in result.stderr
    assert_no_secrets(result, hooks)
    # The next run retries only what failed.
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/chat/{TOKEN}", 200))
    retry = notify()
    assert retry.exit_code == 0, retry.output
    assert len(hooks.received(f"/chat/{TOKEN}")) == 1
    assert len(distinct(hooks.received(f"/json/{TOKEN}"))) == 2


def distinct(received):
    """The different bodies among ``received``: the messages, however often each was sent."""
    return {request.body for request in received}


def test_too_many_requests_waits_as_told(repo, hooks, monkeypatch):
    monkeypatch.setenv(
        "TEST_HOOK_CHAT", hooks.script(f"/busy/{TOKEN}", (429, {"Retry-After": "0"}), 200)
    )
    result = notify()
    assert result.exit_code == 0, result.output
    assert len(hooks.received(f"/busy/{TOKEN}")) == 2


def test_dry_run_prints_the_bodies_and_sends_nothing(repo, hooks, project):
    result = notify("--dry-run")
    assert result.exit_code == 0, result.output
    assert hooks.requests == []
    assert not (project.root / ".statusbook").exists()
    assert "would send 2026-11-21-api-errors/u2 (incident.resolved) → slack webhook 'chat'" in (
        result.stdout
    )
    assert "($TEST_HOOK_CHAT)" in result.stdout
    assert '"text": "Incident resolved: API errors (Resolved)"' in result.stdout
    assert "3 messages would be sent" in result.stdout
    assert_no_secrets(result, hooks)


def test_dry_run_works_without_the_secrets(repo, hooks, monkeypatch):
    monkeypatch.delenv("TEST_HOOK_CHAT")
    result = notify("--dry-run")
    assert result.exit_code == 0, result.output
    assert "TEST_HOOK_CHAT" in result.stderr
    assert hooks.requests == []


def test_a_missing_variable_is_named_and_nothing_is_sent(repo, hooks, monkeypatch):
    monkeypatch.delenv("TEST_HOOK_JSON")
    result = notify()
    assert result.exit_code == 2
    assert "TEST_HOOK_JSON" in result.stderr and "'machines'" in result.stderr
    assert "Traceback" not in result.output
    assert hooks.requests == []


def test_a_variable_that_holds_no_url_is_refused_without_echoing_it(repo, hooks, monkeypatch):
    monkeypatch.setenv("TEST_HOOK_CHAT", f"ftp://x/{TOKEN}")
    result = notify()
    assert result.exit_code == 2
    assert "TEST_HOOK_CHAT does not hold an http(s) URL" in result.stderr
    assert TOKEN not in result.output


def test_an_unknown_base_is_a_usage_error(repo, hooks):
    result = CliRunner().invoke(cli, ["notify", "--base", "no-such-branch", "--now", NOW])
    assert result.exit_code == 2
    assert "--base no-such-branch" in result.stderr and "not a commit" in result.stderr
    assert "Traceback" not in result.output
    assert hooks.requests == []


def test_a_damaged_sent_log_is_a_configuration_error(repo, hooks, project):
    (project.root / ".statusbook").mkdir()
    (project.root / ".statusbook" / "notify-state.json").write_text("{oops")
    result = notify()
    assert result.exit_code == 2
    assert "not a statusbook sent-log" in result.stderr
    assert hooks.requests == []


def test_maintenance_starting_by_the_clock_is_sent_once(project, hooks, monkeypatch):
    project.catalog_path.write_text(CATALOG + WEBHOOKS, encoding="utf-8")
    project.write("2026-11-22-database-upgrade.md", WINDOW)
    repo = Repo(project)
    repo.commit(when="2026-11-20T09:05:00Z")
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/chat/{TOKEN}", 200))
    monkeypatch.setenv("TEST_HOOK_JSON", hooks.script(f"/json/{TOKEN}", 200))

    def at(now: str) -> Result:
        return CliRunner().invoke(cli, ["notify", "--base", "HEAD", "--now", now])

    before = at("2026-11-22T01:00:00Z")
    assert before.exit_code == 0 and hooks.requests == []
    during = at("2026-11-22T02:30:00Z")
    assert during.exit_code == 0, during.output
    (chat,) = hooks.received(f"/chat/{TOKEN}")
    assert chat.json["text"] == "Maintenance started: Database upgrade (In progress)"
    assert at("2026-11-22T03:00:00Z").exit_code == 0
    assert len(hooks.received(f"/chat/{TOKEN}")) == 1  # not again


def test_filters_keep_unrelated_changes_away(repo, hooks, project, monkeypatch):
    project.catalog_path.write_text(
        CATALOG
        + "notifications:\n  webhooks:\n"
        + "    - {name: db, type: discord, url_env: TEST_HOOK_DB, components: [database]}\n"
        + "    - {name: big, type: teams, url_env: TEST_HOOK_BIG, min_impact: critical}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_HOOK_DB", hooks.script("/db", 200))
    monkeypatch.setenv("TEST_HOOK_BIG", hooks.script("/big", 200))
    result = notify()
    assert result.exit_code == 0, result.output
    assert hooks.requests == []
    assert "0 messages sent" in result.stdout


def test_without_webhooks_it_says_so(project):
    project.write(RECORD, OPENED)
    repo = Repo(project)
    repo.commit()
    result = CliRunner().invoke(cli, ["notify", "--base", "HEAD", "--now", NOW])
    assert result.exit_code == 0
    assert "no webhooks are configured" in result.stdout


# --- the base's records, wherever the base kept them ------------------------------------------------

TWELVE = [f"2026-10-{day:02d}-incident-{day}.md" for day in range(1, 13)]


def _published_history(project: Project) -> None:
    """Twelve resolved incidents besides the one the fixture resolves in the working tree."""
    for name in TWELVE:
        project.write(name, RESOLVED.replace("2026-11-21", name[:10]))


@pytest.fixture
def history(project: Project, hooks: Hooks, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """Published: twelve resolved incidents and an open one. Working tree: it is resolved."""
    project.catalog_path.write_text(CATALOG + WEBHOOKS, encoding="utf-8")
    _published_history(project)
    project.write(RECORD, OPENED)
    repo = Repo(project)
    repo.commit()
    project.write(RECORD, RESOLVED)
    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/chat/{TOKEN}", 200))
    monkeypatch.setenv("TEST_HOOK_JSON", hooks.script(f"/json/{TOKEN}", 200))
    return repo


def _only_the_resolution(result: Result, hooks: Hooks) -> None:
    assert result.exit_code == 0, result.output
    assert "/created" not in result.stdout
    (chat,) = hooks.received(f"/chat/{TOKEN}")
    assert chat.json["text"] == "Incident resolved: API errors (Resolved)"
    assert "3 messages sent, 0 failed" in result.stdout


def test_a_renamed_records_folder_announces_no_incident_again(history, hooks, project):
    history.git("mv", "incidents", "records")
    project.catalog_path.write_text(CATALOG + WEBHOOKS + "records: records\n", encoding="utf-8")
    _only_the_resolution(notify(), hooks)


def test_a_copied_or_narrowed_records_folder_announces_no_incident_again(history, hooks, project):
    shutil.copytree(project.records / "2026", project.root / "status" / "2026")
    project.catalog_path.write_text(CATALOG + WEBHOOKS + "records: status/2026\n", encoding="utf-8")
    _only_the_resolution(notify(), hooks)


def test_a_moved_catalog_is_followed_and_said(history, hooks, project):
    (project.root / "config").mkdir()
    history.git("mv", "statusbook.yml", "config/statusbook.yml")
    moved = project.root / "config" / "statusbook.yml"
    moved.write_text(CATALOG + WEBHOOKS + "records: ../incidents\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--config", str(moved), "notify", "--base", "main", "--now", NOW, "--timeout", "0.3"],
    )
    _only_the_resolution(result, hooks)
    assert "at main the catalog was statusbook.yml" in result.stderr


def test_two_runs_at_once_send_each_message_once(repo, hooks, project, monkeypatch):
    """A run whose messages are still in flight holds the sent-log: a second run started
    meanwhile waits for it and then finds everything sent."""
    import os
    import subprocess
    import sys

    from .hooks import SLOW

    monkeypatch.setenv("TEST_HOOK_CHAT", hooks.script(f"/slow/{TOKEN}", f"{SLOW}0.8"))
    command = [sys.executable, "-m", "statusbook", "notify", "--base", "main", "--now", NOW]
    runs = [
        subprocess.Popen(
            command,
            cwd=project.root,
            env=dict(os.environ),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(hooks.received(f"/slow/{TOKEN}")) == 1
    assert len(hooks.received(f"/json/{TOKEN}")) == 2  # the incident and its component
    said = "".join(out for out, _err in outputs)
    assert "3 messages sent" in said and "3 sent before" in said
