"""The JSON API for group bookings over HTTP: slots, bookings, errors, rate limit, OpenAPI."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_edition, create_event, create_slot, create_venue
from visitorapp.audit.models import AuditEntry
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.programme.models import CampusDay, ParticipationMode
from visitorapp.tickets import tokens
from visitorapp.timeutil import TZ


def payload(slot, **kw):
    body = {"slot_id": slot.id, "school_name": "株洲市天元区第三中学", "school_stage": "junior",
            "grades": "七年级、八年级", "students": 40, "teachers": 2, "leader_name": "陈建国",
            "leader_mobile": "13907330102", "email": "chen@example.cn", "notes": "有一名学生坐轮椅。"}
    body.update(kw)
    return body


@pytest.fixture
def slot(db):
    s = create_slot(capacity=100)
    db.session.commit()
    return s


def bookings_count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Booking))


# --- GET /api/v1/slots --------------------------------------------------------------------

#: Three weeks before the 2027 experience day (12 May): its booking window is open.
BEFORE_THE_WEEK = datetime(2027, 4, 21, 10, 0, tzinfo=TZ)


def test_slots_of_a_day_with_offset_times_and_remaining(client, db, time_machine):
    time_machine.move_to(BEFORE_THE_WEEK, tick=False)
    edition = create_edition(starts_on=date(2027, 5, 9))
    event = create_event(edition, name="开放全国化学会科普基地及精艺楼")
    venue = create_venue("全国化学会科普基地·精艺楼", building="精艺楼")
    morning = create_slot(event, venue, capacity=60,
                          starts_at=datetime(2027, 5, 12, 8, 30, tzinfo=TZ), label="化工体验路线")
    create_slot(event, create_venue(), starts_at=datetime(2027, 5, 13, 9, 0, tzinfo=TZ))
    create_booking(morning, students=20, teachers=1)
    db.session.commit()

    response = client.get("/api/v1/slots?date=2027-05-12")
    assert response.status_code == 200
    [item] = response.get_json()
    assert item == {
        "id": morning.id, "event": "开放全国化学会科普基地及精艺楼", "event_id": event.id,
        "venue": "全国化学会科普基地·精艺楼", "building": "精艺楼", "label": "化工体验路线",
        "starts_at": "2027-05-12T08:30:00+08:00", "ends_at": "2027-05-12T10:00:00+08:00",
        "capacity": 60, "remaining": 39, "bookable": 39, "is_open": True}

    time_machine.move_to(datetime(2027, 5, 12, 8, 30, tzinfo=TZ), tick=False)  # it starts
    [item] = client.get("/api/v1/slots?date=2027-05-12").get_json()
    assert (item["id"], item["remaining"], item["is_open"]) == (morning.id, 39, False)


def test_slots_near_midnight_belong_to_their_shanghai_day(client, db):
    early = create_slot(starts_at=datetime(2027, 5, 12, 0, 30, tzinfo=TZ))  # 16:30 UTC on the 11th
    db.session.commit()
    assert [s["id"] for s in client.get("/api/v1/slots?date=2027-05-12").get_json()] == [early.id]
    assert client.get("/api/v1/slots?date=2027-05-11").get_json() == []


def test_slots_without_date_lists_only_what_is_open_for_booking_now(client, db, time_machine):
    time_machine.move_to(BEFORE_THE_WEEK, tick=False)  # 21 April 2027, 10:00
    open_slot = create_slot()
    create_slot(is_open=False, closed_reason="雷雨")
    create_slot(create_event(create_edition(booking_opens_at=datetime(2027, 4, 24, 10, tzinfo=TZ))))
    create_slot(create_event(create_edition(booking_closes_at=datetime(2027, 4, 21, 9, tzinfo=TZ))))
    create_slot(starts_at=datetime(2027, 4, 21, 9, tzinfo=TZ))  # started an hour ago
    create_slot(create_event(mode=ParticipationMode.INDIVIDUAL))
    create_slot(is_rehearsal=True)
    full = create_slot(capacity=42)
    create_booking(full, students=40, teachers=2)
    db.session.commit()
    items = client.get("/api/v1/slots").get_json()
    assert sorted(s["id"] for s in items) == sorted([open_slot.id, full.id])
    assert {s["id"]: s["remaining"] for s in items}[full.id] == 0
    assert all(s["is_open"] for s in items)


def test_a_closed_slot_of_the_day_is_listed_as_not_open(client, db):
    closed = create_slot(is_open=False, starts_at=datetime(2027, 5, 12, 9, tzinfo=TZ))
    db.session.commit()
    [item] = client.get("/api/v1/slots?date=2027-05-12").get_json()
    assert item["id"] == closed.id and item["is_open"] is False


@pytest.mark.parametrize("value", ["2027-13-01", "12/05/2027", "tomorrow", "", "2027-05-12'--",
                                   "2027-05-12\x00"])
def test_a_bad_date_is_refused_in_chinese(client, value):
    response = client.get("/api/v1/slots", query_string={"date": value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_date" and "日期格式不正确" in body["message"]


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "3000-01-01"])
def test_a_date_no_week_can_have_is_refused_with_the_range(client, value):
    response = client.get("/api/v1/slots", query_string={"date": value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "day_out_of_range" and "2000-01-01 至 2999-12-31" in body["message"]


# --- POST /api/v1/bookings ----------------------------------------------------------------

def test_booking_over_the_api(client, db, slot):
    response = client.post("/api/v1/bookings", json=payload(slot))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    booking = db.session.scalar(sa.select(Booking).where(Booking.reference == body["reference"]))
    assert booking.source == "api" and booking.headcount == 42 and booking.grades == "七年级、八年级"
    assert body["manage_url"] == f"http://localhost/b/{booking.manage_token}"
    assert body["ticket_url"] == f"http://localhost/ticket/{tokens.token_for(booking)}"
    assert body["slot"]["remaining"] == 58 and body["headcount"] == 42
    db.session.refresh(slot)
    assert slot.booked == 42
    # the management link works for the teacher
    assert client.get(body["manage_url"].removeprefix("http://localhost")).status_code == 200
    assert "Set-Cookie" not in response.headers


def test_no_cookie_and_no_csrf_token_needed(app, db, slot):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/api/v1/bookings", json=payload(slot))
    assert response.status_code == 201, response.get_json()


def test_a_whole_float_and_a_mobile_with_country_code_are_accepted(client, db, slot):
    response = client.post("/api/v1/bookings", json=payload(
        slot, teachers=2.0, leader_mobile="+86 139-0733-0102"))
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(sa.select(Booking.leader_mobile)) == "13907330102"


def test_numbers_sent_as_text_are_refused_as_the_document_says(client, db, slot):
    """The document says integer; what it does not allow is refused (schemathesis holds us to it)."""
    response = client.post("/api/v1/bookings", json=payload(slot, slot_id=str(slot.id),
                                                             students="30"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"slot_id": ["场次格式不正确：应为整数。"],
                                             "students": ["学生人数格式不正确：应为整数。"]}
    assert bookings_count(db) == 0


@pytest.mark.parametrize("changes, field, message", [
    ({"leader_mobile": "12345"}, "leader_mobile", "11位手机号码"),
    ({"school_name": "株"}, "school_name", "学校名称应为2–50个字"),
    ({"school_name": "=cmd|' /C calc'!A0"}, "school_name", "只能包含"),
    ({"school_name": "<script>alert(1)</script>"}, "school_name", "只能包含"),
    ({"school_stage": "university"}, "school_stage", ""),
    ({"students": 40.5}, "students", ""),
    ({"students": "很多"}, "students", ""),
    ({"students": 0}, "students", "1–1000"),
    ({"teachers": True}, "teachers", ""),
    ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
    ({"notes": "x" * 501}, "notes", "不能超过500个字"),
    ({"grades": ["七年级"]}, "grades", "格式不正确"),
    ({"leader_name": None}, "leader_name", "请填写领队教师姓名"),
])
def test_invalid_fields_give_422_per_field_in_chinese(client, db, slot, changes, field, message):
    response = client.post("/api/v1/bookings", json=payload(slot, **changes))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid" and field in body["errors"]
    text = body["errors"][field][0]
    assert message in text and any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert bookings_count(db) == 0


def test_missing_fields_are_all_reported(client, db):
    response = client.post("/api/v1/bookings", json={})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"slot_id", "school_name", "school_stage", "students", "teachers", "leader_name",
            "leader_mobile"} <= set(errors)
    assert errors["school_name"] == ["请填写学校名称。"]


@pytest.mark.parametrize("changes, code, field", [
    ({"students": 41, "teachers": 2}, "ratio", "teachers"),
    ({"school_stage": "primary", "students": 30, "teachers": 2}, "ratio", "teachers"),
    ({"students": 115, "teachers": 6}, "group_too_large", "students"),
])
def test_group_rules_give_422_with_the_form_messages(client, db, slot, changes, code, field):
    response = client.post("/api/v1/bookings", json=payload(slot, **changes))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == code and body["errors"][field] == [body["message"]]
    assert "至少" in body["message"] or "不超过" in body["message"]
    assert bookings_count(db) == 0


def test_window_not_open_is_422(client, db, time_machine):
    time_machine.move_to(BEFORE_THE_WEEK, tick=False)
    slot = create_slot(create_event(create_edition(booking_opens_at=datetime(2027, 4, 23, 10, tzinfo=TZ))))
    db.session.commit()
    response = client.post("/api/v1/bookings", json=payload(slot))
    assert response.status_code == 422
    assert response.get_json()["error"] == "window_not_open" and "开放" in response.get_json()["message"]


@pytest.mark.parametrize("slot_id", [999999, -1, 0, 2**40])
def test_unknown_slot_is_404(client, db, slot, slot_id):
    response = client.post("/api/v1/bookings", json=payload(slot, slot_id=slot_id))
    assert response.status_code == 404
    assert response.get_json() == {"error": "slot_not_found", "message": "场次不存在。",
                                   "field": "slot_id"}


def test_rehearsal_slot_is_not_bookable_by_the_public(client, db):
    rehearsal = create_slot(is_rehearsal=True)
    db.session.commit()
    assert client.post("/api/v1/bookings", json=payload(rehearsal)).status_code == 404


def test_full_slot_gives_409_with_alternatives_that_have_room(client, db):
    edition = create_edition()
    event = create_event(edition)
    full = create_slot(event, capacity=50)
    roomy = create_slot(event, capacity=100, starts_at=full.starts_at + timedelta(hours=3))
    create_slot(event, capacity=20, starts_at=full.starts_at + timedelta(hours=5))  # too small
    create_booking(full, students=40, teachers=2)
    db.session.commit()
    response = client.post("/api/v1/bookings", json=payload(full))
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "slot_full" and "剩余8人" in body["message"] and body["remaining"] == 8
    assert [a["id"] for a in body["alternatives"]] == [roomy.id]
    assert body["alternatives"][0]["remaining"] == 100
    db.session.refresh(full)
    assert full.booked == 42 and bookings_count(db) == 1


def test_campus_day_full_gives_409_and_takes_nothing(client, db):
    edition = create_edition(daily_cap=50)
    slot = create_slot(create_event(edition), capacity=100)
    create_booking(slot, students=20, teachers=1)
    db.session.commit()
    response = client.post("/api/v1/bookings", json=payload(slot))
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "day_full" and "全校接待人数已达上限" in body["message"]
    db.session.refresh(slot)
    assert slot.booked == 21
    assert db.session.scalar(sa.select(CampusDay.booked)) == 21


def test_same_mobile_twice_is_refused_without_naming_the_first_booking(client, db, slot):
    first = client.post("/api/v1/bookings", json=payload(slot)).get_json()
    response = client.post("/api/v1/bookings", json=payload(slot, students=20))
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "duplicate" and "找回预约/报名" in body["message"]
    assert first["reference"] not in response.get_data(as_text=True)
    assert "manage_url" not in body  # knowing a mobile number must not hand out the link
    assert bookings_count(db) == 1


@pytest.mark.parametrize("kwargs", [
    {"data": "slot_id=1&school_name=x", "content_type": "application/x-www-form-urlencoded"},
    {"data": "{not json", "content_type": "application/json"},
    {"data": "[1, 2, 3]", "content_type": "application/json"},
    {"data": '"a string"', "content_type": "application/json"},
    {"data": "", "content_type": "application/json"},
    {"data": b"\xff\xfe\x00", "content_type": "application/json"},
])
def test_non_json_or_malformed_body_is_400_in_chinese(client, db, kwargs):
    response = client.post("/api/v1/bookings", **kwargs)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] in ("not_json", "bad_json") and "JSON" in body["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    assert bookings_count(db) == 0


def test_api_booking_is_audited_and_counts_teachers(client, db, slot):
    client.post("/api/v1/bookings", json=payload(slot, students=20, teachers=1))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "booking.create"))
    assert entry.actor == "API" and "21人" in entry.summary
    assert db.session.scalar(sa.select(Booking.status)) == BookingStatus.CONFIRMED


# --- rate limit ---------------------------------------------------------------------------

class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_API": "3 per minute"}

    def test_fourth_request_in_a_minute_gets_429_in_chinese(self, client, db, slot):
        codes = [client.post("/api/v1/bookings", json=payload(
            slot, leader_mobile=f"1390733010{i}", students=20, teachers=1))
                 .status_code for i in range(3)]
        assert codes == [201, 201, 201]
        response = client.post("/api/v1/bookings", json=payload(slot, leader_mobile="13907330109"))
        assert response.status_code == 429
        assert response.get_json()["error"] == "rate_limited"
        assert "操作过于频繁" in response.get_json()["message"]
        assert 0 < int(response.headers["Retry-After"]) <= 60
        assert bookings_count(db) == 3

    def test_limit_is_per_client(self, client, db, slot):
        for i in range(3):
            client.get("/api/v1/slots")
        assert client.get("/api/v1/slots").status_code == 429
        other = client.get("/api/v1/slots", environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert other.status_code == 200


def test_rate_limit_is_off_when_disabled(client, db, slot):
    for _ in range(70):  # above the default 60 per minute
        assert client.get("/api/v1/slots").status_code == 200


# --- OpenAPI ------------------------------------------------------------------------------

def test_openapi_document_is_valid_and_documents_both_endpoints(client):
    from openapi_spec_validator import validate
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    assert "get" in doc["paths"]["/api/v1/slots"]
    post = doc["paths"]["/api/v1/bookings"]["post"]
    assert {"201", "400", "404", "409", "422", "429"} <= set(post["responses"])
    stages = doc["components"]["schemas"]["BookingRequest"]["properties"]["school_stage"]["enum"]
    assert stages == ["primary", "junior", "senior", "secondary_vocational", "higher_vocational"]


def test_responses_match_the_documented_schemas(client, db, slot):
    """Real answers validate against the schemas the document promises."""
    from jsonschema import Draft202012Validator
    doc = client.get("/api/v1/openapi.json").get_json()

    def check(schema_name, instance):
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": doc["components"]}
        Draft202012Validator(schema).validate(instance)

    created = client.post("/api/v1/bookings", json=payload(slot)).get_json()
    check("BookingCreated", created)
    for item in client.get("/api/v1/slots").get_json():
        check("Slot", item)
    full = create_slot(capacity=10)
    db.session.commit()
    check("BookingConflict", client.post("/api/v1/bookings", json=payload(full)).get_json())
    check("Error", client.post("/api/v1/bookings", json={}).get_json())


# --- database busy ------------------------------------------------------------------------

@pytest.mark.sqlite_only
class TestDatabaseBusy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 50, "DB_RETRY_ATTEMPTS": 2}

    def test_a_locked_database_gives_503_in_chinese_and_stores_nothing(self, app, client, db, slot):
        import sqlite3
        path = db.engine.url.database
        locker = sqlite3.connect(path, timeout=0)
        locker.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
        try:
            response = client.post("/api/v1/bookings", json=payload(slot))
        finally:
            locker.rollback()
            locker.close()
        assert response.status_code == 503
        body = response.get_json()
        assert body["error"] == "busy" and "系统繁忙" in body["message"] and "未被保存" in body["message"]
        assert response.headers["Retry-After"] == "2"
        assert bookings_count(db) == 0
        db.session.refresh(slot)
        assert slot.booked == 0
