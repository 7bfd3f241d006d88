"""Restore a ``flask db-backup`` archive into an empty instance (a new server, after a disk loss).

Empty means: the configured database has no tables (a new SQLite path, or a new PostgreSQL
database), and ``instance/uploads/`` holds no file. The archive's secret key is installed as
``instance/secret_key`` (0600), so every issued QR ticket and device token works as before; when
the deployment sets its key in the environment instead, it must be the archive's (checked).
"""
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa

from ..privatefiles import create_private, private_dir, private_sqlite_file
from .backup import (
    DATABASE,
    FORMAT,
    MANIFEST,
    SECRET_KEY,
    UPLOADS,
    BackupError,
    client_tool,
    pg_environment,
)


def restore(archive: Path, engine: sa.Engine, instance_path: str, configured_key: str) -> dict:
    """Put the archive's database, uploads and secret key in place; returns its manifest."""
    backend = engine.url.get_backend_name()
    with tempfile.TemporaryDirectory(prefix="visitorapp-restore-") as work:
        manifest = _unpack(Path(archive), Path(work))
        if manifest["backend"] != backend:
            raise BackupError(f"the archive holds a {manifest['backend']} database; this instance "
                              f"uses {backend}. Restore it into a {manifest['backend']} instance.")
        key = (Path(work) / SECRET_KEY).read_text().strip()
        key_file = Path(instance_path) / SECRET_KEY
        _check_empty(engine, Path(instance_path) / UPLOADS)
        key_from_file = key_file.exists() and key_file.read_text().strip() == configured_key
        if configured_key != key and not key_from_file:
            raise BackupError("this instance's secret key is set in its configuration "
                              "(VISITORAPP_SECRET_KEY) and differs from the archive's: every "
                              "ticket would be refused. Use the archive's key (its secret_key "
                              "file) in the configuration, then restore again.")
        engine.dispose()  # no pooled connection may outlive the database it was opened on
        dump = Path(work) / manifest["database"]
        _sqlite_restore(dump, engine.url) if backend == "sqlite" else _pg_restore(dump, engine.url)
        _restore_uploads(Path(work) / UPLOADS, Path(instance_path) / UPLOADS)
        key_file.unlink(missing_ok=True)
        with create_private(str(key_file)) as f:
            f.write(key.encode())
    return manifest


def _unpack(archive: Path, work: Path) -> dict:
    if not archive.is_file():
        raise BackupError(f"{archive} not found.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive} is not a visitorapp backup archive ({exc}).") from None
    try:
        manifest = json.loads((work / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{archive} has no readable {MANIFEST}: not a visitorapp backup.") from None
    if manifest.get("format") != FORMAT or manifest.get("backend") not in DATABASE:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}.")
    for name in (manifest["database"], SECRET_KEY):
        if not (work / name).is_file():
            raise BackupError(f"{archive} lacks {name}: incomplete backup.")
    return manifest


def _check_empty(engine: sa.Engine, uploads: Path) -> None:
    tables = sa.inspect(engine).get_table_names()
    if tables:
        raise BackupError(f"the database already has {len(tables)} tables: restore only into an "
                          "empty instance (a new SQLite path or a new PostgreSQL database).")
    if uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")):
        raise BackupError(f"{uploads} already holds files: restore only into an empty instance.")


def _sqlite_restore(dump: Path, url: sa.engine.URL) -> None:
    target = Path(url.database)
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # checked empty above: no table, nothing lost
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with create_private(str(partial)) as out, open(dump, "rb") as src:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    private_sqlite_file(str(target))


def _pg_restore(dump: Path, url: sa.engine.URL) -> None:
    connection, env = pg_environment(url)
    args = [client_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
            *connection, f"--dbname={url.database or 'postgres'}", str(dump)]
    # Arguments are a list (no shell) built from our own configuration.
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}")


def _restore_uploads(source: Path, target: Path) -> None:
    private_dir(str(target))
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            private_dir(str(destination))
        elif path.is_file():
            private_dir(str(destination.parent))
            with create_private(str(destination)) as out:
                out.write(path.read_bytes())
