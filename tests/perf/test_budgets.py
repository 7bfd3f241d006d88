"""Statement and commit budgets of the hot paths: booking (API and form), check-in, ticket page.

Each test sends one real request over HTTP and counts what reaches the database. The budgets
were set from the optimised code (issue 15); a change that adds a lazy load, a recount or a second
commit fails here with the full list of statements, long before a benchmark would notice.
"""
import pytest

from tests.booking.helpers import form_data
from tests.checkin.helpers import booking_today, cid, pin_gate_day
from tests.factories import create_slot, create_venue
from tests.perf.statements import recording
from visitorapp.checkin.devices import create_device
from visitorapp.tickets.tokens import token_for


def probe(name, rec):
    print(f"\n{name}: {rec}")


@pytest.fixture
def slot(db):
    s = create_slot(capacity=100)
    db.session.commit()
    return s.id


def api_body(slot, **kw):
    body = {"slot_id": slot, "school_name": "株洲市天元区第三中学", "school_stage": "junior",
            "grades": "七年级", "students": 40, "teachers": 2, "leader_name": "陈建国",
            "leader_mobile": "13907330102", "email": "chen@example.cn"}
    body.update(kw)
    return body


def test_booking_api(client, db, slot):
    client.post("/api/v1/bookings", json=api_body(slot, leader_mobile="13907330999",
                                                  school_name="热身学校"))
    db.session.remove()
    with recording() as rec:
        r = client.post("/api/v1/bookings", json=api_body(slot))
    assert r.status_code == 201, r.get_json()
    probe("booking api", rec)


def test_booking_form(client, db, slot):
    client.post(f"/book/{slot}", data=form_data(leader_mobile="13907330999", school_name="热身学校"))
    db.session.remove()
    with recording() as rec:
        r = client.post(f"/book/{slot}", data=form_data())
    assert r.status_code == 302, r.get_data(as_text=True)
    probe("booking form", rec)


def test_ticket_page(client, db, slot):
    r = client.post("/api/v1/bookings", json=api_body(slot))
    url = r.get_json()["ticket_url"].replace("http://localhost", "")
    db.session.remove()
    with recording() as rec:
        r = client.get(url)
    assert r.status_code == 200
    probe("ticket", rec)


@pytest.fixture
def gate(db, time_machine):
    pin_gate_day(time_machine)
    venue = create_venue(name="化工安全体验馆")
    _, secret = create_device("东门扫码枪1", venue)
    bookings = [booking_today(venue, students=30, teachers=2) for _ in range(2)]
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    def scan(token, **body):
        return client_holder[0].post("/api/v1/checkins", headers=headers,
                                     json={"token": token, "direction": "in", "client_id": cid(),
                                           **body})
    client_holder = []
    return bookings, scan, client_holder


def test_checkin_paths(client, db, gate):
    bookings, scan, holder = gate
    holder.append(client)
    (_, warm), (_, token) = bookings
    assert scan(warm).status_code == 201
    db.session.remove()
    with recording() as rec:
        r = scan(token, client_id="entry-0001")
    assert r.get_json()["result"] == "ok", r.get_json()
    probe("entry", rec)
    db.session.remove()
    with recording() as rec:
        r = scan(token, client_id="entry-0001")
    assert r.get_json()["replay"] is True
    probe("replay", rec)
    db.session.remove()
    with recording() as rec:
        r = scan(token, direction="out")
    assert r.get_json()["result"] == "ok", r.get_json()
    probe("exit", rec)
    db.session.remove()
    with recording() as rec:
        r = scan("garbage")
    assert r.get_json()["result"] == "unknown"
    probe("refusal unknown", rec)
    db.session.remove()
    with recording() as rec:
        r = scan(token, direction="out")
    assert r.get_json()["result"] == "already_checked_out"
    probe("refusal checked out", rec)
