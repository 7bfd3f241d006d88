"""`flask db-backup` / `flask db-restore`: one private archive with the database, the uploads and
the secret key; restored into a fresh instance, an issued QR ticket still scans and a CV still
downloads (on SQLite and on PostgreSQL)."""
import io
import json
import os
import stat
import tarfile
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, base_config
from tests.factories import create_booking, create_slot, create_user, create_venue
from tests.registration.helpers import create_individual_slot
from tests.registration.test_views import PDF, cv_question, form
from visitorapp import create_app
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking
from visitorapp.checkin.devices import create_device
from visitorapp.extensions import db as _db
from visitorapp.ops import backup as backup_module
from visitorapp.registration.models import Registration
from visitorapp.tickets.tokens import token_for
from visitorapp.timeutil import TZ

#: A moment of the experience day: the slot below starts ten minutes later, so a scan is on time.
NOW = datetime(2027, 5, 12, 8, 50, tzinfo=TZ)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def week(app, db, client, time_machine):
    """A booking with its ticket, a gate device, an organizer, and a registration with a CV
    uploaded through the form."""
    time_machine.move_to(NOW, tick=False)
    venue = create_venue(name="化工安全体验馆")
    booking = create_booking(create_slot(venue=venue, starts_at=NOW + timedelta(minutes=10)),
                             school_name="长沙市备份中学", students=30, teachers=2)
    _device, device_token = create_device("东门扫码枪", venue)
    organizer = create_user(role=Role.ORGANIZER, username="organizer-restore")
    slot = create_individual_slot(capacity=5)
    question = cv_question(slot)
    db.session.commit()
    response = client.post(f"/r/{slot.id}", content_type="multipart/form-data",
                           data=form(**{question.field_name: (io.BytesIO(PDF), "我的简历.pdf")}))
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    return {"ticket": token_for(booking), "device_token": device_token, "organizer": organizer,
            "cv_url": f"/staff/registration/{registration.id}/files/{question.field_name}",
            "reference": booking.reference}


def fresh_config(url, instance) -> dict:
    """A new instance: its own directory, no key configured (one is generated into instance/)."""
    config = {**base_config(url, str(instance)), "INSTANCE_PATH": str(instance)}
    config.pop("SECRET_KEY")
    return config


def run(app, *args):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
        _db.engine.dispose()
    return result


def test_a_restored_instance_scans_issued_tickets_and_serves_uploaded_cvs(
        app, runner, week, empty_database_url, tmp_path):
    archive = tmp_path / "backups" / "visitorapp.tar.gz"
    result = runner.invoke(args=["db-backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "备份完成" in result.output and mode(archive) == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "secret_key" in names and manifest["database"] in names
    assert sum(n.startswith("uploads/cv/") for n in names) == 1 and manifest["uploads"] == 1

    instance = tmp_path / "fresh-instance"
    config = fresh_config(empty_database_url, instance)
    restored = run(create_app(config), "db-restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert "恢复完成" in restored.output

    # The app restarts on the restored instance: its key is the archive's.
    app2 = create_app(config)
    with app2.app_context():
        gate = app2.test_client()
        scan = gate.post("/api/v1/checkins", json={"token": week["ticket"], "direction": "in",
                                                   "client_id": "restore-test-0001"},
                         headers={"Authorization": f"Bearer {week['device_token']}"})
        assert scan.status_code == 201, scan.get_data(as_text=True)
        body = scan.get_json()
        assert body["result"] == "ok" and body["booking"]["school"] == "长沙市备份中学"
        staff = app2.test_client()
        signed_in = staff.post("/login", data={"username": "organizer-restore",
                                               "password": "correct-horse-9"})
        assert signed_in.status_code == 302
        download = staff.get(week["cv_url"])
        assert download.status_code == 200 and download.data == PDF
        assert _db.session.scalar(sa.select(Booking.reference)) == week["reference"]
        _db.session.remove()
        _db.engine.dispose()
    assert mode(instance) == 0o700 and mode(instance / "secret_key") == 0o600
    assert mode(instance / "uploads") == 0o700 and mode(instance / "uploads" / "cv") == 0o700
    assert {mode(p) for p in (instance / "uploads" / "cv").iterdir()} == {0o600}
    if not PG_URL:
        assert mode(tmp_path / "empty.sqlite3") == 0o600


def test_restore_refuses_an_instance_that_is_not_empty(app, runner, week, tmp_path, db):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["db-backup", str(archive)]).exit_code == 0
    result = runner.invoke(args=["db-restore", str(archive)])
    assert result.exit_code != 0 and "empty instance" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1


def test_restore_refuses_a_configured_key_that_is_not_the_archives(
        app, runner, week, empty_database_url, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["db-backup", str(archive)]).exit_code == 0
    config = {**fresh_config(empty_database_url, tmp_path / "fresh-instance"), "SECRET_KEY": "another-key"}
    result = run(create_app(config), "db-restore", str(archive))
    assert result.exit_code != 0 and "VISITORAPP_SECRET_KEY" in result.output
    fresh = create_app(config)
    with fresh.app_context():
        assert sa.inspect(_db.engine).get_table_names() == []  # nothing was restored
        _db.engine.dispose()


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    result = runner.invoke(args=["db-restore", str(junk)])
    assert result.exit_code != 0 and "not a visitorapp backup" in result.output


def test_backup_default_path_is_in_instance_backups(app, db, runner, time_machine):
    time_machine.move_to(NOW, tick=False)
    create_booking()
    db.session.commit()
    result = runner.invoke(args=["db-backup"])
    assert result.exit_code == 0, result.output
    backups = os.path.join(app.instance_path, "backups")
    assert os.listdir(backups) == ["visitorapp-20270512-085000.tar.gz"] and mode(backups) == 0o700


def test_backup_refuses_to_overwrite(app, db, runner, tmp_path):
    target = tmp_path / "exists.bak"
    target.write_text("older backup")
    result = runner.invoke(args=["db-backup", str(target)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "older backup"


def test_postgres_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    with pytest.raises(backup_module.BackupError, match="pg_dump not found.*postgresql-client"):
        backup_module.backup("postgresql+psycopg://postgres@127.0.0.1/test", str(tmp_path), "k",
                             tmp_path / "x.tar.gz", now=NOW, revision=None)
    assert not (tmp_path / "x.tar.gz").exists()
