"""Benchmark: how fast the CLI answers, as whole processes against bare Python ones.

    python -m statusbook.benchmarks.startup [--repeat 20] [--records 10000] [--large-repeat 5]

A person types ``statusbook --help`` or ``statusbook list`` during an incident; what they
wait for is a whole process: the interpreter starting, the imports, the work. So every
figure here times a child process from spawn to exit, never a function in this one, and
is given as a ratio to a baseline process timed in the same run:

start-up, on the shipped examples (``statusbook.yml``, ``incidents/`` and ``problems/`` of
this repository, copied into a temporary folder)
    ``statusbook --help``, ``list``, ``show`` and ``validate`` against
    ``python -c 'import click'`` — the least a Click program can cost. Target ≤ 2×.
validate, on ``--records`` synthetic records (30 components)
    ``statusbook validate`` against a ``python -c`` process that finds the same files,
    reads them, splits off the front matter and parses it with ``yaml.CSafeLoader`` —
    the least any front-matter checker must do. Target ≤ 1.3×.

Each process runs once to warm the file cache and bytecode, then the sides are
interleaved and the best of ``--repeat`` counts, so all of them see the same machine
load. Bytecode caching is switched back on for the children (some environments set
``PYTHONDONTWRITEBYTECODE``, which would time the compiler instead).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from statusbook.benchmarks.synthetic import generate

REPO = Path(__file__).resolve().parents[3]
#: The examples' demonstration instant (``demo.as_of``), and after the synthetic history.
NOW = "2026-11-21T06:00:00Z"
STARTUP_TARGET = 2.0
VALIDATE_TARGET = 1.3

#: The least a front-matter checker does: find, read, split, parse with libyaml.
BARE_PARSE = """\
import sys
from pathlib import Path
import yaml
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    text = path.read_bytes().decode("utf-8")
    yaml.load(text[4:text.index("\\n---", 3)], Loader=yaml.CSafeLoader)
"""


def statusbook_command() -> list[str]:
    """The installed ``statusbook`` script beside this interpreter, as people run it."""
    script = Path(sys.executable).with_name("statusbook")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "statusbook"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("STATUSBOOK_CONFIG", None)
    return env


def run_once(command: Sequence[str], cwd: Path) -> float:
    """Wall seconds of one process; a failing process ends the benchmark with its output."""
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=cwd, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {completed.returncode}:\n{completed.stderr.decode()}"
        )
    return elapsed


def best_times(commands: dict[str, list[str]], cwd: Path, repeat: int) -> dict[str, float]:
    """Warm each process once, then interleave them ``repeat`` times; the best of each."""
    for command in commands.values():
        run_once(command, cwd)
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(repeat):
        for label, command in commands.items():
            best[label] = min(best[label], run_once(command, cwd))
    return best


#: What the examples are made of, beside the catalog (``problems/`` when there is one).
EXAMPLE_FOLDERS = ("incidents", "problems")


def _examples(into: Path, source: Path) -> str:
    """Copy the shipped catalog and records into ``into``; return the newest record's id."""
    shutil.copy(source / "statusbook.yml", into / "statusbook.yml")
    for folder in EXAMPLE_FOLDERS:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, into / folder)
    records = sorted(
        path
        for path in (into / "incidents").rglob("*.md")
        if path.name != "README.md" and not path.name.startswith(("_", "."))
    )
    if not records:
        raise SystemExit(f"no example records in {source / 'incidents'}")
    return records[-1].stem


def startup(examples: Path, repeat: int) -> dict[str, float]:
    statusbook = statusbook_command()
    with tempfile.TemporaryDirectory(prefix="statusbook-startup-") as folder:
        root = Path(folder)
        record = _examples(root, examples)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            "statusbook --help": [*statusbook, "--help"],
            "statusbook list": [*statusbook, "list", "--now", NOW],
            "statusbook show": [*statusbook, "show", record, "--now", NOW],
            "statusbook validate": [*statusbook, "validate", "--now", NOW],
        }
        return best_times(commands, root, repeat)


def large_validate(records: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="statusbook-startup-") as folder:
        root = Path(folder)
        generate(root, incidents=records, components=30)
        commands = {
            "bare CSafeLoader parse": [sys.executable, "-c", BARE_PARSE, str(root / "incidents")],
            "statusbook validate": [*statusbook_command(), "validate", "--now", NOW],
        }
        return best_times(commands, root, repeat)


def _report(title: str, times: dict[str, float], baseline: str, target: float) -> None:
    print(title)
    base = times[baseline]
    for label, seconds in times.items():
        note = "baseline" if label == baseline else ""
        if label.startswith("statusbook"):
            verdict = "ok" if seconds / base <= target else "OVER"
            note = f"target ≤ {target:g}×  {verdict}"
        print(f"  {label:<26} {seconds * 1000:8.1f} ms  {seconds / base:5.2f}×  {note}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per start-up process")
    parser.add_argument("--records", type=int, default=10_000, help="synthetic records (0: skip)")
    parser.add_argument("--large-repeat", type=int, default=5, help="runs per 10k process")
    parser.add_argument(
        "--examples", type=Path, default=REPO, help="folder with statusbook.yml and incidents/"
    )
    args = parser.parse_args()

    _report(
        f"start-up on the examples: whole processes, best of {args.repeat}",
        startup(args.examples, args.repeat),
        "python -c 'import click'",
        STARTUP_TARGET,
    )
    if args.records:
        _report(
            f"validate {args.records:,} records: whole processes, best of {args.large_repeat}",
            large_validate(args.records, args.large_repeat),
            "bare CSafeLoader parse",
            VALIDATE_TARGET,
        )


if __name__ == "__main__":
    main()
