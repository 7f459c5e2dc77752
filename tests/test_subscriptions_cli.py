"""`statusbook subscriptions`: a service that cannot start says why (no traceback); the operator's
list, export, remove and stats; the migrations make exactly the tables the code describes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from statusbook.cli import cli
from statusbook.subscriptions.store import Kind, Store
from statusbook.subscriptions.tables import metadata

from .subscriptions_support import BACKENDS, TOKEN_KEY, database_url, environment, write_catalog


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from database_url(request.param, tmp_path)


def test_the_migrations_make_exactly_the_tables_described(database: str) -> None:
    store = Store.open(database)
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert differences == []
        Store.open(database).close()  # a second start migrates nothing and fails nothing
    finally:
        store.close()


def test_a_service_without_its_settings_names_every_missing_one(tmp_path: Path) -> None:
    write_catalog(tmp_path, "https://subscribe.test.example/")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSBOOK_")}
    result = subprocess.run(
        [sys.executable, "-m", "statusbook", "subscriptions", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    for name in (
        "STATUSBOOK_SUBSCRIPTIONS_SECRET",
        "STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY",
        "STATUSBOOK_MAIL_FROM",
        "STATUSBOOK_SMTP_HOST",
    ):
        assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_settings_are_named_without_their_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "https://subscribe.test.example/")
    monkeypatch.chdir(tmp_path)
    for name, value in environment("mysql://u:hunter2@db/x", 25).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY", "short")
    monkeypatch.setenv("STATUSBOOK_SMTP_SECURITY", "ssl3")
    monkeypatch.setenv("STATUSBOOK_SMTP_USER", "mailer")
    result = CliRunner().invoke(cli, ["subscriptions", "serve"])
    assert result.exit_code == 2
    said = result.output
    assert "STATUSBOOK_SUBSCRIPTIONS_TOKEN_KEY is shorter than 32 characters" in said
    assert "STATUSBOOK_SMTP_SECURITY must be one of: starttls, tls, none" in said
    assert "set both STATUSBOOK_SMTP_USER and STATUSBOOK_SMTP_PASSWORD" in said
    assert "must be a sqlite:/// or postgresql:// URL" in said
    assert "hunter2" not in said and TOKEN_KEY not in said


def test_a_database_that_cannot_be_reached_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "https://subscribe.test.example/")
    monkeypatch.chdir(tmp_path)
    for name, value in environment("postgresql://u:hunter2@127.0.0.1:9/x", 25).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["subscriptions", "serve"])
    assert result.exit_code == 2
    assert "cannot open the database postgresql+psycopg://u:***@127.0.0.1:9/x" in result.output or (
        "cannot open the database postgresql://u:***@127.0.0.1:9/x" in result.output
    )
    assert "hunter2" not in result.output


def test_list_export_remove_and_stats(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "https://subscribe.test.example/")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STATUSBOOK_SUBSCRIPTIONS_DATABASE_URL", database)
    store = Store.open(database)
    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    try:
        ann = store.request(Kind.EMAIL, "ann@example.com", ("api",), now)
        store.request(Kind.EMAIL, "bob@example.com", None, now)
        with store.engine.connect() as db:
            query = f"SELECT confirm_nonce FROM subscribers WHERE id = {ann.id}"
            nonce = db.exec_driver_sql(query).scalar()
        store.confirm(ann.key, nonce, ("api",), now)
    finally:
        store.close()
    runner = CliRunner()

    listed = runner.invoke(cli, ["subscriptions", "list"])
    assert listed.exit_code == 0, listed.output
    assert "email    2026-11-21 ann@example.com  [api]" in listed.stdout
    assert "email    pending    bob@example.com  [all]" in listed.stdout
    pending = json.loads(
        runner.invoke(
            cli, ["subscriptions", "list", "--state", "pending", "--format", "json"]
        ).stdout
    )
    assert [one["address"] for one in pending] == ["bob@example.com"]

    exported = json.loads(runner.invoke(cli, ["subscriptions", "export", "Ann@Example.com"]).stdout)
    (only,) = exported["subscriptions"]
    assert only["components"] == ["api"] and only["confirmed_at"] == "2026-11-21T12:00:00Z"
    assert only["deliveries"][0]["purpose"] == "confirm"

    stats = json.loads(runner.invoke(cli, ["subscriptions", "stats", "--format", "json"]).stdout)
    assert stats["subscribers"]["email"] == {"confirmed": 1, "pending": 1}
    assert stats["following"] == {"all": 0, "api": 1}
    assert (
        "email    1 confirmed, 1 pending" in runner.invoke(cli, ["subscriptions", "stats"]).stdout
    )

    removed = runner.invoke(cli, ["subscriptions", "remove", "ann@example.com"])
    assert removed.exit_code == 0 and "removed 1 subscription and their mail" in removed.stdout
    again = runner.invoke(cli, ["subscriptions", "remove", "ann@example.com"])
    assert again.exit_code == 1
    assert (
        json.loads(runner.invoke(cli, ["subscriptions", "export", "ann@example.com"]).stdout)[
            "subscriptions"
        ]
        == []
    )
