"""The presence migration turns check-ins of the old shape (one entry, one exit per ticket) into
movements with attendance and presence, so the demo's past week keeps its figures."""
import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from tests.conftest import PG_URL, base_config, create_pg_database, drop_pg_database
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


def _insert(table_name: str, /, **values) -> int:
    """A row in the schema as it is at the old revision (reflected, so later columns of the
    models do not matter): the given values, a harmless one for every other required column."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=db.session.connection())
    row = dict(values)
    for col in table.columns:
        if col.name in row or col.primary_key or col.nullable or col.server_default is not None:
            continue
        kind = col.type.python_type
        row[col.name] = (False if kind is bool else 0 if kind is int else {} if kind is dict
                         else datetime.now(UTC) if kind is datetime else date.today()
                         if kind is date else uuid.uuid4().hex[:getattr(col.type, "length", None) or 32])
    return db.session.execute(table.insert().values(**row)).inserted_primary_key[0]


class _Booking:
    def __init__(self, slot_id, students, teachers):
        self.reference = f"TY-0513-{uuid.uuid4().hex[:4].upper()}"
        self.id = _insert("booking", slot_id=slot_id, reference=self.reference, students=students,
                          teachers=teachers, status="confirmed", school_stage="senior",
                          school_name="株洲市第二中学", source="web")


def test_old_check_ins_become_movements(migrated_app):
    script = ScriptDirectory.from_config(migrated_app.extensions["migrate"].migrate.get_config())
    upgrade(revision=script.get_revision("i10_presence").down_revision)
    day_start = datetime(2026, 5, 13, 9, 0, tzinfo=TZ)
    lab = SimpleNamespace(id=_insert("venue", name="精艺楼", safe_occupancy=500))
    other = SimpleNamespace(id=_insert("venue", name="创新楼", safe_occupancy=500))
    edition = _insert("edition", year=2026, title="测试活动周", starts_on=day_start.date(),
                      ends_on=day_start.date() + timedelta(days=6))
    event = _insert("event", edition_id=edition, seq=1, name="开放科普基地", mode="group",
                    category="other", is_published=True)
    slot = _insert("slot", event_id=event, venue_id=lab.id, starts_at=day_start,
                   ends_at=day_start + timedelta(minutes=90), capacity=300, is_open=True,
                   is_rehearsal=False)
    stayed, left, never = _Booking(slot, 40, 2), _Booking(slot, 30, 2), _Booking(slot, 20, 1)
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
