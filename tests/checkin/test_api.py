"""POST /api/v1/checkins and the summary over HTTP: sessions, device tokens, roles."""
import pytest
import sqlalchemy as sa

from tests.checkin.helpers import booking_today, cid
from tests.factories import create_user, create_venue
from visitorapp.accounts.models import Role
from visitorapp.checkin.devices import create_device, revoke_device
from visitorapp.checkin.models import CheckIn


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
    assert third["result"] == "already_checked_in"
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
    for q in (booking.reference.lower(), "雅礼", "5678"):
        results = client.get("/api/v1/checkins/search", query_string={"q": q}).get_json()["results"]
        assert [r["token"] for r in results] == [token], q
    assert client.get("/api/v1/checkins/search?q=%25").get_json()["results"] == []


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
    results = doc["components"]["schemas"]["CheckIn"]["properties"]["result"]["enum"]
    assert {"ok", "already_checked_in", "revoked", "unknown", "forged", "wrong_day"} <= set(results)
