"""Two people writing the same file at the same moment: nothing typed is ever silently lost.

Real processes run the real command: each child imports statusbook once, then runs its
command whenever the parent gives the signal, so both start their edit within a millisecond
of each other — the window in which a check-then-replace that is not serialised loses one
of the two writes.
Every round must end with both updates in the record, or with one of them refused (exit 1,
saying so); never with both commands reporting success and one update gone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
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

#: A child: imports everything once, then runs its command each time the parent says "go",
#: so that both children start each round within a millisecond of each other.
CHILD = textwrap.dedent(
    """
    import contextlib, io, json, os, sys, time
    from statusbook.cli import cli
    folder, tag, template = sys.argv[1], sys.argv[2], sys.argv[3:]
    open(os.path.join(folder, f"ready-{tag}"), "w").close()
    number = 0
    while True:
        go = os.path.join(folder, f"go-{number}")
        while not os.path.exists(go):
            if os.path.exists(os.path.join(folder, "stop")):
                sys.exit(0)
            time.sleep(0.001)
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                cli.main([a.format(n=number) for a in template], prog_name="statusbook")
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 1
        result = os.path.join(folder, f"result-{tag}-{number}.json")
        with open(result + ".part", "w") as handle:
            json.dump({"code": code, "output": output.getvalue()}, handle)
        os.replace(result + ".part", result)
        number += 1
    """
)

#: Rounds to run, unless the time budget runs out first (a loaded machine); at least
#: MIN_ROUNDS must be run. Before the lock, about a third of the rounds lost an update.
ROUNDS = 40
MIN_ROUNDS = 10
BUDGET = 60.0


class Racers:
    """Child processes that each run one command per round, all at the same moment."""

    def __init__(self, project: Project, folder: Path, commands: list[list[str]]) -> None:
        self.folder = folder
        folder.mkdir()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        self.children = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(folder), str(tag), *command],
                cwd=project.root,
                env=env,
            )
            for tag, command in enumerate(commands)
        ]
        self.round = 0
        self._wait(lambda: all((folder / f"ready-{t}").exists() for t in range(len(commands))))

    def race(self) -> list[tuple[int, str]]:
        """One round: every child runs its command at once; their exit codes and output."""
        number = self.round
        (self.folder / f"go-{number}").touch()
        paths = [self.folder / f"result-{tag}-{number}.json" for tag in range(len(self.children))]
        self._wait(lambda: all(path.exists() for path in paths))
        self.round += 1
        results = [json.loads(path.read_text()) for path in paths]
        return [(result["code"], result["output"]) for result in results]

    def _wait(self, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 60
        while not done():
            assert time.monotonic() < deadline, "the children did not answer within 60 s"
            assert all(child.poll() is None for child in self.children), "a child died"
            time.sleep(0.001)

    def __enter__(self) -> Racers:
        return self

    def __exit__(self, *_: object) -> None:
        (self.folder / "stop").touch()
        for child in self.children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


def test_two_updates_at_the_same_moment_are_both_kept_or_one_is_refused(
    project: Project, tmp_path: Path
) -> None:
    path = project.write("2026-11-21-api-errors.md", RECORD)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    commands = [
        ["update", "api-errors", "-m", f"{tag}-{{n}}", "--at", "10:00", "--now", now]
        for tag in ("first", "second")
    ]
    outcomes = {"both kept": 0, "one refused": 0}
    began = time.monotonic()
    with Racers(project, tmp_path / "race", commands) as racers:
        for number in range(ROUNDS):
            if time.monotonic() - began > BUDGET:
                break
            results = racers.race()
            text = path.read_text()
            kept = [f"message: {tag}-{number}\n" in text for tag in ("first", "second")]
            for (code, output), present in zip(results, kept, strict=True):
                assert "Traceback" not in output, output
                if code == 0:
                    assert present, f"round {number}: said 'Updated' but lost it:\n{output}"
                else:
                    assert code == 1, output
                    assert not present
                    assert "changed after it was read" in output or "another" in output, output
            assert any(kept), f"round {number}: both updates refused"
            outcomes["both kept" if all(kept) else "one refused"] += 1
            assert _debris(path.parent) == [], f"round {number}: lock or temporary files left"
    rounds = sum(outcomes.values())
    assert rounds >= MIN_ROUNDS, f"only {rounds} rounds in {BUDGET} s"
    print(f"{rounds} rounds in {time.monotonic() - began:.1f} s: {outcomes}")


def test_two_resolutions_at_the_same_moment_resolve_once(project: Project, tmp_path: Path) -> None:
    """The second writer sees the first one's change: the incident is resolved already, so
    it is refused for that reason — one resolving update, one ``resolved`` time."""
    path = project.write("2026-11-21-api-errors.md", RECORD)
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    commands = [["resolve", "api-errors", "-m", f"Fixed ({tag}).", "--now", now] for tag in "ab"]
    with Racers(project, tmp_path / "race", commands) as racers:
        for number in range(MIN_ROUNDS):
            path.write_text(RECORD)
            results = racers.race()
            text = path.read_text()
            assert sorted(code for code, _ in results) == [0, 1], results
            refused = next(output for code, output in results if code == 1)
            assert "already resolved" in refused or "changed after it was read" in refused
            assert text.count("status: resolved") == 1 and text.count("resolved: ") == 1, text
            assert _debris(path.parent) == [], f"round {number}"


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
