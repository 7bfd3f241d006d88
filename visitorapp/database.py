"""Database plumbing shared by every feature: UTC timestamps, SQLite tuning, retry on lock."""
import functools
import logging
import random
import time as _time
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator

from .extensions import db
from .timeutil import UTC

log = logging.getLogger(__name__)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC on every backend.

    SQLite has no timezone type and hands back naive values; this type always returns aware UTC,
    and refuses naive input so a local wall-clock time can never be stored by mistake.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (see visitorapp.timeutil)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def configure_sqlite(engine: sa.Engine, busy_timeout_ms: int) -> None:
    """WAL for concurrent readers, FULL sync so a confirmed booking survives a power cut,
    enforced foreign keys, and a busy timeout well below the request timeout."""

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()


class DatabaseBusy(Exception):
    """The database stayed locked or unreachable through every retry: answer 503, store nothing."""


def is_transient(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(s in text for s in (
        "database is locked", "database table is locked", "deadlock detected",
        "could not serialize", "connection refused", "server closed the connection",
        "terminating connection", "could not connect",
    ))


def retry_on_busy(fn):
    """Run a unit of work (which commits) again when the database is momentarily busy.

    The wrapped function must be safe to repeat from the start: it rolls back on failure, so a
    half-written booking is never left behind. After the last attempt DatabaseBusy is raised.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        attempts = current_app.config.get("DB_RETRY_ATTEMPTS", 4)
        for attempt in range(1, attempts + 1):
            try:
                return fn(*args, **kwargs)
            except OperationalError as exc:
                db.session.rollback()
                if not is_transient(exc):
                    raise
                if attempt == attempts:
                    log.warning("database busy after %d attempts in %s", attempts, fn.__name__)
                    raise DatabaseBusy() from exc
                # Jittered back-off so racing workers do not collide again in lockstep.
                _time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    return wrapper


def lock_rows(stmt: sa.Select) -> sa.Select:
    """SELECT … FOR UPDATE on PostgreSQL; on SQLite the writer already holds the database lock."""
    return stmt.with_for_update()


def take_counter(model, key: dict, column, n: int, limit: int | None) -> bool:
    """Add ``n`` to a counter row (created at ``n`` if missing) unless it would pass ``limit``:
    one conditional upsert, ``INSERT … ON CONFLICT (key) DO UPDATE SET c = c + n WHERE c + n <=
    limit``. The conflicting row is locked before the WHERE is judged (PostgreSQL), or the
    database's write lock is held (SQLite), so two racing takes can never both pass the limit.
    A new row starts at 0, so whether it may be created at ``n`` is decided here, without SQL."""
    if limit is not None and n > limit:
        return False
    stmt = _counter_sql(model.__table__, tuple(key), column.key, limit is not None)
    params = {**key, "n": n} if limit is None else {**key, "n": n, "limit": limit}
    # RETURNING rather than rowcount, which psycopg does not report for an upsert.
    return db.session.execute(stmt, params).first() is not None


def insert_missing(model, values: dict, conflict: tuple[str, ...], *,
                   returning: str | None = None):
    """``INSERT … ON CONFLICT (conflict) DO NOTHING``: create a row unless it exists, race-free.
    With ``returning``, that column of the new row, or None when it existed. Column defaults
    are not applied: ``values`` names every column the row needs."""
    stmt = _insert_missing_sql(model.__table__, tuple(values), conflict, returning)
    result = db.session.execute(stmt, values)
    return result.scalar() if returning else None


# SQLAlchemy never caches the compiled form of its dialects' ON CONFLICT constructs (their Insert
# sets inherit_cache = False), so building one per call compiled it on every booking and scan:
# about a sixth of a booking's CPU (bench/profile_paths.py). The same SQL as text, built once per
# shape with typed bind parameters, is compiled once. Both SQLite (≥ 3.35) and PostgreSQL read it.

def _q(name: str) -> str:
    return f'"{name}"'


def _binds(table: sa.Table, names) -> list[sa.BindParameter]:
    return [sa.bindparam(name, type_=table.c[name].type) for name in names]


@functools.cache
def _counter_sql(table: sa.Table, key: tuple[str, ...], column: str, limited: bool) -> sa.TextClause:
    assert not {"n", "limit"} & set(key), "bind names n and limit are the counter's own"
    target = f"{_q(table.name)}.{_q(column)}"
    sql = (f"INSERT INTO {_q(table.name)} ({', '.join(map(_q, (*key, column)))}) "
           f"VALUES ({', '.join(f':{k}' for k in key)}, :n) "
           f"ON CONFLICT ({', '.join(map(_q, key))}) DO UPDATE SET {_q(column)} = {target} + :n"
           + (f" WHERE {target} + :n <= :limit" if limited else "") + f" RETURNING {_q(column)}")
    counts = [sa.bindparam("n", type_=sa.Integer)] + ([sa.bindparam("limit", type_=sa.Integer)]
                                                     if limited else [])
    return sa.text(sql).bindparams(*_binds(table, key), *counts)


@functools.cache
def _insert_missing_sql(table: sa.Table, columns: tuple[str, ...], conflict: tuple[str, ...],
                        returning: str | None) -> sa.TextClause:
    sql = (f"INSERT INTO {_q(table.name)} ({', '.join(map(_q, columns))}) "
           f"VALUES ({', '.join(f':{c}' for c in columns)}) "
           f"ON CONFLICT ({', '.join(map(_q, conflict))}) DO NOTHING"
           + (f" RETURNING {_q(returning)}" if returning else ""))
    stmt = sa.text(sql).bindparams(*_binds(table, columns))
    return stmt.columns(table.c[returning]) if returning else stmt


def atomic(fn, *args, **kwargs):
    """Run one unit of work and commit it; roll back on any error; retry while the database is busy.

    Views, the API and the CLI call services through this, so a DomainError raised half-way (say,
    after a slot's places were taken but the campus day was full) never leaves partial updates.
    """

    @retry_on_busy
    def unit():
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return unit()


def compact() -> str:
    """After a purge: rewrite the database so deleted personal data is not left in free pages
    (SQLite: checkpoint the WAL, VACUUM; PostgreSQL: VACUUM, which frees dead row versions for
    reuse). Returns a line for the operator; a busy database is reported, not an error."""
    engine = db.engine
    statements = (["PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"]
                  if engine.dialect.name == "sqlite" else ["VACUUM"])
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    except OperationalError as exc:
        log.warning("compact after purge failed: %s", type(exc.orig).__name__ if exc.orig else "?")
        return "提醒：数据库正忙，未能压缩（VACUUM），已删除的数据可能仍留在空闲页中；请稍后执行 VACUUM。"
    return "数据库已压缩（VACUUM），已删除的个人信息不再留在数据文件中。"
