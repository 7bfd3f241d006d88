"""Individual tickets (个人报名) go through the same gate flow as a group's: one person each."""
from datetime import timedelta

from tests.checkin.helpers import cid
from tests.factories import create_user, create_venue
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.checkin.actors import Actor
from visitorapp.checkin.counts import on_site
from visitorapp.checkin.services import check_in
from visitorapp.database import atomic
from visitorapp.registration import services as registration_services
from visitorapp.tickets.tokens import sign
from visitorapp.timeutil import local_today, utcnow


def _today_registration(venue):
    slot = create_individual_slot(venue=venue, capacity=5, starts_at=utcnow() + timedelta(minutes=10))
    registration = register(slot)
    return registration, sign(registration.ticket_nonce)


def test_individual_ticket_checks_one_person_in_and_out(db):
    venue = create_venue()
    registration, token = _today_registration(venue)
    gate = Actor(user=create_user(Role.GATE, venues=[venue]))
    db.session.commit()
    entry = atomic(check_in, token, venue, "in", None, None, cid(), gate).checkin
    assert entry.result == "ok" and entry.registration_id == registration.id
    assert (entry.students, entry.teachers) == (1, 0)
    assert registration.reference in entry.message
    assert on_site(venue.id, local_today()) == 1
    again = atomic(check_in, token, venue, "in", None, None, cid(), gate).checkin
    assert again.result == "already_checked_in"
    leave = atomic(check_in, token, venue, "out", None, None, cid(), gate).checkin
    assert leave.result == "ok" and on_site(venue.id, local_today()) == 0


def test_cancelled_registration_is_revoked_at_the_gate(db):
    venue = create_venue()
    registration, token = _today_registration(venue)
    registration_services.cancel_registration(registration)
    db.session.commit()
    scan = atomic(check_in, token, venue, "in", None, None, cid(), Actor(user=create_user())).checkin
    assert scan.result == "revoked" and "已取消" in scan.message


def test_gate_of_another_venue_cannot_admit_an_individual(db):
    venue, other = create_venue(), create_venue()
    _, token = _today_registration(venue)
    gate = Actor(user=create_user(Role.GATE, venues=[other]))
    db.session.commit()
    scan = atomic(check_in, token, venue, "in", None, None, cid(), gate).checkin
    assert scan.result == "forbidden_venue"
