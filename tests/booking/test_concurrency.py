"""50 clients racing for fewer places never oversell: slot, campus day and venue limits, with
concurrent cancellations, through the real service (``atomic``) and over HTTP against a live
threaded server — on a SQLite file and on PostgreSQL (skipped with the reason when unreachable).

Losers must get a clear answer: a capacity refusal, or ``DatabaseBusy`` (503 "系统繁忙", nothing
stored) when SQLite's lock stayed taken through every retry — never an exception, never an oversell.
"""
import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.conftest import DEFAULT_PG, PG_URL, base_config, create_pg_database, drop_pg_database, pg_reachable
from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_venue,
    group_details,
)
from visitorapp import create_app
from visitorapp.audit.models import AuditEntry
from visitorapp.booking import services
from visitorapp.booking.capacity import peak_occupancy
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.database import DatabaseBusy, atomic
from visitorapp.errors import DomainError
from visitorapp.extensions import db
from visitorapp.programme.models import CampusDay, Slot, Venue
from visitorapp.timeutil import utcnow

RACERS = 50


@pytest.fixture(scope="module")
def pg_race_url():
    """A throw-away PostgreSQL database for this module's races, whichever pass runs them."""
    base = PG_URL or DEFAULT_PG
    reason = pg_reachable(base)
    if reason:
        print(f"SKIPPED PostgreSQL races: {reason}")
        pytest.skip(reason)
    url = create_pg_database(base)
    yield url
    drop_pg_database(base, url)


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.sqlite_only),
                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def race_app(request, tmp_path):
    """A fresh app and empty database of the given kind, with a connection pool for many threads."""
    if request.param == "sqlite":
        url, pool = f"sqlite:///{tmp_path / 'race.sqlite3'}", {"pool_size": RACERS, "max_overflow": 0}
    else:
        url, pool = request.getfixturevalue("pg_race_url"), {"pool_size": 10, "max_overflow": 15}
    app = create_app({**base_config(url, str(tmp_path)),
                      "SQLALCHEMY_ENGINE_OPTIONS": {**pool, "pool_timeout": 30}})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if request.param == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


def setup(app, build):
    """Run ``build`` in its own app context, commit, return what it returns (ids only)."""
    with app.app_context():
        result = build()
        db.session.commit()
        db.session.remove()
        return result


def race(app, attempt, n=RACERS):
    """Run ``attempt(i)`` in ``n`` threads released together; each thread has its own app
    context and session. Returns one outcome per racer: "ok", a refusal code, or "busy"."""
    barrier = threading.Barrier(n)

    def racer(i):
        with app.app_context():
            try:
                barrier.wait()
                attempt(i)
                return "ok"
            except DatabaseBusy:
                return "busy"
            except DomainError as exc:
                assert exc.message, exc.code  # a clear Chinese message for every refusal
                return exc.code
            finally:
                db.session.remove()

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(racer, range(n)))
    print("outcomes:", dict(Counter(results)))  # shown with -s: how the race went
    return results


def book(slot_id: int, i: int, students=9, teachers=1):
    slot = db.session.get(Slot, slot_id)
    details = group_details(leader_mobile=f"139{i:08d}", students=students, teachers=teachers)
    return atomic(services.create_booking, slot, details, enforce_window=False, now=utcnow())


def assert_consistent(app):
    """No oversell anywhere, counters equal the confirmed bookings, nothing half-written."""
    with app.app_context():
        bookings = list(db.session.scalars(sa.select(Booking)))
        confirmed = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
        for slot in db.session.scalars(sa.select(Slot)):
            mine = [b for b in confirmed if b.slot_id == slot.id]
            assert slot.booked == sum(b.headcount for b in mine), f"slot {slot.id} counter drifted"
            assert slot.booked <= slot.capacity, f"slot {slot.id} oversold"
        for day in db.session.scalars(sa.select(CampusDay)):
            on_day = [b for b in confirmed if b.slot.local_day == day.day]
            assert day.booked == sum(b.headcount for b in on_day)
            assert day.booked <= day_cap(day)
        for venue in db.session.scalars(sa.select(Venue)):
            rows = [(s.starts_at, s.ends_at, s.booked) for s in
                    db.session.scalars(sa.select(Slot).where(Slot.venue_id == venue.id))]
            assert peak_occupancy(rows) <= venue.safe_occupancy, f"{venue.name} over safe occupancy"
        # every booking row is whole, and each was logged exactly once in the same transaction
        assert all(b.reference and b.manage_token and b.ticket_nonce for b in bookings)
        created = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "booking.create"))
        assert created == len(bookings)
        return confirmed


def day_cap(day: CampusDay) -> int:
    from visitorapp.programme.models import Edition
    return db.session.get(Edition, day.edition_id).daily_cap


def outcomes_ok(results, allowed):
    assert set(results) <= {"ok", "busy", *allowed}, results


