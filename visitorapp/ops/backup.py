"""Online backup of the live database, taken while the app keeps serving bookings.

SQLite: the sqlite3 backup API copies a consistent snapshot page by page (safe under WAL and
concurrent writers, unlike copying the file). PostgreSQL: ``pg_dump --format=custom`` (restore
with ``pg_restore``); a clear error when the client tools are not installed.
"""
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from ..timeutil import TZ


class BackupError(Exception):
    """The backup could not be taken; the message says what to do."""


def default_path(instance_path: str, url: sa.engine.URL) -> Path:
    stamp = datetime.now(TZ).strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite3" if url.get_backend_name() == "sqlite" else ".pgdump"
    return Path(instance_path) / "backups" / f"visitorapp-{stamp}{suffix}"


def backup(database_uri: str, target: Path) -> Path:
    url = sa.engine.make_url(database_uri)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise BackupError(f"{target} already exists; choose another path.")
    backend = url.get_backend_name()
    if backend == "sqlite":
        _sqlite_backup(url.database, target)
    elif backend == "postgresql":
        _pg_dump(url, target)
    else:
        raise BackupError(f"no backup method for {backend}")
    return target


def _sqlite_backup(source: str | None, target: Path) -> None:
    if not source or source == ":memory:" or not os.path.exists(source):
        raise BackupError(f"SQLite database file not found: {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # pages=1024 with a pause lets writers in between steps (online backup).
        src.backup(dst, pages=1024, sleep=0.005)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)  # personal data


def _pg_dump(url: sa.engine.URL, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump not found: install the PostgreSQL client tools "
                          "(apt-get install postgresql-client) or back up on the database server.")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where `ps` would show it
    args = [pg_dump, "--format=custom", "--no-owner", f"--file={target}",
            f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
            f"--username={url.username or 'postgres'}", url.database or "postgres"]
    # Arguments are a list (no shell) built from our own configuration.
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    os.chmod(target, 0o600)
