"""Two people writing the same file at the same moment: nothing typed is ever silently lost.

Real processes run the real command: each child imports statusbook, says it is ready and
waits for one signal, so both start their edit within a millisecond of each other — the
window in which a check-then-replace that is not serialised loses one of the two writes.
Every round must end with both updates in the record, or with one of them refused (exit 1,
saying so); never with both commands reporting success and one update gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.io.atomic import locked
from statusbook.load.records import discover
from statusbook.notifications.delivery import SentLog

from .conftest import NOW, Project

RECORD = """\
---
title: API errors
kind: outage
impact: major
started: 2026-11-21T09:00:00Z
components:
  api: major_outage
updates:
  - at: 2026-11-21T09:05:00Z
    status: investigating
    message: We are looking into it.
---
"""

#: A child: import everything first, then wait for the starting signal, then run the command.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from statusbook.cli import cli
    ready, go = sys.argv[1], sys.argv[2]
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.0005)
    sys.exit(cli.main(sys.argv[3:], prog_name="statusbook", standalone_mode=True))
    """
)

ROUNDS = 25
#: The whole test stays within this, however slow the machine (each round waits for two
#: interpreters to start; the edits themselves take milliseconds).
BUDGET = 120.0


def _start(project: Project, tag: str, go: Path, *args: str) -> tuple[subprocess.Popen[str], Path]:
    ready = project.root / f"ready-{tag}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ready), str(go), *args],
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, ready


def _together(project: Project, commands: list[list[str]]) -> list[tuple[int, str]]:
    """Run the commands at the same instant; their exit codes and output."""
    go = project.root / "go"
    go.unlink(missing_ok=True)
    started = [_start(project, str(n), go, *command) for n, command in enumerate(commands)]
    deadline = time.monotonic() + 60
    while not all(ready.exists() for _, ready in started):
        assert time.monotonic() < deadline, "the children never became ready"
        time.sleep(0.005)
    go.touch()
    results = []
    for process, ready in started:
        out, err = process.communicate(timeout=60)
        ready.unlink()
        results.append((process.returncode, out + err))
    return results


def test_two_updates_at_the_same_moment_are_both_kept_or_one_is_refused(project: Project) -> None:
    path = project.write("2026-11-21-api-errors.md", RECORD)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    began = time.monotonic()
    outcomes = {"both": 0, "one refused": 0}
    for round_number in range(ROUNDS):
        assert time.monotonic() - began < BUDGET, f"only {round_number} rounds in {BUDGET} s"
        first, second = f"first-{round_number}", f"second-{round_number}"
        results = _together(
            project,
            [
                ["update", "api-errors", "-m", first, "--at", "10:00", "--now", now],
                ["update", "api-errors", "-m", second, "--at", "10:00", "--now", now],
            ],
        )
        text = path.read_text()
        kept = [message in text for message in (first, second)]
        for (code, output), present in zip(results, kept, strict=True):
            assert "Traceback" not in output, output
            if code == 0:
                assert present, f"round {round_number}: reported 'Updated' but lost:\n{output}"
            else:
                assert code == 1, output
                assert not present
                assert "changed after it was read" in output or "another" in output, output
        outcomes["both" if all(kept) else "one refused"] += 1
        assert any(kept), f"round {round_number}: both updates refused"
        assert _debris(path.parent) == [], f"round {round_number}: lock or temporary files left"
    print(f"{ROUNDS} rounds in {time.monotonic() - began:.1f} s: {outcomes}")


def test_two_resolutions_at_the_same_moment_resolve_once(project: Project) -> None:
    """The second writer sees the first one's change: the incident is resolved already, so
    it is refused for that reason — one resolving update, one ``resolved`` time."""
    path = project.write("2026-11-21-api-errors.md", RECORD)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    for round_number in range(5):
        path.write_text(RECORD)
        results = _together(
            project,
            [["resolve", "api-errors", "-m", f"Fixed ({n}).", "--now", now] for n in range(2)],
        )
        codes = sorted(code for code, _ in results)
        text = path.read_text()
        assert codes == [0, 1], results
        refused = next(output for code, output in results if code == 1)
        assert "already resolved" in refused or "changed after it was read" in refused, refused
        assert text.count("status: resolved") == 1 and text.count("resolved: ") == 1, text
        assert _debris(path.parent) == [], f"round {round_number}"


