"""Benchmark: building the status site, against a bare Material build of as many pages.

    python -m statusbook.benchmarks.site [--sizes 1000 10000] [--repeat 3]

For each size it generates a synthetic history (30 components), then times, in the same
run and on the same machine:

- the statusbook build (``mkdocs build`` with the plugin: validation, uptime maths, every
  generated page), and
- a bare mkdocs-material build of the same number of plain Markdown pages carrying the same
  text (title, narrative and every update message), with the same theme and a small nav.

It reports wall time, the ratio between the two, peak memory (max RSS of the build
process) and the home page's transfer size gzipped (HTML plus the CSS, JS and images it
loads, the favicon included), file by file and against its target as a ratio. Targets:
≤ 1.3× the bare build at 1,000; 10,000 in ≤ 60 s, linear; ≤ 1 GB; home page ≤ 40 KB
gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from statusbook.benchmarks.synthetic import generate

REPO = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 8, tzinfo=UTC)  # a week after the synthetic history ends


def _timed_build(root: Path, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one ``mkdocs build`` in a child process."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(int(NOW.timestamp())), NO_MKDOCS_2_WARNING="1")
    # Installed packages run from cached bytecode; a machine that disables the cache would
    # time the compiler instead (both sides, ours more: it imports more modules).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(root / "mkdocs.yml"),
            "-d",
            str(out),
        ],
        env=env,
        cwd=root,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build in {root} failed")
    return elapsed, usage.ru_maxrss * 1024


def _statusbook_project(root: Path, incidents: int) -> None:
    generate(root, incidents=incidents, components=30)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_overrides", root / "site_overrides")
    (root / "pages").mkdir()


def _bare_project(root: Path, source: Path) -> None:
    """Plain pages with the same text as each record, Material theme, no plugin."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    config.update(
        site_name="Bare",
        docs_dir="pages",
        plugins=[],
        nav=[{"Home": "index.md"}],
        not_in_nav="/records/",
        extra_css=[],
        extra_javascript=[],
    )
    config["theme"].pop("custom_dir", None)
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    pages = root / "pages" / "records"
    pages.mkdir(parents=True)
    (root / "pages" / "index.md").write_text("# Bare\n")
    for record in sorted((source / "incidents").rglob("*.md")):
        front, body = record.read_text().split("\n---\n", 1)
        data = yaml.safe_load(front.removeprefix("---\n"))
        updates = "\n\n".join(
            f"**{u['status']}** {u['at']}\n\n{u['message']}" for u in data.get("updates", [])
        )
        (pages / record.name).write_text(
            f"# {data['title']}\n\n{body}\n\n## Timeline\n\n{updates}\n"
        )


#: The home page's weight the site must stay within: HTML, CSS, JS and images, gzipped.
HOME_TARGET = 40 * 1024


_ASSETS = re.compile(
    r'<(?:script|img)[^>]+src="([^"]+)"|<link[^>]+href="([^"]+\.css)"'
    r'|<link rel="(?:shortcut )?icon"[^>]+href="([^"]+)"'
)


def home_files(site: Path) -> list[tuple[str, int, int]]:
    """``(path, raw bytes, bytes sent)`` of the home page and every local file it loads (the
    favicon too): text gzipped, images as they are (a server does not compress them)."""
    html = (site / "index.html").read_text()
    names = ["index.html"] + [
        name
        for found in _ASSETS.findall(html)
        for name in found
        if name and not name.startswith(("http:", "https:", "data:", "//"))
    ]
    files = []
    for name in names:
        data = (site / name).read_bytes()
        text = name.endswith((".html", ".css", ".js", ".svg", ".json"))
        files.append((name, len(data), len(gzip.compress(data, 9)) if text else len(data)))
    return files


def home_transfer_size(site: Path) -> tuple[int, int]:
    """Raw and gzipped bytes of the home page and every local asset it loads."""
    files = home_files(site)
    return sum(raw for _, raw, _ in files), sum(zipped for _, _, zipped in files)


def home_verdict(zipped: int) -> str:
    """The home page's weight against its target, as a ratio and a verdict."""
    ratio = zipped / HOME_TARGET
    verdict = "within target" if zipped <= HOME_TARGET else "OVER TARGET"
    return (
        f"home page {zipped / 1024:.1f} KB gzipped / target {HOME_TARGET / 1024:.0f} KB = "
        f"{ratio:.2f}× ({verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="builds per side; the best counts")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="statusbook-site-bench-") as folder:
        for size in args.sizes:
            project, bare = Path(folder) / f"sb-{size}", Path(folder) / f"bare-{size}"
            project.mkdir()
            bare.mkdir()
            _statusbook_project(project, size)
            _bare_project(bare, project)
            # A warm-up build each (bytecode caches, file cache), then interleaved, best of
            # --repeat: both sides see the same machine load.
            _timed_build(bare, bare / "out")
            _timed_build(project, project / "out")
            bare_runs, ours_runs = [], []
            for _ in range(args.repeat):
                bare_runs.append(_timed_build(bare, bare / "out"))
                ours_runs.append(_timed_build(project, project / "out"))
            bare_time, bare_memory = min(bare_runs)
            ours_time, ours_memory = min(ours_runs)
            raw, zipped = home_transfer_size(project / "out")
            composition = home_files(project / "out")
            rows.append((size, bare_time, ours_time, ours_memory, bare_memory, raw, zipped))
            shutil.rmtree(project)
            shutil.rmtree(bare)

    print(
        f"{'incidents':>9}  {'bare build':>10}  {'statusbook':>10}  {'ratio':>6}  {'per 1k':>7}  "
        f"{'peak RSS':>9}  {'bare RSS':>9}  {'home raw':>9}  {'home gz':>8}"
    )
    first = rows[0]
    for size, bare_time, ours_time, memory, bare_memory, raw, zipped in rows:
        print(
            f"{size:>9,}  {bare_time:>9.2f}s  {ours_time:>9.2f}s  {ours_time / bare_time:>5.2f}×  "
            f"{ours_time / size * 1000:>6.2f}s  {memory / 2**20:>7.0f}MB  {bare_memory / 2**20:>7.0f}MB  "
            f"{raw / 1024:>7.1f}KB  {zipped / 1024:>6.1f}KB"
        )
    if len(rows) > 1:
        last = rows[-1]
        growth = (last[2] / first[2]) / (last[0] / first[0])
        print(
            f"growth {first[0]:,} → {last[0]:,}: {last[2] / first[2]:.2f}× time for "
            f"{last[0] / first[0]:.0f}× records (1.00 = linear; {growth:.2f})"
        )
    print(f"home page of the {rows[-1][0]:,}-incident site, by file (raw, sent gzipped):")
    for name, raw, zipped in composition:
        print(f"  {name:<28} {raw / 1024:>7.1f}KB  {zipped / 1024:>6.1f}KB")
    for size, *_, zipped in rows:
        print(f"{size:>9,} incidents: {home_verdict(zipped)}")
    print("targets: ≤ 1.3× bare at 1,000; 10,000 in ≤ 60 s; peak ≤ 1 GB; home ≤ 40 KB gzipped")


if __name__ == "__main__":
    main()
