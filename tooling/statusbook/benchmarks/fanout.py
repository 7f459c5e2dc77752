"""Fan one event out to 10,000 confirmed subscribers through a local SMTP sink.

    python -m statusbook.benchmarks.fanout [--subscribers N] [--threads N] [--postgres URL]

Runs on SQLite (a file in a temporary folder) and, when given a PostgreSQL URL (or
``STATUSBOOK_TEST_POSTGRES_URL``), on PostgreSQL too, in a schema of its own that is dropped
afterwards. The sink is aiosmtpd's ``Sink`` handler in a process of its own, so it neither
shares this process's interpreter lock nor its memory. What is timed is what the service
does for one ``notify`` post: record the event and queue every delivery (one statement),
then the workers' leasing, rendering, SMTP sending and marking sent, until the queue is
empty. Peak memory is the process's peak resident size grown during the fan-out: the
workers hold one batch at a time, so it must not grow with the number of subscribers.

The target (issue 16): at most 60 s for 10,000 mails on the project's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from statusbook.load.catalog import load_catalog
from statusbook.subscriptions.settings import Retry, Settings, load_settings
from statusbook.subscriptions.store import Kind, Store
from statusbook.subscriptions.tables import subscribers
from statusbook.subscriptions.worker import Worker

CATALOG = """\
site:
  name: Benchmark Status
  url: https://status.bench.example/
subscriptions:
  url: https://subscribe.bench.example/
components:
  - id: api
    name: API
    monitored_since: 2025-01-01
  - id: database
    name: Database
    monitored_since: 2025-01-01
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sink(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the SMTP sink did not start")


def _settings(folder: Path, database: str, smtp_port: int) -> Settings:
    (folder / "incidents").mkdir(exist_ok=True)
    (folder / "statusbook.yml").write_text(CATALOG, encoding="utf-8")
    environ = {
        "STATUSBOOK_SUBSCRIPTIONS_SECRET": secrets.token_urlsafe(32),
        "STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY": secrets.token_urlsafe(32),
        "STATUSBOOK_SUBSCRIPTIONS_DATABASE_URL": database,
        "STATUSBOOK_MAIL_FROM": "Benchmark Status <status@bench.example>",
        "STATUSBOOK_SMTP_HOST": "127.0.0.1",
        "STATUSBOOK_SMTP_PORT": str(smtp_port),
        "STATUSBOOK_SMTP_SECURITY": "none",
    }
    settings = load_settings(load_catalog(folder / "statusbook.yml"), environ)
    return replace(settings, retry=Retry(base=0.5, most=2.0, attempts=5))


def _seed(store: Store, count: int) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "key": secrets.token_urlsafe(24),
            "kind": Kind.EMAIL.value,
            "address": f"reader{number}@bench.example",
            "all_components": True,
            "created_at": now,
            "confirmed_at": now,
        }
        for number in range(count)
    ]
    with store.engine.begin() as db:
        db.execute(insert(subscribers), rows)


def _payload() -> str:
    return json.dumps(
        {
            "version": 1,
            "event": {"id": "bench/u1", "kind": "incident.created", "components": ["api"]},
            "notice": {
                "headline": "New incident",
                "title": "API errors",
                "status": "Investigating",
                "text": "We are looking into elevated API error rates.",
                "facts": [["Status", "Investigating"], ["Affected", "API: Major outage"]],
                "when": "21 Nov 2026, 09:05 UTC",
                "link": "https://status.bench.example/incidents/bench/",
                "link_label": "View on the status page",
                "tone": "major",
                "colour": "#e67e22",
                "site": "Benchmark Status",
            },
            "statuspage": {"meta": {}, "page": {}, "incident": {}},
        }
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_of(pid: int) -> float:
    """A process's CPU seconds so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(label: str, database: str, count: int, threads: int, smtp_port: int, sink: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = _settings(Path(folder), database, smtp_port)
        store = Store.open(settings.database_url)
        try:
            _seed(store, count)
            worker = Worker(settings, store, mail_threads=threads, webhook_threads=0)
            before = _peak_mib()
            cpu, sink_cpu = time.process_time(), _cpu_of(sink)
            started = time.perf_counter()
            queued = store.receive_event(
                "bench/u1",
                "incident.created",
                _payload(),
                ["api"],
                mail=True,
                now=datetime.now(UTC),
            )
            fanned = time.perf_counter() - started
            worker.start()
            while store.pending(Kind.EMAIL):
                time.sleep(0.05)
            total = time.perf_counter() - started
            cpu, sink_cpu = time.process_time() - cpu, _cpu_of(sink) - sink_cpu
            worker.stop()
            sent = store.stats()["deliveries"].get("sent", {}).get("email", 0)
        finally:
            store.close()
    print(
        f"{label:<10} {sent:>6} of {queued} mails sent in {total:6.2f} s "
        f"({sent / total:7.0f} mails/s; queued in {fanned:.2f} s), "
        f"peak memory {_peak_mib():.0f} MiB (+{_peak_mib() - before:.0f} MiB during the fan-out)",
        flush=True,
    )
    print(
        f"{'':<10} CPU per mail: service {cpu / max(sent, 1) * 1000:.1f} ms, "
        f"SMTP sink {sink_cpu / max(sent, 1) * 1000:.1f} ms; machine load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )


def _postgres_schema(url: str) -> tuple[str, str]:
    schema = "bench_" + secrets.token_hex(4)
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(base)
    with engine.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _drop(url: str, schema: str) -> None:
    engine = create_engine(make_url(url).difference_update_query(["options"]))
    with engine.begin() as db:
        db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4, help="mail worker threads")
    parser.add_argument("--postgres", default=os.environ.get("STATUSBOOK_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    port = _free_port()
    sink = _sink(port)
    try:
        print(
            f"fan-out of one event to {args.subscribers:,} confirmed subscribers, {args.threads} threads"
        )
        with tempfile.TemporaryDirectory() as folder:
            run(
                "SQLite",
                f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                args.subscribers,
                args.threads,
                port,
                sink.pid,
            )
        if args.postgres:
            url, schema = _postgres_schema(args.postgres)
            try:
                run("PostgreSQL", url, args.subscribers, args.threads, port, sink.pid)
            finally:
                _drop(url, schema)
        else:
            print("PostgreSQL skipped: pass --postgres URL or set STATUSBOOK_TEST_POSTGRES_URL")
    finally:
        sink.terminate()
        sink.wait(10)


if __name__ == "__main__":
    main()
