"""Online backup of a whole instance, taken while the app keeps serving bookings.

One archive (``.tar.gz``, 0600) holds everything a restore needs:

* ``database.sqlite3`` — SQLite's backup API copies a consistent snapshot page by page (safe under
  WAL and concurrent writers, unlike copying the file) — or ``database.pgdump``
  (``pg_dump --format=custom``);
* ``uploads/`` — the CVs and submission images the database refers to;
* ``secret_key`` — the key every ticket QR code and device session is signed with: without it a
  restored instance would refuse every issued ticket;
* ``manifest.json`` — what is inside, from which backend and schema revision.

``visitorapp.ops.restore`` puts it back into an empty instance (``flask db-restore``).
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from ..privatefiles import create_private, private_dir
from ..timeutil import TZ

#: Bumped when the archive's layout changes; restore refuses formats it does not know.
FORMAT = 1
MANIFEST, SECRET_KEY, UPLOADS = "manifest.json", "secret_key", "uploads"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """The backup (or restore) could not be done; the message says what to do."""


def default_path(instance_path: str, now: datetime) -> Path:
    return Path(instance_path) / "backups" / f"visitorapp-{now.astimezone(TZ):%Y%m%d-%H%M%S}.tar.gz"


def backup(database_uri: str, instance_path: str, secret_key: str, target: Path, *,
           now: datetime, revision: str | None) -> Path:
    """Write the archive to ``target`` (0600, all or nothing); refuses to overwrite."""
    url = sa.engine.make_url(database_uri)
    backend = url.get_backend_name()
    if backend not in DATABASE:
        raise BackupError(f"no backup method for {backend}")
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose another path.")
    private_dir(str(target.parent))
    uploads = Path(instance_path) / UPLOADS
    with tempfile.TemporaryDirectory(prefix="visitorapp-backup-") as work:
        dump = Path(work) / DATABASE[backend]
        _sqlite_backup(url.database, dump) if backend == "sqlite" else _pg_dump(url, dump)
        key = Path(work) / SECRET_KEY
        with create_private(str(key)) as f:
            f.write(secret_key.encode())
        manifest = Path(work) / MANIFEST
        files = sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.is_dir() else []
        manifest.write_text(json.dumps({
            "format": FORMAT, "created_at": now.isoformat(), "backend": backend,
            "database": DATABASE[backend], "alembic_revision": revision,
            "uploads": len(files)}, ensure_ascii=False, indent=2))
        partial = target.with_name(f".{target.name}.partial")
        try:
            with create_private(str(partial)) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                for path in (manifest, dump, key):
                    tar.add(path, arcname=path.name)
                for path in files:
                    tar.add(path, arcname=str(Path(UPLOADS) / path.relative_to(uploads)))
            os.replace(partial, target)  # a half-written archive never carries the real name
        finally:
            partial.unlink(missing_ok=True)
    return target


def _sqlite_backup(source: str | None, target: Path) -> None:
    if not source or source == ":memory:" or not os.path.exists(source):
        raise BackupError(f"SQLite database file not found: {source}")
    create_private(str(target)).close()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # pages=1024 with a pause lets writers in between steps (online backup).
        src.backup(dst, pages=1024, sleep=0.005)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()


def pg_environment(url: sa.engine.URL) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL client tools; the password goes in the
    environment, not on the command line where `ps` would show it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
            f"--username={url.username or 'postgres'}"], env


def client_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools "
                          "(apt-get install postgresql-client) or run it on the database server.")
    return path


def _pg_dump(url: sa.engine.URL, target: Path) -> None:
    connection, env = pg_environment(url)
    args = [client_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",
            *connection, url.database or "postgres"]
    # Arguments are a list (no shell) built from our own configuration.
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    os.chmod(target, 0o600)
