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
load. Each line gives wall time (what the targets are about) and CPU time (user + system,
from ``wait4``), whose ratios move much less when other work shares the machine. Bytecode caching is switched back on for the children (some environments set
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
from typing import NamedTuple

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


class Timing(NamedTuple):
    """One process: wall seconds, and CPU seconds (user + system), which load disturbs less."""

    wall: float
    cpu: float


def run_once(command: Sequence[str], cwd: Path) -> Timing:
    """Time one process; a failing process ends the benchmark with its output."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=_environment(), stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(
                f"{' '.join(command)} exited {process.returncode}:\n{errors.read().decode()}"
            )
    return Timing(elapsed, usage.ru_utime + usage.ru_stime)


def best_times(commands: dict[str, list[str]], cwd: Path, repeat: int) -> dict[str, Timing]:
    """Warm each process once, then interleave them ``repeat`` times; the best of each."""
    for command in commands.values():
        run_once(command, cwd)
    best = dict.fromkeys(commands, Timing(float("inf"), float("inf")))
    for _ in range(repeat):
        for label, command in commands.items():
            timing = run_once(command, cwd)
            best[label] = Timing(
                min(best[label].wall, timing.wall), min(best[label].cpu, timing.cpu)
            )
    return best


#: What the examples are made of, beside the catalog (``problems/`` when there is one).
EXAMPLE_FOLDERS = ("incidents", "problems")


def _examples(into: Path, source: Path) -> str:
    """Copy the shipped catalog and records into ``into``; return the newest record's id."""
    if not (source / "statusbook.yml").is_file():
        raise SystemExit(
            f"no statusbook.yml in {source}; pass --examples with the examples' folder"
        )
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


def startup(examples: Path, repeat: int) -> dict[str, Timing]:
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


def large_validate(records: int, repeat: int) -> dict[str, Timing]:
    with tempfile.TemporaryDirectory(prefix="statusbook-startup-") as folder:
        root = Path(folder)
        generate(root, incidents=records, components=30)
        commands = {
            "bare CSafeLoader parse": [sys.executable, "-c", BARE_PARSE, str(root / "incidents")],
            "statusbook validate": [*statusbook_command(), "validate", "--now", NOW],
        }
        return best_times(commands, root, repeat)


def _report(title: str, times: dict[str, Timing], baseline: str, target: float) -> None:
    """One line per process: best wall time and its ratio (the figure the target is for),
    then best CPU time and its ratio (steadier on a busy machine)."""
    print(title)
    print(f"  {'':<26} {'wall':>8}  {'ratio':>6}  {'cpu':>8}  {'ratio':>6}")
    base = times[baseline]
    for label, timing in times.items():
        note = "baseline" if label == baseline else ""
        if label.startswith("statusbook"):
            verdict = "ok" if timing.wall / base.wall <= target else "OVER"
            note = f"target ≤ {target:g}×  {verdict}"
        print(
            f"  {label:<26} {timing.wall * 1000:6.1f}ms  {timing.wall / base.wall:5.2f}×  "
            f"{timing.cpu * 1000:6.1f}ms  {timing.cpu / base.cpu:5.2f}×  {note}".rstrip()
        )


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
