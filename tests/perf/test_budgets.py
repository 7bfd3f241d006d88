"""Statement and commit budgets of the hot paths: booking (API and form), check-in, ticket page.

Each test sends one real request over HTTP, after a warm-up request of the same kind, and counts
what reaches the database. Every path commits once. The budgets are what the optimised code sends
(issue 15); a change that adds a lazy load, a recount or a second commit fails here with the
list of statements, long before a benchmark would notice. Timings stay in bench/.
"""
import pytest

from tests.booking.helpers import form_data
from tests.checkin.helpers import booking_today, cid, pin_gate_day
from tests.factories import create_slot, create_venue
from tests.perf.statements import recording
from visitorapp.checkin.devices import create_device

#: Statements per request. Booking: slot (with event, edition, venue), duplicate check, slot,
#: campus day, venue lock + overlap, mobile and school shares, reference, savepoint + insert,
#: audit; the API also queues the confirmation mail (one INSERT … ON CONFLICT (dedupe_key) DO
#: NOTHING; it was a look-up, a savepoint, the insert and its release), and its answer says how
#: many places the slot still has after this booking (``bookable``: the venue's overlapping
#: slots and the campus day, read after the booking took its places).
BOOKING_API = 16
#: The form also records how the group arrives (车辆信息): the edition's vehicle settings and the
#: group's transport row.
BOOKING_FORM = 15
#: Check-in: device (with venue), client_id, ticket (with slot, venue, event, edition), attendance
#: upsert, attendance locked, its presences (read after the lock), the venue's on-site total (one
#: indexed query, entries only), savepoint + attendance/presence/scan writes.
#: Every answer about a group also shows its vehicles' plates (one query on transport), so the
#: gate can match the buses at the entrance.
CHECKIN_ENTRY = 13
CHECKIN_EXIT = 11
CHECKIN_REFUSAL = 10      # a decision refused under the ticket's lock (already checked out)
CHECKIN_UNKNOWN = 5        # a token that is no ticket: no lock taken
CHECKIN_REPLAY = 4         # device, client_id, the stored scan with everything its answer shows, plates
#: The ticket page (确认函): the ticket with its slot; the change notices that concern it; the
#: group's 车辆信息 with its plates (one primary-key read: the 确认函 names the buses the gate expects).
TICKET_PAGE = 3


def within(rec, statements: int, commits: int = 1) -> None:
    assert rec.count <= statements and rec.commits == commits, str(rec)


@pytest.fixture
def slot_id(db):
    slot = create_slot(capacity=200)
    db.session.commit()
    return slot.id


def api_body(slot_id, **kw):
    return {"slot_id": slot_id, "school_name": "株洲市天元区第三中学", "school_stage": "junior",
            "grades": "七年级", "students": 40, "teachers": 2, "leader_name": "陈建国",
            "leader_mobile": "13907330102", "email": "chen@example.cn", **kw}


def test_booking_api(client, db, slot_id):
    warm = client.post("/api/v1/bookings", json=api_body(slot_id, leader_mobile="13907330999",
                                                         school_name="热身学校"))
    assert warm.status_code == 201
    db.session.remove()  # nothing cached from the warm-up: the request loads what it needs
    with recording() as rec:
        response = client.post("/api/v1/bookings", json=api_body(slot_id))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["slot"]["remaining"] == 200 - 2 * 42
    within(rec, BOOKING_API)


def test_booking_form(client, db, slot_id):
    warm = client.post(f"/book/{slot_id}", data=form_data(leader_mobile="13907330999",
                                                          school_name="热身学校"))
    assert warm.status_code == 302
    db.session.remove()
    with recording() as rec:
        response = client.post(f"/book/{slot_id}", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    within(rec, BOOKING_FORM)


def test_ticket_page(client, db, slot_id):
    url = client.post("/api/v1/bookings", json=api_body(slot_id)).get_json()["ticket_url"]
    db.session.remove()
    with recording() as rec:
        response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200 and "株洲市天元区第三中学" in response.get_data(as_text=True)
    within(rec, TICKET_PAGE, commits=0)


@pytest.fixture
def scan(client, db, time_machine):
    """scan(token, **body): POST /api/v1/checkins from a gate device, after one warm-up entry."""
    pin_gate_day(time_machine)
    venue = create_venue(name="化工安全体验馆")
    _, secret = create_device("东门扫码枪1", venue)
    (_, warm), (_, token) = (booking_today(venue, students=30, teachers=2) for _ in range(2))
    db.session.commit()

    def post(token, **body):
        db.session.remove()
        with recording() as rec:
            response = client.post("/api/v1/checkins", headers={"Authorization": f"Bearer {secret}"},
                                   json={"token": token, "direction": "in", "client_id": cid(),
                                         **body})
        return response.get_json(), rec

    assert post(warm)[0]["result"] == "ok"
    post.token = token
    return post


def test_checkin_entry_exit_and_refusal(scan):
    body, rec = scan(scan.token)
    assert (body["result"], body["students"], body["booking"]["students"]) == ("ok", 30, 30)
    within(rec, CHECKIN_ENTRY)
    body, rec = scan(scan.token, direction="out")
    assert body["result"] == "ok" and body["students"] == 30
    within(rec, CHECKIN_EXIT)
    body, rec = scan(scan.token, direction="out")
    assert body["result"] == "already_checked_out"
    within(rec, CHECKIN_REFUSAL)


def test_checkin_unknown_token(scan):
    body, rec = scan("garbage")
    assert body["result"] == "unknown"
    within(rec, CHECKIN_UNKNOWN)


def test_checkin_replay(scan):
    first, _ = scan(scan.token, client_id="gate-phone-0001")
    again, rec = scan(scan.token, client_id="gate-phone-0001")
    assert again["replay"] is True and again["id"] == first["id"]
    assert again["booking"] == first["booking"] and again["by"] == "设备 东门扫码枪1"
    within(rec, CHECKIN_REPLAY)
