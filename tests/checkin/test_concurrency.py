"""Gates scanning one ticket at the same moment: one entry wins, the others see it inside."""
import threading

import sqlalchemy as sa

from tests.checkin.helpers import MOMENT, booking_today, cid
from tests.factories import create_user, create_venue
from visitorapp.accounts.models import Role, User
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.counts import on_site
from visitorapp.checkin.models import CheckIn
from visitorapp.checkin.services import check_in
from visitorapp.database import atomic
from visitorapp.extensions import db as _db
from visitorapp.programme.models import Venue


def race(app, n, work):
    """Run ``work(i)`` in n threads released together; returns results or exceptions."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                results[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_simultaneous_scans_give_one_check_in(app, db):
    venue = create_venue(safe_occupancy=1000)
    _, token = booking_today(venue, students=40, teachers=2)
    user_ids = [create_user(Role.GATE, venues=[venue]).id for _ in range(4)]
    venue_id = venue.id
    db.session.commit()

    def scan(i):
        actor = Actor(user=_db.session.get(User, user_ids[i]))
        outcome = atomic(check_in, token, _db.session.get(Venue, venue_id), "in", None, None,
                         cid(), actor, now=MOMENT)
        return outcome.checkin.result

    results = race(app, 4, scan)
    assert sorted(results) == ["already_inside"] * 3 + ["ok"], results
    rows = db.session.execute(sa.select(CheckIn.result)).scalars().all()
    assert sorted(rows) == sorted(results)
    assert on_site(MOMENT.date(), venue_id) == 42


def test_simultaneous_retries_with_one_client_id_store_one_scan(app, db):
    venue = create_venue(safe_occupancy=1000)
    _, token = booking_today(venue)
    user_id = create_user(Role.GATE, venues=[venue]).id
    venue_id = venue.id
    db.session.commit()

    def scan(i):
        actor = Actor(user=_db.session.get(User, user_id))
        outcome = atomic(check_in, token, _db.session.get(Venue, venue_id), "in", None, None,
                         "same-retry-id-1", actor, now=MOMENT)
        return outcome.checkin.id

    ids = race(app, 3, scan)
    assert all(isinstance(i, int) for i in ids), ids
    assert len(set(ids)) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_simultaneous_exits_of_one_group_leave_it_once(app, db):
    venue = create_venue(safe_occupancy=1000)
    _, token = booking_today(venue, students=30, teachers=2)
    user_ids = [create_user(Role.GATE, venues=[venue]).id for _ in range(3)]
    venue_id = venue.id
    db.session.commit()
    atomic(check_in, token, db.session.get(Venue, venue_id), "in", None, None, cid(),
           Actor(user=db.session.get(User, user_ids[0])), now=MOMENT)

    def leave(i):
        actor = Actor(user=_db.session.get(User, user_ids[i]))
        return atomic(check_in, token, _db.session.get(Venue, venue_id), "out", None, None,
                      cid(), actor, now=MOMENT).checkin.result

    results = race(app, 3, leave)
    assert sorted(results) == ["already_checked_out"] * 2 + ["ok"], results
    assert on_site(MOMENT.date(), venue_id) == 0
