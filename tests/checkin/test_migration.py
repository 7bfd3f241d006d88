"""The presence migration turns check-ins of the old shape (one entry, one exit per ticket) into
movements with attendance and presence, so the demo's past week keeps its figures."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from tests.conftest import PG_URL, base_config, create_pg_database, drop_pg_database
from tests.factories import create_booking, create_event, create_slot, create_venue
from visitorapp import create_app
from visitorapp.checkin import counts
from visitorapp.extensions import db
from visitorapp.timeutil import TZ, UTC


@pytest.fixture
def migrated_app(tmp_path):
    url = create_pg_database(PG_URL) if PG_URL else f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(base_config(url, str(tmp_path)))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        drop_pg_database(PG_URL, url)


def test_old_check_ins_become_movements(migrated_app):
    from datetime import datetime
    script = ScriptDirectory.from_config(migrated_app.extensions["migrate"].migrate.get_config())
    upgrade(revision=script.get_revision("i10_presence").down_revision)
    day_start = datetime(2026, 5, 13, 9, 0, tzinfo=TZ)
    lab, other = create_venue("精艺楼"), create_venue("创新楼")
    event = create_event()
    slot = create_slot(event, lab, starts_at=day_start, capacity=300)
    stayed, left, never = (create_booking(slot, students=40, teachers=2),
                           create_booking(slot, students=30, teachers=2),
                           create_booking(slot, students=20, teachers=1))
    db.session.commit()
    old = sa.text("INSERT INTO check_in (client_id, booking_id, venue_id, direction, students, "
                  "teachers, result, message, warnings, token, scanned_at, synced_at, offline, "
                  "conflict, local_result) VALUES (:cid, :b, :v, :d, :s, :t, :r, '', '', '', :at, "
                  ":at, :off, false, '')")
    at = day_start.astimezone(TZ) - timedelta(minutes=5)
    for cid, booking, venue, direction, s, t, result in (
            ("m-1", stayed, lab, "in", 38, 2, "ok"),
            ("m-2", stayed, lab, "in", 0, 0, "already_checked_in"),
            ("m-3", left, other, "in", 30, 2, "ok"),        # let in at another venue's gate
            ("m-4", left, other, "out", 30, 2, "ok"),
            ("m-5", left, other, "out", 0, 0, "already_checked_out")):
        at += timedelta(minutes=10)
        # Stored as the app stores time: UTC (naive on SQLite, which has no time zones).
        stamp = at.astimezone(UTC) if PG_URL else at.astimezone(UTC).replace(tzinfo=None)
        db.session.execute(old, {"cid": cid, "b": booking.id, "v": venue.id, "d": direction,
                                 "s": s, "t": t, "r": result, "at": stamp, "off": False})
    db.session.commit()
    upgrade()
    day = day_start.date()
    assert counts.on_site(day, lab.id) == 40 and counts.on_site(day, other.id) == 0
    assert {v: c.arrived_persons for v, c in counts.venue_counts(day).items()} == {
        lab.id: 40, other.id: 32}
    arr = counts.arrivals()
    got = dict(db.session.execute(sa.select(arr.c.booking_id, arr.c.students + arr.c.teachers)).all())
    assert got == {stayed.id: 40, left.id: 32} and never.id not in got
    results = db.session.scalars(sa.text("SELECT result FROM check_in ORDER BY client_id")).all()
    assert results == ["ok", "already_inside", "ok", "ok", "already_checked_out"]
    assert [line.holder.reference for line in counts.inside(day)] == [stayed.reference]
    first_in = counts.inside(day)[0].first_in_at
    assert first_in == day_start - timedelta(minutes=5) + timedelta(minutes=10)
