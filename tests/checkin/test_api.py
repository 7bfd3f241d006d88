"""POST /api/v1/checkins and the summary over HTTP: sessions, device tokens, roles."""
import pytest
import sqlalchemy as sa

from tests.checkin.helpers import booking_today, cid
from tests.factories import create_user, create_venue
from visitorapp.accounts.models import Role
from visitorapp.checkin.devices import create_device, revoke_device
from visitorapp.checkin.models import CheckIn
from visitorapp.timeutil import utcnow


@pytest.fixture
def venue(db):
    return create_venue(name="化工安全体验馆")


def post(client, token, **body):
    headers = body.pop("headers", {})
    payload = {"token": token, "direction": "in", "client_id": cid(), **body}
    return client.post("/api/v1/checkins", json=payload, headers=headers)


def count(db):
    return db.session.scalar(sa.select(sa.func.count(CheckIn.id)))


def test_gate_session_checks_in_and_retry_is_a_replay(client, login, db, venue):
    booking, token = booking_today(venue, students=30, teachers=2)
    login(create_user(Role.GATE, venues=[venue]))
    r = post(client, token, client_id="gate-phone-0001")
    assert r.status_code == 201
    body = r.get_json()
    assert body["result"] == "ok" and body["booking"]["school"] == booking.school_name
    assert body["booking"]["students"] == 30 and "leader_mobile" not in body["booking"]
    again = post(client, token, client_id="gate-phone-0001")
    assert again.status_code == 200 and again.get_json()["replay"] is True
    third = post(client, token).get_json()
    assert (third["result"], third["tone"], third["admitted"]) == ("already_inside", "warn", False)
    assert count(db) == 2


