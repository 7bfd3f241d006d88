"""车辆信息 through the JSON booking API (POST /api/v1/bookings) over HTTP: the same service as
the form (plates, count, entrance, the entrance's daily limit in the booking's transaction), a
refusal in Chinese that stores nothing, and the details in the confirmation mail and on the 确认函."""
import pytest
import sqlalchemy as sa

from tests.booking.test_api import payload
from visitorapp.api.spec import openapi_document
from visitorapp.booking.models import Booking
from visitorapp.outbox.models import OutboxMessage
from visitorapp.vehicles import services
from visitorapp.vehicles.models import Transport


def buses(slot, **kw):
    return payload(slot, **{"arrival": "coach", "vehicle_count": 2,
                            "plates": ["湘a·12345", "湘AD12345"], "entrance": "北门", **kw})


def nothing_stored(db, slot):
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transport)) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert services.entrance_day_vehicles(slot.event.edition_id, "北门", slot.local_day) == 0
    db.session.refresh(slot)
    assert slot.booked == 0


def test_a_booking_with_two_buses_holds_them_and_answers_with_them(client, db, slot):
    response = client.post("/api/v1/bookings", json=buses(slot))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["transport"] == {
        "arrival": "coach", "arrival_label": "大巴", "vehicle_count": 2,
        "plates": ["湘A12345", "湘AD12345"], "entrance": "北门",
        "summary": "大巴 2辆：湘A12345、湘AD12345"}
    booking = db.session.scalar(sa.select(Booking))
    assert db.session.get(Transport, booking.id).plate_list == ["湘A12345", "湘AD12345"]
    assert services.entrance_day_vehicles(slot.event.edition_id, "北门", slot.local_day) == 2
    # The confirmation mail, written in the booking's transaction, already names the buses.
    [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert "到校方式：大巴 2辆：湘A12345、湘AD12345，北门进校" in mail.body_text
    assert "大巴 2辆：湘A12345、湘AD12345，北门进校" in mail.body_html
    # And so does the 确认函 (the ticket page).
    ticket = client.get(response.get_json()["ticket_url"].removeprefix("http://localhost"))
    assert "大巴 2辆：湘A12345、湘AD12345，北门进校" in ticket.get_data(as_text=True)


def test_a_booking_without_vehicles_records_none(client, db, slot):
    response = client.post("/api/v1/bookings", json=payload(slot))
    assert response.status_code == 201 and response.get_json()["transport"] is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transport)) == 0
    [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert "到校方式" not in mail.body_text


def test_a_walking_group_is_recorded_as_walking(client, db, slot):
    response = client.post("/api/v1/bookings", json=payload(slot, arrival="walk"))
    assert response.status_code == 201
    assert response.get_json()["transport"]["summary"] == "步行"
    assert services.entrance_day_vehicles(slot.event.edition_id, "北门", slot.local_day) == 0


@pytest.mark.parametrize(("fields", "code", "field", "message"), [
    ({"plates": ["湘I12345"]}, "plate_invalid", "plates", "车牌“湘I12345”格式不正确"),
    ({"plates": ["湘A1234"]}, "plate_invalid", "plates", "普通车牌7位，新能源车牌8位"),
    ({"plates": ["A123456"]}, "plate_invalid", "plates", "第一位应为省份简称"),
    ({"plates": ["湘A12345", "湘a12345"]}, "plate_repeated", "plates", "同一车牌填写了两次"),
    ({"vehicle_count": 1}, "plates_exceed", "plates", "多于车辆数"),
    ({"vehicle_count": None}, "vehicle_count", "vehicle_count", "请填写车辆数"),
    ({"entrance": "南门"}, "entrance_invalid", "entrance", "请选择车辆入口"),
    ({"arrival": None}, "arrival_required", "arrival", "请同时填写到校方式"),
    ({"arrival": "walk"}, "walk_with_vehicles", "arrival", "步行时不需要填写车辆数和车牌"),
])
def test_bad_vehicle_details_are_refused_in_chinese_and_store_nothing(
        client, db, slot, fields, code, field, message):
    body = {k: v for k, v in buses(slot, **fields).items() if v is not None}
    response = client.post("/api/v1/bookings", json=body)
    answer = response.get_json()
    assert response.status_code == 422, answer
    assert (answer["error"], answer["field"]) == (code, field) and message in answer["message"]
    assert answer["errors"] == {field: [answer["message"]]}
    nothing_stored(db, slot)


def test_plates_of_the_wrong_type_are_refused_by_the_document(client, db, slot):
    response = client.post("/api/v1/bookings", json=buses(slot, plates="湘A12345"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"plates": ["车牌号格式不正确：应为列表。"]}
    nothing_stored(db, slot)


def test_the_entrances_daily_limit_refuses_the_booking_in_its_transaction(client, db, slot):
    assert client.post("/api/v1/bookings", json=buses(slot)).status_code == 201
    response = client.post("/api/v1/bookings", json=buses(
        slot, leader_mobile="13900001111", school_name="株洲市第九中学",
        plates=["湘B12345", "湘B12346"]))
    answer = response.get_json()
    assert response.status_code == 409, answer
    assert (answer["error"], answer["field"], answer["remaining"]) == \
        ("vehicle_limit", "vehicle_count", 1)
    assert "北门" in answer["message"] and "车辆已接近上限" in answer["message"]
    db.session.expire_all()
    # The refused group's places went back with its vehicles; only the first booking is there.
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
    db.session.refresh(slot)
    assert slot.booked == 42
    assert services.entrance_day_vehicles(slot.event.edition_id, "北门", slot.local_day) == 2
    # The other entrance still has room.
    assert client.post("/api/v1/bookings", json=buses(
        slot, leader_mobile="13900001111", school_name="株洲市第九中学", entrance="东门",
        plates=["湘B12345", "湘B12346"])).status_code == 201


def test_the_document_describes_the_vehicle_fields():
    schemas = openapi_document()["components"]["schemas"]
    request = schemas["BookingRequest"]["properties"]
    assert request["arrival"]["enum"] == ["walk", "school_bus", "coach", "car"]
    assert request["plates"]["items"]["type"] == "string"
    assert {"vehicle_count", "entrance"} <= set(request)
    assert "transport" in schemas["BookingCreated"]["properties"]
