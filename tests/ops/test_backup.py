"""`flask db-backup`: a consistent copy of the live database, restorable, personal data kept private."""
import os
import sqlite3

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.factories import create_booking
from visitorapp.ops import backup as backup_module


@pytest.mark.sqlite_only
def test_sqlite_backup_holds_the_committed_bookings(app, db, runner, tmp_path):
    booking = create_booking(school_name="长沙市备份中学")
    db.session.commit()
    target = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["db-backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT reference, school_name FROM booking").fetchall()
    assert rows == [(booking.reference, "长沙市备份中学")]


@pytest.mark.sqlite_only
def test_sqlite_backup_default_path_is_in_instance_backups(app, db, runner):
    create_booking()
    db.session.commit()
    result = runner.invoke(args=["db-backup"])
    assert result.exit_code == 0, result.output
    files = os.listdir(os.path.join(app.instance_path, "backups"))
    assert len(files) == 1 and files[0].startswith("visitorapp-") and files[0].endswith(".sqlite3")


def test_backup_refuses_to_overwrite(app, db, runner, tmp_path):
    target = tmp_path / "exists.bak"
    target.write_text("older backup")
    result = runner.invoke(args=["db-backup", str(target)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "older backup"


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL pass only")
def test_postgres_backup_with_pg_dump(app, db, runner, tmp_path):
    if not backup_module.shutil.which("pg_dump"):
        pytest.skip("pg_dump not installed")
    create_booking()
    db.session.commit()
    target = tmp_path / "copy.pgdump"
    result = runner.invoke(args=["db-backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom-format header


def test_postgres_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    with pytest.raises(backup_module.BackupError, match="pg_dump not found.*postgresql-client"):
        backup_module.backup("postgresql+psycopg://postgres@127.0.0.1/test", tmp_path / "x.pgdump")
    assert not (tmp_path / "x.pgdump").exists()


def test_default_path_suffix_follows_backend(tmp_path):
    pg = backup_module.default_path(str(tmp_path), sa.engine.make_url("postgresql+psycopg://h/db"))
    assert pg.parent == tmp_path / "backups" and pg.suffix == ".pgdump"
