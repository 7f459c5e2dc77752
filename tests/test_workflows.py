"""The GitHub workflows: actionlint finds nothing, and they keep the promises the README makes
(pinned actions, least privilege, the history guard on pull requests, Pages deploys, the tool's
own tests only where the tool changes).

tests/test_init.py runs the same checks over the workflows ``statusbook init`` writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO_ROOT

GITHUB = REPO_ROOT / ".github"
WORKFLOWS = sorted([*GITHUB.glob("workflows/*.yml"), *GITHUB.glob("workflows/*.yaml")])
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def _actionlint() -> str:
    """actionlint, installed next to this Python by the test dependencies (or on PATH)."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which("actionlint", path=search)
    if found is None:
        pytest.fail("actionlint is not installed: pip install -e '.[test]'")
    return found


def lint(*paths: Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_actionlint(), "-no-color", "-oneline", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as True.
    return workflow.get("on", workflow.get(True))


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def _runs(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(step.get("run", "") for step in _steps(workflow, job))


# --- actionlint ------------------------------------------------------------------------------


def test_there_are_workflows_to_lint():
    names = {path.name for path in WORKFLOWS}
    assert {"pull-request.yml", "publish.yml"} <= names


def test_every_workflow_passes_actionlint():
    result = lint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_actionlint_reports_a_broken_workflow(tmp_path):
    """The lint test above can fail: the same linter rejects a broken workflow."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.pull_request.titel }}\n"
        "        timeout: 5\n",
        encoding="utf-8",
    )
    result = lint(broken)
    assert result.returncode == 1
    assert "broken.yml:" in result.stdout


# --- promises every workflow keeps -----------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actions_are_pinned_to_a_commit_with_the_version_in_a_comment(path):
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", text, flags=re.MULTILINE)
    assert uses
    for action, comment in uses:
        assert PINNED.match(action), f"{action} is not pinned to a commit"
        assert re.search(r"#\s*v\d+(\.\d+)*", comment), f"{action} has no version comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_permissions_are_empty_by_default_and_granted_per_job(path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} does not declare its permissions"
        granted = job["permissions"]
        assert granted != "write-all"


def test_only_the_deploy_job_may_write_pages_or_mint_tokens():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, job in workflow["jobs"].items():
            permissions = job["permissions"]
            writes = {key for key, value in permissions.items() if value == "write"}
            if (path.name, name) == ("publish.yml", "deploy"):
                assert writes == {"pages", "id-token"}
            else:
                assert not writes & {"pages", "id-token"}, f"{path.name}: {name}"


# --- pull requests ------------------------------------------------------------------------------


def test_pull_requests_are_checked_on_every_push_and_label_change():
    workflow = _load("pull-request.yml")
    types = _triggers(workflow)["pull_request"]["types"]
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(types)
    assert workflow["jobs"]["check"]["permissions"] == {"contents": "read"}


def test_superseded_pull_request_runs_are_cancelled():
    concurrency = _load("pull-request.yml")["concurrency"]
    assert concurrency["cancel-in-progress"] is True
    assert "github.event.pull_request.number" in concurrency["group"]


def test_pull_requests_run_validate_with_the_history_guard_and_a_strict_build():
    workflow = _load("pull-request.yml")
    checkout = _steps(workflow, "check")[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there for --base
    assert checkout["with"]["persist-credentials"] is False
    runs = _runs(workflow, "check")
    assert "statusbook validate" in runs
    assert '--format github --base "origin/$BASE_REF"' in runs
    assert "--allow-history-rewrite" in runs
    assert "statusbook build" in runs
    # An operator's pull request runs what protects the page, not the tool's test suite.
    assert "make test" not in runs and "pytest" not in runs


TOOL_PATHS = {"tooling/**", "tests/**", "site_overrides/**", "pyproject.toml", "Makefile"}


def test_the_tools_own_tests_run_only_where_the_tool_changes():
    workflow = _load("tests.yml")
    triggers = _triggers(workflow)
    pull_request, push = triggers["pull_request"]["paths"], triggers["push"]["paths"]
    assert pull_request == push
    assert {*TOOL_PATHS, ".github/**"} <= set(pull_request)
    assert not {"incidents/**", "statusbook.yml", "pages/**"} & set(pull_request)
    assert triggers["push"]["branches"] == ["main"]
    assert "make test" in _runs(workflow, "test")  # make test installs '.[test]': actionlint too
    assert workflow["jobs"]["test"]["permissions"] == {"contents": "read"}


def test_untrusted_pull_request_text_never_reaches_a_shell():
    # Only values the repository controls may be expanded into scripts, through env.
    workflow = _load("pull-request.yml")
    for step in _steps(workflow, "check"):
        assert "${{" not in step.get("run", "")
    label_step = next(s for s in _steps(workflow, "check") if "HISTORY_REWRITE" in s.get("env", {}))
    assert "'history-rewrite'" in label_step["env"]["HISTORY_REWRITE"]


# --- publishing ----------------------------------------------------------------------------------


def test_publish_runs_on_main_every_fifteen_minutes_and_by_hand():
    triggers = _triggers(_load("publish.yml"))
    assert triggers["push"]["branches"] == ["main"]
    assert {"cron": "*/15 * * * *"} in triggers["schedule"]
    assert "workflow_dispatch" in triggers


def test_publish_builds_at_one_fixed_time_and_deploys_with_the_pages_actions():
    workflow = _load("publish.yml")
    build = "\n".join(str(step) for step in _steps(workflow, "build"))
    assert "SOURCE_DATE_EPOCH=" in build
    assert "statusbook build --site-dir _site" in build
    assert "actions/configure-pages@" in build
    assert "actions/upload-pages-artifact@" in build
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_deployments_queue_and_are_never_cancelled_halfway():
    concurrency = _load("publish.yml")["concurrency"]
    assert concurrency == {"group": "pages", "cancel-in-progress": False}


def test_publish_notifies_subscribers_after_a_successful_deploy():
    # Issue #8 filled the placeholder; tests/test_notify_workflow.py runs its scripts.
    workflow = _load("publish.yml")
    assert "deploy" in workflow["jobs"]["notify"]["needs"]
    assert 'statusbook notify --base "$BASE"' in _runs(workflow, "notify")


def test_pull_request_template_carries_the_incident_checklist():
    template = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 8
    for phrase in ("corrections:", "history-rewrite", "statusbook validate --base", "zone"):
        assert phrase in template
