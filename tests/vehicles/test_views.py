"""车辆信息 over HTTP: the booking form, the management page, the daily limit per entrance, the
security office's list and its XLSX, and the gate's answer."""
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from tests.booking.helpers import form_data, text
from tests.factories import create_booking, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.booking.models import Booking
from visitorapp.timeutil import utcnow
from visitorapp.vehicles import services
from visitorapp.vehicles.models import Transport, VehicleSettings


def _vehicles(**kw):
    return {"arrival": "coach", "vehicle_count": "2", "plates": "湘A12345\n湘ad12345",
            "entrance": "东门", **kw}


def test_booking_with_two_buses_holds_them_at_the_entrance(client, db, slot):
    response = client.post(f"/book/{slot.id}", data={**form_data(), **_vehicles()})
    assert response.status_code == 302, text(response)
    booking = db.session.scalar(sa.select(Booking))
    transport = db.session.get(Transport, booking.id)
    assert transport.plate_list == ["湘A12345", "湘AD12345"] and transport.entrance == "东门"
    assert services.entrance_day_vehicles(slot.event.edition_id, "东门", slot.local_day) == 2
    page = text(client.get(f"/b/{booking.manage_token}"))
    assert "大巴 2辆：湘A12345、湘AD12345" in page


def test_the_confirmation_mail_and_the_later_mails_name_the_vehicles(client, db, slot):
    from visitorapp.outbox.models import OutboxMessage
    response = client.post(f"/book/{slot.id}", data={**form_data(email="wang@example.com"),
                                                      **_vehicles(vehicle_count="3")})
    assert response.status_code == 302, text(response)
    [confirmed] = db.session.scalars(sa.select(OutboxMessage)).all()
    line = "大巴 3辆：湘A12345、湘AD12345（1辆车牌待补充），东门进校"
    assert f"到校方式：{line}" in confirmed.body_text and line in confirmed.body_html
    # A later mail (a cancellation here) looks the vehicles up as they are then.
    booking = db.session.scalar(sa.select(Booking))
    client.post(f"/b/{booking.manage_token}/cancel", data={})
    cancelled = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "booking.cancelled"))
    assert line in cancelled.body_text


@pytest.mark.parametrize(("fields", "message"), [
    ({"plates": "湘A1234"}, "普通车牌7位，新能源车牌8位"),
    ({"plates": "湘A12345\n湘A12345"}, "同一车牌填写了两次"),
    ({"vehicle_count": "1"}, "多于车辆数"),
    ({"vehicle_count": ""}, "请填写车辆数"),
    ({"entrance": "南门"}, "请选择车辆入口"),
    ({"arrival": "plane"}, "请从列表中选择到校方式"),
])
def test_bad_vehicle_details_store_nothing(client, db, slot, fields, message):
    response = client.post(f"/book/{slot.id}", data={**form_data(), **_vehicles(**fields)})
    assert response.status_code == 422 and message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
    db.session.refresh(slot)
    assert slot.booked == 0


def test_the_daily_limit_refuses_the_booking_and_keeps_the_places(client, db, slot):
    assert client.post(f"/book/{slot.id}", data={**form_data(), **_vehicles()}).status_code == 302
    response = client.post(f"/book/{slot.id}", data={
        **form_data(leader_mobile="13900001111", school_name="株洲市第九中学"),
        **_vehicles(plates="湘B12345\n湘B12346")})
    assert response.status_code == 422 and "车辆已接近上限" in text(response)
    db.session.refresh(slot)
    assert slot.booked == 42  # the refused group's places were rolled back with its vehicles
    # Another entrance still has room, and walking groups are never limited.
    assert client.post(f"/book/{slot.id}", data={
        **form_data(leader_mobile="13900001111", school_name="株洲市第九中学"),
        **_vehicles(plates="湘B12345\n湘B12346", entrance="北门")}).status_code == 302
    assert client.post(f"/book/{slot.id}", data={
        **form_data(leader_mobile="13900002222", school_name="株洲市第十中学"),
        "arrival": "walk"}).status_code == 302


