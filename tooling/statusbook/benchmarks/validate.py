"""Benchmark: ``statusbook validate`` against a bare ``yaml.CSafeLoader`` parse of the same files.

    python -m statusbook.benchmarks.validate [--records 10000] [--repeat 3]

Both sides read every file from disk, split off the front matter and parse it; the
baseline stops there, statusbook goes on to check shape, rules and catalog references and
to build the model. The figure that matters is the ratio (target ≤ 1.5×), measured in the
same run on the same warm files, best of ``--repeat`` runs each.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import yaml

from statusbook.benchmarks.synthetic import generate
from statusbook.load.catalog import load_catalog
from statusbook.load.records import discover
from statusbook.load.rules import validate_paths

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def bare_parse(files: list[Path]) -> int:
    """What any front-matter tool must do at least: read, split, parse with libyaml."""
    parsed = 0
    for path in files:
        text = path.read_bytes().decode("utf-8")
        end = text.index("\n---", 3)
        yaml.load(text[4:end], Loader=yaml.CSafeLoader)
        parsed += 1
    return parsed


def best_of(repeat: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="statusbook-bench-") as folder:
        root = Path(folder)
        catalog = load_catalog(generate(root, incidents=args.records, components=30))
        files = discover([catalog.records_dir])
        result = validate_paths(None, catalog, NOW)
        assert not result.problems, result.problems[:3]
        assert len(result.incidents) == len(files) == bare_parse(files)

        baseline = best_of(args.repeat, lambda: bare_parse(files))
        validate = best_of(args.repeat, lambda: validate_paths(None, catalog, NOW))

    print(f"records: {len(files)} (30 components), best of {args.repeat} runs")
    print(f"  bare CSafeLoader parse : {baseline:7.3f} s  (1.00×)")
    print(
        f"  statusbook validate    : {validate:7.3f} s  ({validate / baseline:.2f}×)  target ≤ 1.5×"
    )
    print(f"  per record             : {validate / len(files) * 1e6:7.1f} µs")


if __name__ == "__main__":
    main()