def test_slot_is_the_binding_limit(race_app):
    slot_id = setup(race_app, lambda: create_slot(capacity=100).id)
    results = race(race_app, lambda i: book(slot_id, i))
    outcomes_ok(results, {"slot_full"})
    winners = results.count("ok")
    assert winners <= 10
    if "busy" not in results:
        assert winners == 10, "places left unsold although every racer got an answer"
    confirmed = assert_consistent(race_app)
    assert len(confirmed) == winners


def test_campus_daily_cap_is_the_binding_limit(race_app):
    def build():
        event = create_event(create_edition(daily_cap=100))
        first = create_slot(event, capacity=300)
        return [first.id] + [create_slot(event, capacity=300, starts_at=first.starts_at).id
                             for _ in range(4)]
    slot_ids = setup(race_app, build)
    results = race(race_app, lambda i: book(slot_ids[i % 5], i))
    outcomes_ok(results, {"day_full"})
    assert results.count("ok") <= 10
    if "busy" not in results:
        assert results.count("ok") == 10
    confirmed = assert_consistent(race_app)
    assert sum(b.headcount for b in confirmed) <= 100


def test_venue_safe_occupancy_is_the_binding_limit(race_app):
    def build():
        venue = create_venue(safe_occupancy=100)
        event = create_event()
        first = create_slot(event, venue, capacity=100, minutes=90)
        second = create_slot(event, venue, capacity=100, minutes=90,
                             starts_at=first.starts_at + timedelta(minutes=60))  # overlaps 30 min
        return [first.id, second.id]
    slot_ids = setup(race_app, build)
    results = race(race_app, lambda i: book(slot_ids[i % 2], i))
    outcomes_ok(results, {"venue_full", "slot_full"})
    assert results.count("ok") <= 10
    assert_consistent(race_app)


def test_cancellations_racing_bookings(race_app):
    """A full slot: 10 schools cancel while 40 try to book; freed places are sold at most once."""
    def build():
        slot = create_slot(capacity=100)
        tokens = [create_booking(slot, students=9, teachers=1, leader_mobile=f"1380000{i:04d}")
                  .manage_token for i in range(10)]
        return slot.id, tokens
    slot_id, tokens = setup(race_app, build)

    def attempt(i):
        if i < 10:
            booking = services.by_manage_token(tokens[i])
            atomic(services.cancel_booking, booking, reason="行程变更", now=utcnow())
        else:
            book(slot_id, i)
    results = race(race_app, attempt)
    outcomes_ok(results, {"slot_full"})
    cancelled = results[:10].count("ok")
    assert set(results[:10]) <= {"ok", "busy"}, "a cancellation was refused"
    confirmed = assert_consistent(race_app)
    new = [b for b in confirmed if not b.leader_mobile.startswith("138")]
    assert len(new) == results[10:].count("ok") <= cancelled


def test_double_submits_from_one_mobile_make_one_booking(race_app):
    """A teacher tapping "submit" on several devices at once gets one booking; the rest point to it."""
    slot_id = setup(race_app, lambda: create_slot(capacity=500).id)
    results = race(race_app, lambda i: book(slot_id, 7), n=20)
    outcomes_ok(results, {"duplicate"})
    assert results.count("ok") <= 1
    if "busy" not in results:
        assert results.count("ok") == 1
    assert len(assert_consistent(race_app)) == results.count("ok")


def post_bookings_at_once(app, bodies: list[dict]) -> list[tuple[int, dict]]:
    """POST every body to /api/v1/bookings of a live threaded server, all released together;
    returns (status, JSON) per body."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/bookings"
    barrier = threading.Barrier(len(bodies))

    def post(body):
        request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    try:
        with ThreadPoolExecutor(len(bodies)) as pool:
            return list(pool.map(post, bodies))
    finally:
        server.shutdown()
        thread.join()


def test_http_race_against_a_live_server(race_app):
    """50 phones POST to the JSON API of a live threaded server at once."""
    slot_id = setup(race_app, lambda: create_slot(capacity=100).id)
    answers = post_bookings_at_once(race_app, [
        {"slot_id": slot_id, "school_name": f"株洲市第{i + 1}中学", "school_stage": "junior",
         "students": 9, "teachers": 1, "leader_name": "王老师", "leader_mobile": f"139{i:08d}"}
        for i in range(RACERS)])
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {201, 409, 503}, statuses
    for status, body in answers:
        if status == 409:
            assert body["error"] == "slot_full" and "剩余名额不足" in body["message"]
        elif status == 503:
            assert body["error"] == "busy" and "系统繁忙" in body["message"]
        else:
            assert body["reference"].startswith("TY-") and body["manage_url"]
    assert statuses.count(201) <= 10
    if 503 not in statuses:
        assert statuses.count(201) == 10
    confirmed = assert_consistent(race_app)
    assert sorted(b.reference for b in confirmed) == sorted(
        body["reference"] for status, body in answers if status == 201)