def test_teacher_changes_vehicles_and_cancelling_gives_them_back(client, db, slot):
    booking = create_booking(slot)
    db.session.commit()
    response = client.post(f"/b/{booking.manage_token}/vehicles",
                           data=_vehicles(vehicle_count="3", plates="湘A12345D"))
    assert response.status_code == 302
    page = text(client.get(f"/b/{booking.manage_token}"))
    assert "大巴 3辆：湘A12345D（2辆车牌待补充）" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "booking.vehicles"))
    assert entry.actor == "领队（管理链接）"
    edition_id, day = slot.event.edition_id, slot.local_day
    assert services.entrance_day_vehicles(edition_id, "东门", day) == 3
    client.post(f"/b/{booking.manage_token}/vehicles", data=_vehicles(vehicle_count="4"))
    assert "车辆已接近上限" in text(client.get(f"/b/{booking.manage_token}"))
    assert services.entrance_day_vehicles(edition_id, "东门", day) == 3
    client.post(f"/b/{booking.manage_token}/cancel", data={})
    assert services.entrance_day_vehicles(edition_id, "东门", day) == 0


def test_a_move_to_another_day_takes_the_vehicles_there(client, db, slot):
    from visitorapp.booking import services as booking_services
    from visitorapp.database import atomic
    other_day = create_slot(event=slot.event, venue=slot.venue, capacity=100,
                            starts_at=slot.starts_at + timedelta(days=1))
    booking = create_booking(slot)
    services.set_transport(booking, services.TransportDetails("coach", 2, ["湘A12345"], "东门"))
    db.session.commit()
    atomic(booking_services.move_booking, booking, other_day, enforce_deadline=False, now=utcnow())
    edition_id = slot.event.edition_id
    assert services.entrance_day_vehicles(edition_id, "东门", slot.local_day) == 0
    assert services.entrance_day_vehicles(edition_id, "东门", other_day.local_day) == 2


def test_security_office_list_and_xlsx(client, db, slot, login):
    slot.label = "化工体验路线"  # two routes can share a time and place: the list names which
    booking = create_booking(slot, school_name="醴陵市第一中学")
    services.set_transport(booking, services.TransportDetails("coach", 2, ["湘A12345"], "北门"))
    create_booking(slot)  # walking: not on the list
    security = create_user(role=Role.SECURITY)
    login(security)
    page = text(client.get(f"/staff/vehicles?day={slot.local_day.isoformat()}"))
    assert "北门（2辆）" in page and "湘A12345" in page and "醴陵市第一中学" in page
    assert "1辆待补充" in page and "东门（0辆）" in page and "化工体验路线" in page
    response = client.get(f"/staff/vehicles.xlsx?day={slot.local_day.isoformat()}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[2] for r in rows] == ["湘A12345", "（待补充）"] and rows[0][0] == "北门"
    assert client.get("/console/vehicles").status_code == 403  # settings are the organizers'


def test_organizer_sets_entrances_and_limit(client, db, slot, login):
    login(create_user(role=Role.ORGANIZER))
    year = slot.event.edition.year
    response = client.post(f"/console/vehicles?year={year}",
                           data={"entrances": "东门\n西门\n东门", "daily_limit": "10"})
    assert response.status_code == 302
    settings = db.session.get(VehicleSettings, slot.event.edition_id)
    db.session.refresh(settings)
    assert settings.entrance_list == ["东门", "西门"] and settings.daily_limit == 10
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "vehicles.settings"))
    response = client.post(f"/console/vehicles?year={year}", data={"entrances": "=1+1"})
    assert response.status_code == 200 and "入口名称" in text(response)


def test_gate_answer_carries_the_plates(db, slot):
    from visitorapp.checkin.holders import Holder
    from visitorapp.checkin.serialize import holder_json
    booking = create_booking(slot)
    services.set_transport(booking, services.TransportDetails("school_bus", 1, ["湘AD12345"], "东门"))
    assert holder_json(Holder(booking=booking))["vehicles"] == "校车 1辆：湘AD12345"
