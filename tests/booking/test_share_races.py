"""Fair shares under a race: one mobile (or one school, however it is typed) firing 50 bookings at
once into slots with plenty of room never holds more than its share of the day — on SQLite and on
PostgreSQL, through the real service and over HTTP against a live threaded server.
"""
from datetime import timedelta

import sqlalchemy as sa

from tests.booking.test_concurrency import (
    RACERS,
    assert_consistent,
    outcomes_ok,
    post_bookings_at_once,
    race,
    setup,
)
from tests.booking.test_shares import counters, expected_shares
from tests.factories import create_edition, create_event, create_slot, group_details
from visitorapp.booking import services
from visitorapp.database import atomic
from visitorapp.extensions import db
from visitorapp.programme.models import Slot
from visitorapp.timeutil import utcnow

#: More slots than the share allows groups of 10 (one mobile books each slot at most once).
SLOTS = 15


def build(mobile_limit=None, school_limit=None):
    def make():
        edition = create_edition(max_persons_per_mobile_day=mobile_limit or 100000,
                                 max_persons_per_school_day=school_limit or 100000)
        event = create_event(edition)
        first = create_slot(event, capacity=500)
        slots = [first.id] + [create_slot(event, capacity=500,
                                          starts_at=first.starts_at + timedelta(minutes=10 * i)).id
                              for i in range(1, SLOTS)]
        return edition.id, slots
    return make


def book(slot_id, **kw):
    slot = db.session.get(Slot, slot_id)
    return atomic(services.create_booking, slot, group_details(students=9, teachers=1, **kw),
                  enforce_window=False, now=utcnow())


def shares_consistent(app, edition_id):
    with app.app_context():
        assert counters(db, edition_id) == expected_shares(edition_id)
        return counters(db, edition_id)


def test_one_mobile_never_exceeds_its_daily_share(race_app):
    edition_id, slots = setup(race_app, build(mobile_limit=100))
    results = race(race_app, lambda i: book(slots[i % SLOTS], leader_mobile="13912345678",
                                            school_name=f"第{i}中学"))
    # the same mobile in the same slot is a duplicate; across slots the share is the limit
    outcomes_ok(results, {"mobile_share_exceeded", "duplicate"})
    assert results.count("ok") <= 10
    if "busy" not in results:
        assert results.count("ok") == 10, "share left unused although every racer got an answer"
    confirmed = assert_consistent(race_app)
    assert sum(b.headcount for b in confirmed) == 10 * results.count("ok") <= 100
    shares = shares_consistent(race_app, edition_id)
    assert max(shares.values(), default=0) <= 100


def test_one_school_typed_many_ways_never_exceeds_its_daily_share(race_app):
    edition_id, slots = setup(race_app, build(school_limit=100))
    spellings = ["株洲市第二中学（初中部）", "株洲市第二中学(初中部)", " 株洲市第二中学 （初中部）",
                 "株洲市第二中学（初中部） "]
    results = race(race_app, lambda i: book(slots[i % SLOTS], leader_mobile=f"139{i:08d}",
                                            school_name=spellings[i % 4]))
    outcomes_ok(results, {"school_share_exceeded"})
    assert results.count("ok") <= 10
    if "busy" not in results:
        assert results.count("ok") == 10, "share left unused although every racer got an answer"
    assert_consistent(race_app)
    shares = shares_consistent(race_app, edition_id)
    assert [v for (_, kind, _), v in shares.items() if kind == "school"] == [10 * results.count("ok")]


def test_http_race_of_one_client_against_a_live_server(race_app):
    """The attack from the report: one client, one mobile, the JSON API, as fast as it can."""
    edition_id, slots = setup(race_app, build(mobile_limit=100, school_limit=300))
    answers = post_bookings_at_once(race_app, [
        {"slot_id": slots[i % SLOTS], "school_name": f"株洲市第{i + 1}中学", "school_stage": "junior",
         "students": 9, "teachers": 1, "leader_name": "王老师", "leader_mobile": "13912345678"}
        for i in range(RACERS)])
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {201, 409, 503}, statuses
    for status, body in answers:
        if status == 409:
            assert body["error"] in ("mobile_share_exceeded", "duplicate"), body
            assert "TY-" not in body["message"]
    assert statuses.count(201) <= 10
    confirmed = assert_consistent(race_app)
    assert sum(b.headcount for b in confirmed) <= 100
    shares_consistent(race_app, edition_id)
    with race_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Slot)) == SLOTS
