"""Every read and write of the service's database: subscribers, events and the queue.

One class, :class:`Store`, over a SQLAlchemy engine, so the app, the workers and the
operator commands share the same few statements and the same rules:

* **Fan-out is one statement in the transaction that records the event.** The event's row
  and one queued delivery per matching confirmed subscriber commit together or not at
  all; an event already recorded fans out to nobody (:meth:`Store.receive_event`).
* **The queue is claimed with a lease** (:meth:`Store.claim`): ``FOR UPDATE SKIP LOCKED``
  on PostgreSQL, so several service instances share one database without taking the same
  row; SQLite takes its write lock at ``BEGIN IMMEDIATE`` and so serialises claims. A
  worker that dies leaves its rows to the next claim once the lease runs out; each row is
  marked sent in its own commit right after the relay accepted the mail.
* **Time is a parameter.** Every method that compares instants takes ``now``.

SQLite gets WAL mode (readers never wait for the writer), foreign keys (an unsubscribe
removes its queued mail) and a busy timeout; PostgreSQL gets connection checks, so an
instance survives a database restart.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import ColumnElement

from statusbook.subscriptions.tables import (
    UtcDateTime,
    deliveries,
    events,
    rate_hits,
    seen_signatures,
    subscriber_components,
    subscribers,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The advisory lock several instances take to migrate one PostgreSQL database in turn.
_MIGRATION_LOCK = 0x5B5B_0016


class Kind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class Purpose(StrEnum):
    EVENT = "event"
    CONFIRM = "confirm"
    CHALLENGE = "challenge"


class State(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Confirmation(StrEnum):
    CONFIRMED = "confirmed"
    #: The link was used already, or a newer one was sent since.
    USED = "used"
    #: No such subscriber (unsubscribed, removed, or never confirmed in time).
    GONE = "gone"


@dataclass(frozen=True)
class Subscriber:
    id: int
    key: str
    kind: Kind
    address: str
    all_components: bool
    components: tuple[str, ...]
    created_at: datetime
    confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def follows(self) -> tuple[str, ...] | None:
        """The components followed, ``None`` for all of them."""
        return None if self.all_components else self.components


@dataclass(frozen=True)
class Job:
    """One claimed delivery, with what the worker needs to send it."""

    id: int
    purpose: Purpose
    event_id: str | None
    detail: dict[str, Any]
    attempts: int
    subscriber_id: int
    key: str
    kind: Kind
    address: str
    all_components: bool


def engine_for(url: str) -> Engine:
    """An engine for a ``sqlite:///`` or ``postgresql://`` URL, set up as the module says."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.render_as_string(hide_password=False), parsed.database)
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise ValueError("the SQLite database must be a file (sqlite:////path/to/file)")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling off, so BEGIN below is the one that counts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock at the start: a deferred transaction that reads, then writes
        # after another connection committed, fails at once instead of waiting.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (creating it on first start)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def new_key() -> str:
    return secrets.token_urlsafe(24)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        engine = engine_for(url)
        if upgrade:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def _insert(self, table: Any) -> Any:
        """An INSERT that can say ON CONFLICT, in this database's dialect."""
        return postgresql.insert(table) if self.dialect == "postgresql" else sqlite.insert(table)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(select(literal(1)))

    # --- subscribing ----------------------------------------------------------------------

    def request(
        self, kind: Kind, address: str, components: tuple[str, ...] | None, now: datetime
    ) -> Subscriber:
        """Record the wish to subscribe and queue the one message an unconfirmed address
        gets: the confirmation mail (or a webhook's challenge).

        A new address becomes an unconfirmed subscriber; a known one keeps what it follows
        until the new link is used. Only the newest link works.
        """
        nonce = new_key()
        with self._tx() as db:
            db.execute(
                self._insert(subscribers)
                .values(
                    key=new_key(),
                    kind=kind.value,
                    address=address,
                    all_components=components is None,
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["kind", "address"])
            )
            row = db.execute(
                select(subscribers.c.id, subscribers.c.confirmed_at).where(
                    subscribers.c.kind == kind.value, subscribers.c.address == address
                )
            ).one()
            if row.confirmed_at is None:
                self._set_components(db, row.id, components)
            db.execute(
                update(subscribers).where(subscribers.c.id == row.id).values(confirm_nonce=nonce)
            )
            db.execute(
                delete(deliveries).where(
                    deliveries.c.subscriber_id == row.id,
                    deliveries.c.purpose != Purpose.EVENT.value,
                    deliveries.c.state == State.PENDING.value,
                )
            )
            purpose = Purpose.CHALLENGE if kind is Kind.WEBHOOK else Purpose.CONFIRM
            detail = {
                "nonce": nonce,
                "components": None if components is None else list(components),
            }
            db.execute(
                insert(deliveries).values(
                    subscriber_id=row.id,
                    event_id=None,
                    purpose=purpose.value,
                    channel=kind.value,
                    detail=json.dumps(detail),
                    state=State.PENDING.value,
                    attempts=0,
                    due_at=now,
                    created_at=now,
                )
            )
            return self._subscriber(db, row.id)

    def confirm(
        self, key: str, nonce: str, components: tuple[str, ...] | None, now: datetime
    ) -> tuple[Confirmation, Subscriber | None]:
        """Use a confirmation link: once, and only the newest one."""
        with self._tx() as db:
            row = db.execute(
                select(subscribers.c.id, subscribers.c.confirm_nonce).where(
                    subscribers.c.key == key
                )
            ).one_or_none()
            if row is None:
                return Confirmation.GONE, None
            if row.confirm_nonce is None or not secrets.compare_digest(row.confirm_nonce, nonce):
                return Confirmation.USED, self._subscriber(db, row.id)
            db.execute(
                update(subscribers)
                .where(subscribers.c.id == row.id)
                .values(
                    confirm_nonce=None,
                    confirmed_at=func.coalesce(
                        subscribers.c.confirmed_at, bindparam("now", now, UtcDateTime())
                    ),
                )
            )
            self._set_components(db, row.id, components)
            return Confirmation.CONFIRMED, self._subscriber(db, row.id)

    def subscriber(self, key: str) -> Subscriber | None:
        with self.engine.connect() as db:
            found = db.execute(select(subscribers.c.id).where(subscribers.c.key == key)).scalar()
            return None if found is None else self._subscriber(db, found)

    def set_components(self, key: str, components: tuple[str, ...] | None) -> Subscriber | None:
        with self._tx() as db:
            found = db.execute(select(subscribers.c.id).where(subscribers.c.key == key)).scalar()
            if found is None:
                return None
            self._set_components(db, found, components)
            return self._subscriber(db, found)

    def unsubscribe(self, key: str) -> bool:
        """Forget the subscriber (its queued messages go with it). ``False`` if unknown."""
        with self._tx() as db:
            return bool(db.execute(delete(subscribers).where(subscribers.c.key == key)).rowcount)

    def _set_components(
        self, db: Connection, subscriber_id: int, chosen: tuple[str, ...] | None
    ) -> None:
        db.execute(
            update(subscribers)
            .where(subscribers.c.id == subscriber_id)
            .values(all_components=chosen is None)
        )
        db.execute(
            delete(subscriber_components).where(
                subscriber_components.c.subscriber_id == subscriber_id
            )
        )
        if chosen:
            db.execute(
                insert(subscriber_components),
                [{"subscriber_id": subscriber_id, "component": c} for c in dict.fromkeys(chosen)],
            )

    def _subscriber(self, db: Connection, subscriber_id: int) -> Subscriber:
        row = db.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).one()
        chosen = db.execute(
            select(subscriber_components.c.component)
            .where(subscriber_components.c.subscriber_id == subscriber_id)
            .order_by(subscriber_components.c.component)
        ).scalars()
        return Subscriber(
            id=row.id,
            key=row.key,
            kind=Kind(row.kind),
            address=row.address,
            all_components=row.all_components,
            components=tuple(chosen),
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
        )

    # --- events and fan-out ---------------------------------------------------------------

    def receive_event(
        self,
        event_id: str,
        kind: str,
        payload: str,
        components: Sequence[str],
        *,
        mail: bool,
        now: datetime,
    ) -> int | None:
        """Record an event and queue it for every confirmed subscriber who follows one of
        ``components`` (or everything); ``mail`` says whether email subscribers get it.

        ``None`` when the event was recorded before: nothing is queued twice.
        """
        with self._tx() as db:
            # RETURNING, not rowcount: what drivers report for ON CONFLICT differs.
            created = db.execute(
                self._insert(events)
                .values(id=event_id, kind=kind, received_at=now, payload=payload, recipients=0)
                .on_conflict_do_nothing(index_elements=["id"])
                .returning(events.c.id)
            ).first()
            if created is None:
                return None
            follows: ColumnElement[bool] = subscribers.c.all_components.is_(True)
            if components:
                follows = or_(
                    follows,
                    exists().where(
                        subscriber_components.c.subscriber_id == subscribers.c.id,
                        subscriber_components.c.component.in_(list(components)),
                    ),
                )
            kinds = [Kind.WEBHOOK.value, Kind.EMAIL.value] if mail else [Kind.WEBHOOK.value]
            chosen = select(
                subscribers.c.id,
                literal(event_id, deliveries.c.event_id.type),
                literal(Purpose.EVENT.value),
                subscribers.c.kind,
                literal(State.PENDING.value),
                literal(0),
                literal(now, UtcDateTime()),
                literal(now, UtcDateTime()),
            ).where(subscribers.c.confirmed_at.is_not(None), subscribers.c.kind.in_(kinds), follows)
            db.execute(
                insert(deliveries).from_select(
                    [
                        "subscriber_id",
                        "event_id",
                        "purpose",
                        "channel",
                        "state",
                        "attempts",
                        "due_at",
                        "created_at",
                    ],
                    chosen,
                )
            )
            # Counted, not rowcount: drivers differ on what INSERT … SELECT reports.
            queued = db.execute(
                select(func.count()).where(deliveries.c.event_id == event_id)
            ).scalar_one()
            db.execute(update(events).where(events.c.id == event_id).values(recipients=queued))
            return int(queued)

    def payloads(self, event_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not event_ids:
            return {}
        with self.engine.connect() as db:
            rows = db.execute(
                select(events.c.id, events.c.payload).where(events.c.id.in_(list(event_ids)))
            )
            return {row.id: json.loads(row.payload) for row in rows}

    def seen(self, digest: str, now: datetime) -> bool:
        """Note a signature; ``True`` if it was noted before (a replay)."""
        with self._tx() as db:
            created = db.execute(
                self._insert(seen_signatures)
                .values(digest=digest, seen_at=now)
                .on_conflict_do_nothing(index_elements=["digest"])
                .returning(seen_signatures.c.digest)
            ).first()
            return created is None

    def hit(self, bucket: str, slot: int) -> int:
        """Count one request in ``bucket`` during ``slot``; the count so far."""
        statement = self._insert(rate_hits).values(bucket=bucket, slot=slot, hits=1)
        statement = statement.on_conflict_do_update(
            index_elements=["bucket", "slot"], set_={"hits": rate_hits.c.hits + 1}
        ).returning(rate_hits.c.hits)
        with self._tx() as db:
            return int(db.execute(statement).scalar_one())

    # --- the queue ------------------------------------------------------------------------

    def claim(
        self, channel: Kind, owner: str, limit: int, now: datetime, lease: float
    ) -> list[Job]:
        """Lease up to ``limit`` due deliveries of ``channel`` to ``owner``."""
        due = (
            select(deliveries.c.id)
            .where(
                deliveries.c.state == State.PENDING.value,
                deliveries.c.channel == channel.value,
                deliveries.c.due_at <= bindparam("now", now, UtcDateTime()),
                or_(
                    deliveries.c.lease_until.is_(None),
                    deliveries.c.lease_until < bindparam("now2", now, UtcDateTime()),
                ),
            )
            .order_by(deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        until = now + timedelta(seconds=lease)
        with self._tx() as db:
            ids = list(db.execute(due).scalars())
            if not ids:
                return []
            db.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(ids))
                .values(lease_owner=owner, lease_until=until, attempts=deliveries.c.attempts + 1)
            )
            rows = db.execute(
                select(
                    deliveries.c.id,
                    deliveries.c.purpose,
                    deliveries.c.event_id,
                    deliveries.c.detail,
                    deliveries.c.attempts,
                    subscribers.c.id.label("subscriber_id"),
                    subscribers.c.key,
                    subscribers.c.kind,
                    subscribers.c.address,
                    subscribers.c.all_components,
                )
                .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
                .where(deliveries.c.id.in_(ids))
                .order_by(deliveries.c.id)
            )
            return [
                Job(
                    id=row.id,
                    purpose=Purpose(row.purpose),
                    event_id=row.event_id,
                    detail=json.loads(row.detail) if row.detail else {},
                    attempts=row.attempts,
                    subscriber_id=row.subscriber_id,
                    key=row.key,
                    kind=Kind(row.kind),
                    address=row.address,
                    all_components=row.all_components,
                )
                for row in rows
            ]

    def _finish(self, job: Job, owner: str, **values: Any) -> bool:
        with self._tx() as db:
            return bool(
                db.execute(
                    update(deliveries)
                    .where(deliveries.c.id == job.id, deliveries.c.lease_owner == owner)
                    .values(lease_owner=None, lease_until=None, **values)
                ).rowcount
            )

    def sent(self, job: Job, owner: str, now: datetime) -> bool:
        """Mark a delivery sent. ``False`` if it is no longer this owner's (its lease ran
        out and another worker took it, or its subscriber left)."""
        return self._finish(
            job, owner, state=State.SENT.value, finished_at=now, detail=None, last_error=None
        )

    def retry(self, job: Job, owner: str, due: datetime, error: str) -> bool:
        return self._finish(job, owner, due_at=due, last_error=error[:200])

    def failed(self, job: Job, owner: str, now: datetime, error: str) -> bool:
        return self._finish(
            job, owner, state=State.FAILED.value, finished_at=now, last_error=error[:200]
        )

    def confirm_webhook(self, job: Job, now: datetime) -> bool:
        """A webhook answered its challenge: confirmed, following what it asked for."""
        nonce = job.detail.get("nonce", "")
        components = job.detail.get("components")
        with self._tx() as db:
            done = db.execute(
                update(subscribers)
                .where(subscribers.c.id == job.subscriber_id, subscribers.c.confirm_nonce == nonce)
                .values(
                    confirm_nonce=None,
                    confirmed_at=func.coalesce(
                        subscribers.c.confirmed_at, bindparam("now", now, UtcDateTime())
                    ),
                )
            ).rowcount
            if done:
                self._set_components(
                    db, job.subscriber_id, None if components is None else tuple(components)
                )
            return bool(done)

    # --- the operator's view --------------------------------------------------------------

    def subscribers(self, *, confirmed: bool | None = None) -> list[Subscriber]:
        query = select(subscribers.c.id).order_by(subscribers.c.id)
        if confirmed is True:
            query = query.where(subscribers.c.confirmed_at.is_not(None))
        elif confirmed is False:
            query = query.where(subscribers.c.confirmed_at.is_(None))
        with self.engine.connect() as db:
            return [self._subscriber(db, found) for found in db.execute(query).scalars()]

    def find(self, address: str) -> list[Subscriber]:
        with self.engine.connect() as db:
            found = db.execute(
                select(subscribers.c.id)
                .where(subscribers.c.address == address)
                .order_by(subscribers.c.id)
            ).scalars()
            return [self._subscriber(db, one) for one in found]

    def history(self, subscriber_id: int) -> list[dict[str, Any]]:
        """What was sent to a subscriber (for a data-protection request)."""
        with self.engine.connect() as db:
            rows = db.execute(
                select(
                    deliveries.c.purpose,
                    deliveries.c.event_id,
                    deliveries.c.state,
                    deliveries.c.attempts,
                    deliveries.c.created_at,
                    deliveries.c.finished_at,
                )
                .where(deliveries.c.subscriber_id == subscriber_id)
                .order_by(deliveries.c.id)
            )
            return [dict(row._mapping) for row in rows]

    def remove(self, address: str) -> int:
        with self._tx() as db:
            return int(
                db.execute(delete(subscribers).where(subscribers.c.address == address)).rowcount
            )

    def stats(self) -> dict[str, Any]:
        with self.engine.connect() as db:
            by_kind = db.execute(
                select(
                    subscribers.c.kind,
                    func.count().label("all"),
                    func.count(subscribers.c.confirmed_at).label("confirmed"),
                ).group_by(subscribers.c.kind)
            )
            people = {
                row.kind: {"confirmed": row.confirmed, "pending": row.all - row.confirmed}
                for row in by_kind
            }
            queue = db.execute(
                select(deliveries.c.state, deliveries.c.channel, func.count().label("n")).group_by(
                    deliveries.c.state, deliveries.c.channel
                )
            )
            states: dict[str, dict[str, int]] = {}
            for row in queue:
                states.setdefault(row.state, {})[row.channel] = row.n
            following = db.execute(
                select(subscriber_components.c.component, func.count().label("n"))
                .join(subscribers, subscribers.c.id == subscriber_components.c.subscriber_id)
                .where(
                    subscribers.c.confirmed_at.is_not(None), subscribers.c.all_components.is_(False)
                )
                .group_by(subscriber_components.c.component)
                .order_by(subscriber_components.c.component)
            )
            everything = db.execute(
                select(func.count()).where(
                    subscribers.c.confirmed_at.is_not(None), subscribers.c.all_components.is_(True)
                )
            ).scalar_one()
            received = db.execute(select(func.count()).select_from(events)).scalar_one()
        return {
            "subscribers": {
                kind.value: people.get(kind.value, {"confirmed": 0, "pending": 0}) for kind in Kind
            },
            "following": {"all": everything, **{row.component: row.n for row in following}},
            "deliveries": states,
            "events": received,
        }

    def pending(self, channel: Kind | None = None) -> int:
        query = select(func.count()).where(deliveries.c.state == State.PENDING.value)
        if channel is not None:
            query = query.where(deliveries.c.channel == channel.value)
        with self.engine.connect() as db:
            return int(db.execute(query).scalar_one())

    def purge(
        self,
        now: datetime,
        *,
        unconfirmed_after: float,
        keep_finished: float,
        keep_signatures: float,
    ) -> None:
        """Forget what is no longer needed: unconfirmed addresses whose link expired, old
        signatures and counters, deliveries finished long ago (the event rows stay: they
        keep a late second ``notify`` from fanning out again)."""
        with self._tx() as db:
            db.execute(
                delete(subscribers).where(
                    subscribers.c.confirmed_at.is_(None),
                    subscribers.c.created_at < now - timedelta(seconds=unconfirmed_after),
                )
            )
            db.execute(
                delete(seen_signatures).where(
                    seen_signatures.c.seen_at < now - timedelta(seconds=keep_signatures)
                )
            )
            db.execute(
                delete(deliveries).where(
                    deliveries.c.state != State.PENDING.value,
                    deliveries.c.finished_at < now - timedelta(seconds=keep_finished),
                )
            )

    def purge_counters(self, before_slot: int) -> None:
        with self._tx() as db:
            db.execute(delete(rate_hits).where(rate_hits.c.slot < before_slot))
