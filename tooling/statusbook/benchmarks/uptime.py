"""Benchmark: every uptime window and the 90-day daily series, for 1k / 10k / 50k incidents.

    python -m statusbook.benchmarks.uptime [--sizes 1000,10000,50000] [--repeat 3]

Each size builds a synthetic repository in memory (30 components, records spread evenly
over ``max(365, n / 3)`` days, as :func:`statusbook.benchmarks.synthetic.build` makes them)
and times, best of ``--repeat`` runs:

``report``
    what the site and ``statusbook sla`` need: per-component timelines from the records,
    the four rolling windows, the current calendar month, quarter and year, and the 90-day
    daily series, for all 30 components (plus the pooled overall figures).
``full history``
    the same, but with timelines built over every record since the first (no skipping
    of records that ended before the earliest window), to show the sweep itself scales.
``sort baseline``
    ``sorted()`` of every status change event (time, component, status) of the same
    records: the least any interval computation over them has to do.

Ratios are against the 1k run of the same column and against the baseline of the same
size, measured in the same process, so they travel between machines better than seconds.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from statusbook.benchmarks.synthetic import END, build
from statusbook.derive.timeline import build_timelines
from statusbook.derive.uptime import (
    Period,
    last_days,
    month_period,
    quarter_period,
    report_from_timelines,
    rolling_periods,
    series_from_timelines,
    year_period,
)
from statusbook.model import Catalog, Incident

#: Mid-month, so the calendar periods are partly elapsed, as they usually are.
NOW = END + timedelta(days=14, hours=12)
TARGET_SECONDS = 1.0


def periods_at(now: datetime) -> list[Period]:
    quarter = (now.month - 1) // 3 + 1
    return [
        *rolling_periods(now),
        month_period(now.year, now.month),
        quarter_period(now.year, quarter),
        year_period(now.year),
    ]


def compute(catalog: Catalog, incidents: Sequence[Incident], *, skip_old: bool) -> int:
    """Everything the site needs about uptime; returns a count so nothing is optimised away."""
    periods = periods_at(NOW)
    days = last_days(NOW, 90, catalog.site.time_zone)
    since = min(periods[0].start, *(p.start for p in periods), days[0].start) if skip_old else None
    timelines = build_timelines(catalog, incidents, NOW, since=since)
    report = report_from_timelines(catalog, timelines, NOW, periods)
    series = series_from_timelines(timelines, days, catalog.sla)
    return len(report.periods) + sum(len(days) for days in series.values())


def sort_baseline(incidents: Sequence[Incident]) -> int:
    events = [change for incident in incidents for change in incident.status_changes()]
    return len(sorted(events))


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` runs, with the cyclic GC paused (as ``timeit`` does): its
    full collections scan every live record and would make the timings noisy."""
    timings = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(timings)


def measure(size: int, repeat: int) -> dict[str, float]:
    catalog, incidents = build(size, 30)
    return {
        "report": best_of(repeat, lambda: compute(catalog, incidents, skip_old=True)),
        "full": best_of(repeat, lambda: compute(catalog, incidents, skip_old=False)),
        "baseline": best_of(repeat, lambda: sort_baseline(incidents)),
    }


def _ratio(value: float, base: float, width: int = 8) -> str:
    return f"{value / base:>{width - 1}.2f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated counts")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    results = {size: measure(size, args.repeat) for size in sizes}
    first = results[sizes[0]]
    print(
        f"uptime: 4 rolling windows + month + quarter + year + 90 daily bars, 30 components; "
        f"best of {args.repeat}"
    )
    header = (
        f"{'incidents':>9}  {'sort baseline':>13}  {'vs first':>8}  "
        f"{'full history':>12}  {'vs first':>8}  {'vs sort':>7}  "
        f"{'report':>8}  {'vs first':>8}  {'vs sort':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        row = results[size]
        cells = [
            f"{size:>9,}",
            f"{row['baseline']:>12.3f}s",
            _ratio(row["baseline"], first["baseline"]),
        ]
        for column in ("full", "report"):
            width = 11 if column == "full" else 7
            cells += [
                f"{row[column]:>{width}.3f}s",
                _ratio(row[column], first[column]),
                _ratio(row[column], row["baseline"], 7),
            ]
        print("  ".join(cells))
    if 10_000 in results:
        took = results[10_000]["report"]
        verdict = "within" if took <= TARGET_SECONDS else "OVER"
        print(f"10k report: {took:.3f} s, {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