@pytest.mark.parametrize("token,result", [("garbage", "unknown"),
                                          ("HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "forged")])
def test_refusals_are_stored(client, login, db, venue, token, result):
    login(create_user(Role.GATE, venues=[venue]))
    assert post(client, token).get_json()["result"] == result
    assert count(db) == 1


def test_device_token_works_until_revoked(client, db, venue):
    _, token = booking_today(venue)
    device, secret = create_device("东门扫码枪1", venue)
    db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    r = post(client, token, headers=auth)
    assert r.status_code == 201 and r.get_json()["by"] == "设备 东门扫码枪1"
    summary = client.get("/api/v1/checkins/summary", headers=auth).get_json()
    assert [v["venue"] for v in summary["venues"]] == ["化工安全体验馆"]
    assert summary["campus"]["on_site"] == 42
    revoke_device(device)
    db.session.commit()
    assert post(client, token, headers=auth).status_code == 401
    assert client.get("/api/v1/checkins/summary", headers=auth).status_code == 401
    assert post(client, token, headers={"Authorization": "Bearer gd_wrong"}).status_code == 401


def test_cli_creates_device_and_prints_token_last(runner, client, db, venue):
    _, token = booking_today(venue)
    db.session.commit()
    result = runner.invoke(args=["devices", "create", "西门平板", "--venue", "化工安全体验馆"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    r = post(client, token, headers={"Authorization": f"Bearer {secret}"})
    assert r.get_json()["result"] == "ok"
    assert runner.invoke(args=["devices", "revoke", "西门平板"]).exit_code == 0
    assert post(client, token, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_anonymous_and_reporter_are_refused(client, login, db, venue):
    _, token = booking_today(venue)
    assert post(client, token).status_code == 401
    login(create_user(Role.REPORTER, department=None))
    assert post(client, token).status_code == 403
    assert count(db) == 0


def test_gate_sees_only_its_venues(client, login, db, venue):
    other = create_venue(name="另一场馆")
    _, theirs = booking_today(other)
    login(create_user(Role.GATE, venues=[venue]))
    summary = client.get("/api/v1/checkins/summary").get_json()
    assert [v["venue"] for v in summary["venues"]] == ["化工安全体验馆"]
    r = post(client, theirs, venue_id=other.id).get_json()
    assert r["result"] == "forbidden_venue"
    tickets = client.get("/api/v1/checkins/tickets").get_json()["tickets"]
    assert tickets == []
    assert client.get("/api/v1/checkins/search?q=" + theirs[:3]).get_json()["results"] == []


def test_ticket_list_for_offline_has_no_personal_data(client, login, db, venue):
    booking, token = booking_today(venue)
    login(create_user(Role.GATE, venues=[venue]))
    tickets = client.get("/api/v1/checkins/tickets").get_json()["tickets"]
    assert len(tickets) == 1 and tickets[0]["reference"] == booking.reference
    text = str(tickets)
    assert booking.leader_mobile not in text and token not in text and booking.leader_name not in text


def test_search_by_reference_school_and_mobile(client, login, db, venue):
    booking, token = booking_today(venue, school_name="长沙市雅礼中学", leader_mobile="13912345678")
    login(create_user(Role.GATE, venues=[venue]))
    for q in (booking.reference.lower(), "雅礼", "5678", "13912345678", "139 1234 5678"):
        results = client.get("/api/v1/checkins/search", query_string={"q": q}).get_json()["results"]
        assert [r["token"] for r in results] == [token], q
        assert results[0]["other_venue"] is False and results[0]["can_check_in"] is True
    for q in ("%", "%%", "_%", "13912345679"):
        assert client.get("/api/v1/checkins/search", query_string={"q": q}).get_json()["results"] == []


def test_search_says_other_venue_and_offers_no_check_in_when_cancelled(client, login, db, venue):
    from visitorapp.booking.services import cancel_booking
    other = create_venue(name="精艺楼")
    theirs, _ = booking_today(other, school_name="湘潭市第十中学", leader_mobile="13700001234")
    gone, _ = booking_today(venue, school_name="湘潭市第九中学", leader_mobile="13600001234")
    cancel_booking(gone, reason="test", now=utcnow())
    login(create_user(Role.GATE, venues=[venue]))
    results = client.get("/api/v1/checkins/search?q=1234").get_json()["results"]
    by_school = {r["school"]: r for r in results}
    assert [r["school"] for r in results] == ["湘潭市第九中学", "湘潭市第十中学"]  # own venue first
    assert by_school["湘潭市第十中学"]["other_venue"] is True
    assert by_school["湘潭市第十中学"]["venue"] == "精艺楼" and by_school["湘潭市第十中学"]["can_check_in"]
    assert by_school["湘潭市第九中学"]["can_check_in"] is False
    assert by_school["湘潭市第九中学"]["status"] == "cancelled" and theirs.leader_mobile not in str(results)


def test_search_finds_an_individual_registrant_by_mobile(client, login, db, venue):
    from datetime import timedelta

    from tests.checkin.helpers import MOMENT, ticket
    from tests.registration.helpers import create_individual_slot, register
    person = register(create_individual_slot(venue=venue, capacity=5,
                                             starts_at=MOMENT + timedelta(minutes=10)),
                      mobile="13511112222")
    login(create_user(Role.GATE, venues=[venue]))
    results = client.get("/api/v1/checkins/search?q=13511112222").get_json()["results"]
    assert [(r["kind"], r["reference"], r["token"]) for r in results] == [
        ("individual", person.reference, ticket(person))]
    assert person.name not in str(results)


@pytest.mark.parametrize("url", ["/api/v1/checkins/summary", "/api/v1/checkins/tickets",
                                 "/api/v1/checkins/search?q=1234"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "yesterday"])
def test_out_of_range_dates_answer_400_in_chinese(client, login, db, venue, url, day):
    login(create_user(Role.GATE, venues=[venue]))
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}date={day}")
    assert r.status_code == 400 and r.get_json()["field"] == "date"
    assert "日期" in r.get_json()["message"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00",
                                  "9999-12-31T23:59:59"])
def test_out_of_range_scan_times_are_refused_not_500(client, login, db, venue, when):
    _, token = booking_today(venue)
    login(create_user(Role.GATE, venues=[venue]))
    r = post(client, token, offline=True, scanned_at=when, local_result="ok")
    assert r.status_code == 422 and r.get_json()["field"] == "scanned_at"
    assert count(db) == 0


@pytest.mark.parametrize("body,field", [
    ({"client_id": ""}, "client_id"), ({"direction": "up"}, "direction"),
    ({"students": "many"}, "students"), ({"venue_id": "x"}, "venue_id"),
    ({"offline": True, "scanned_at": "yesterday"}, "scanned_at"),
])
def test_malformed_bodies_get_chinese_422(client, login, db, venue, body, field):
    _, token = booking_today(venue)
    login(create_user(Role.GATE, venues=[venue]))
    r = post(client, token, **body)
    assert r.status_code == 422 and r.get_json()["field"] == field
    assert count(db) == 0


def test_not_json_is_refused(client, login, db, venue):
    login(create_user(Role.GATE, venues=[venue]))
    r = client.post("/api/v1/checkins", data="token=x")
    assert r.status_code == 422 and "JSON" in r.get_json()["message"]


def test_openapi_documents_the_checkin_api(client, db):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/checkins", "/api/v1/checkins/summary", "/api/v1/checkins/tickets"} <= set(doc["paths"])
    from visitorapp.checkin.models import CheckInResult
    results = doc["components"]["schemas"]["CheckIn"]["properties"]["result"]["enum"]
    assert results == [r.value for r in CheckInResult]


def test_offline_list_costs_the_same_statements_for_two_groups_or_eight(client, login, db, venue):
    """The day's list loads slots, events and venues with the tickets, not once per ticket."""
    from tests.perf.statements import recording
    login(create_user(Role.GATE, venues=[venue]))

    def statements_for_list(groups: int) -> int:
        db.session.commit()
        db.session.expire_all()
        with recording() as rec:
            tickets = client.get("/api/v1/checkins/tickets").get_json()["tickets"]
        assert len(tickets) == groups
        return rec.count

    for _ in range(2):
        booking_today(venue)
    two = statements_for_list(2)
    for _ in range(6):
        booking_today(venue)
    assert statements_for_list(8) == two


def test_offline_list_carries_the_plates_read_once_for_all_groups(client, login, db, venue):
    from tests.perf.statements import recording
    from visitorapp.vehicles import services as vehicles
    bookings = [booking_today(venue)[0] for _ in range(3)]
    for n, booking in enumerate(bookings[:2]):
        vehicles.set_transport(booking, vehicles.TransportDetails("coach", 1, [f"湘A1234{n}"], "东门"))
    references = [b.reference for b in bookings]
    login(create_user(Role.GATE, venues=[venue]))
    db.session.expire_all()  # nothing about the vehicles is known before the request
    with recording() as rec:
        tickets = client.get("/api/v1/checkins/tickets").get_json()["tickets"]
    assert {t["reference"]: t["vehicles"] for t in tickets} == {
        references[0]: "大巴 1辆：湘A12340", references[1]: "大巴 1辆：湘A12341", references[2]: ""}
    assert sum(s.startswith("SELECT transport.") for s in rec.statements) == 1, str(rec)


def test_a_registrants_answer_names_the_slots_route(client, login, db, venue):
    """Two 专区 of one fair share a room and an hour: the gate's answer says which one."""
    from datetime import timedelta

    from tests.checkin.helpers import MOMENT, ticket
    from tests.registration.helpers import create_individual_slot, register
    person = register(create_individual_slot(name="招聘会", venue=venue, capacity=5, label="模拟面试专区",
                                             starts_at=MOMENT + timedelta(minutes=10)))
    login(create_user(Role.GATE, venues=[venue]))
    answer = post(client, ticket(person)).get_json()
    assert answer["result"] == "ok"
    assert f"个人报名 {person.reference}（招聘会（模拟面试专区））" in answer["message"]