def test_two_runs_recording_deliveries_at_once_keep_every_entry(tmp_path: Path) -> None:
    """Two notify runs share one sent-log: each records its own deliveries; neither wipes
    the other's out (which would send them again on the next run)."""
    state = tmp_path / ".statusbook" / "notify-state.json"
    script = textwrap.dedent(
        """
        import os, sys, time
        from datetime import datetime, timezone
        from pathlib import Path
        from statusbook.notifications.delivery import SentLog
        ready, go, state, tag = sys.argv[1:5]
        log = SentLog.load(Path(state))
        open(ready, "w").close()
        while not os.path.exists(go):
            time.sleep(0.0005)
        for n in range(20):
            log.record((f"event-{tag}-{n}", "ops"), datetime(2026, 11, 21, tzinfo=timezone.utc))
        """
    )
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    children = []
    for tag in ("a", "b"):
        ready = tmp_path / f"ready-{tag}"
        args = [sys.executable, "-c", script, str(ready), str(go), str(state), tag]
        children.append((subprocess.Popen(args, env=env), ready))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for _, ready in children):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    go.touch()
    for child, _ in children:
        assert child.wait(timeout=60) == 0
    log = SentLog.load(state)
    assert {event for event in log.sent} == {
        f"event-{tag}-{n}" for tag in ("a", "b") for n in range(20)
    }
    assert _debris(state.parent) == []


def test_a_lock_is_exclusive_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "incidents" / "2026" / "2026-11-21-x.md"
    holder = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from statusbook.io.atomic import locked
        with locked(Path(sys.argv[1])):
            print("held", flush=True)
            time.sleep(float(sys.argv[2]))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(target), "0.5"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n"
        began = time.monotonic()
        with locked(target):
            waited = time.monotonic() - began
        assert waited > 0.2, "the second holder did not wait for the first"
    finally:
        child.wait(timeout=30)
    assert _debris(target.parent) == []


def test_a_lock_held_too_long_is_reported_not_waited_for_forever(tmp_path: Path) -> None:
    target = tmp_path / "sent.json"
    holder = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from statusbook.io.atomic import locked
        with locked(Path(sys.argv[1])):
            print("held", flush=True)
            time.sleep(5)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(target)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n"
        with pytest.raises(TimeoutError, match="another statusbook"), locked(target, timeout=0.3):
            pass
    finally:
        child.kill()
        child.wait(timeout=30)


def test_a_held_lock_file_is_no_record_and_git_ignores_it(project: Project) -> None:
    """While a write is under way its lock file sits beside the record: nothing reads it as
    a record, and a repository made by ``statusbook init`` never commits it."""
    path = project.write("2026-11-21-api-errors.md", RECORD)
    target = project.root / "acme"
    made = CliRunner().invoke(
        cli,
        [
            *("init", str(target), "--no-prompt", "--name", "Acme"),
            *("--url", "https://s.example/", "--component", "api=API"),
        ],
    )
    assert made.exit_code == 0, made.output
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    with locked(path), locked(target / "incidents" / "2026" / "2026-11-21-x.md"):
        assert [p.name for p in discover([project.records])] == [path.name]
        listed = CliRunner().invoke(cli, ["list", "--now", NOW.isoformat()])
        assert listed.exit_code == 0 and listed.stdout.count("api-errors") == 1, listed.output
        ignored = subprocess.run(
            ["git", "-C", str(target), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert ".lock" not in ignored
        assert (target / "incidents" / "2026" / ".2026-11-21-x.md.lock").exists()
    assert _debris(path.parent) == []


def _debris(folder: Path) -> list[str]:
    """Hidden files statusbook made: lock files and temporary files of atomic writes."""
    return sorted(
        path.name for path in folder.iterdir() if path.name.startswith(".") and path.is_file()
    )
