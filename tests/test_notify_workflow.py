"""The publish workflow's notify job: its shell steps run here, in a real git repository, with
a stand-in for statusbook, so the base-revision and state handling are tested, not just read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import DEMO_ROOT, REPO_ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)

WORKFLOW = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "publish.yml").read_text())
JOB = WORKFLOW["jobs"]["notify"]


def step(name: str) -> dict[str, Any]:
    return next(s for s in JOB["steps"] if s.get("name", "").startswith(name))


class Checkout:
    """A clone as actions/checkout leaves it, plus GitHub's step environment."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root.parent / "github-output"
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "t@example.com")
        self.git("config", "user.name", "T")
        self.git("config", "commit.gpgsign", "false")
        self.bin = root.parent / "bin"
        self.bin.mkdir()

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout.strip()

    def commit(self) -> str:
        self.git("commit", "-q", "--allow-empty", "-m", "x")
        return self.git("rev-parse", "HEAD")

    def fake_statusbook(self, exit_code: int, *, writes_state: bool = True) -> None:
        """Records its arguments; writes a sent-log entry if asked; exits as told."""
        script = self.bin / "statusbook"
        write = (
            'echo "{\\"sent\\": $RANDOM}" > .statusbook/notify-state.json' if writes_state else ":"
        )
        script.write_text(
            f'#!/bin/sh\necho "$@" > "{self.root.parent}/args"\n{write}\nexit {exit_code}\n'
        )
        script.chmod(0o755)

    def run(self, name: str, **env: str) -> tuple[int, dict[str, str]]:
        """Run a step's script as GitHub does (bash -eo pipefail); its exit code and outputs."""
        self.output.write_text("")
        script = self.root.parent / "step.sh"
        script.write_text(step(name)["run"])
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
                "GITHUB_OUTPUT": str(self.output),
                **env,
            },
        )
        outputs = dict(
            line.split("=", 1) for line in self.output.read_text().splitlines() if "=" in line
        )
        return completed.returncode, outputs

    @property
    def state(self) -> Path:
        return self.root / ".statusbook"


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    root = tmp_path / "repo"
    root.mkdir()
    return Checkout(root)


# --- the base revision -------------------------------------------------------------------


def test_the_base_is_the_revision_recorded_by_the_last_complete_run(checkout):
    told = checkout.commit()
    head = checkout.commit()
    checkout.state.mkdir()
    (checkout.state / "notified-revision").write_text(told + "\n")
    code, outputs = checkout.run("Find the revision", BEFORE=head, GITHUB_SHA=head)
    assert code == 0
    assert outputs["revision"] == told


@pytest.mark.parametrize("recorded", [None, "", "0" * 40, "not-a-commit"])
def test_without_usable_state_the_base_is_the_commit_before_the_push(checkout, recorded):
    before = checkout.commit()
    head = checkout.commit()
    if recorded is not None:
        checkout.state.mkdir()
        (checkout.state / "notified-revision").write_text(recorded)
    code, outputs = checkout.run("Find the revision", BEFORE=before, GITHUB_SHA=head)
    assert code == 0
    assert outputs["revision"] == before


@pytest.mark.parametrize("before", ["", "0" * 40])
def test_a_scheduled_run_without_state_starts_from_this_commit(checkout, before):
    head = checkout.commit()
    code, outputs = checkout.run("Find the revision", BEFORE=before, GITHUB_SHA=head)
    assert code == 0
    assert outputs["revision"] == head


# --- running the notifier --------------------------------------------------------------------


def test_a_complete_run_moves_the_base_on_and_saves_the_state(checkout):
    told = checkout.commit()
    head = checkout.commit()
    checkout.fake_statusbook(0)
    code, outputs = checkout.run("Notify subscribers", BASE=told)
    assert code == 0
    assert (checkout.root.parent / "args").read_text().split() == [
        "notify",
        "--base",
        told,
        "--state",
        ".statusbook/notify-state.json",
    ]
    assert (checkout.state / "notified-revision").read_text().strip() == head
    assert outputs.get("changed") == "true"


def test_a_failed_delivery_keeps_the_base_but_saves_what_was_sent(checkout):
    told = checkout.commit()
    checkout.commit()
    checkout.state.mkdir()
    (checkout.state / "notified-revision").write_text(told + "\n")
    checkout.fake_statusbook(1)
    code, outputs = checkout.run("Notify subscribers", BASE=told)
    assert code == 1  # the job goes red
    assert (checkout.state / "notified-revision").read_text().strip() == told
    assert outputs.get("changed") == "true"  # the sent-log is kept anyway


def test_an_unchanged_state_is_not_saved_again(checkout):
    head = checkout.commit()
    checkout.state.mkdir()
    (checkout.state / "notified-revision").write_text(head + "\n")
    checkout.fake_statusbook(0, writes_state=False)
    code, outputs = checkout.run("Notify subscribers", BASE=head)
    assert code == 0
    assert "changed" not in outputs


# --- wiring ---------------------------------------------------------------------------------


def test_the_job_runs_after_the_deploy_with_read_only_access_and_the_whole_history():
    assert set(JOB["needs"]) == {"build", "deploy"}
    assert JOB["permissions"] == {"contents": "read"}
    checkout = JOB["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False


def test_the_state_is_restored_and_saved_under_one_rolling_key():
    restore = step("Restore the notification state")
    save = step("Keep the notification state")
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == ".statusbook"
    assert restore["with"]["key"] == save["with"]["key"]
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert "github.run_id" in save["with"]["key"]
    assert "!cancelled()" in save["if"] and "steps.notify.outputs.changed" in save["if"]


def test_notify_works_at_the_builds_instant():
    build = WORKFLOW["jobs"]["build"]
    assert "steps.build-time.outputs.epoch" in build["outputs"]["build-time"]
    env = step("Notify subscribers")["env"]
    assert env["SOURCE_DATE_EPOCH"] == "${{ needs.build.outputs.build-time }}"


def test_every_example_webhook_variable_is_passed_from_a_secret_of_the_same_name():
    catalog = (DEMO_ROOT / "statusbook.yml").read_text(encoding="utf-8")
    names = re.findall(r"url_env:\s*([A-Z_][A-Z0-9_]*)", catalog)
    assert names
    env = step("Notify subscribers")["env"]
    for name in names:
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    # Secrets go in through env only, never into a script's text.
    assert all("secrets." not in s.get("run", "") for s in JOB["steps"])
