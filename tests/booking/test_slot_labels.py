"""Slots say what they are: two routes at the same time and place are told apart by their label
wherever a slot is named — picker, form, confirmation, manage page, ticket, mail, export."""
import io

import openpyxl
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.factories import create_booking, create_event, create_slot, create_user, create_venue
from visitorapp.booking.models import Booking
from visitorapp.notices import services as notices
from visitorapp.outbox.models import OutboxMessage
from visitorapp.tickets.tokens import token_for


def test_the_route_label_is_on_every_page_mail_and_export(client, db, login):
    venue = create_venue("全国化学会科普基地·精艺楼", building="精艺楼")
    event = create_event(name="开放科普基地")
    chem = create_slot(event, venue, capacity=100, label="化工体验路线")
    create_slot(event, venue, capacity=100, label="制药体验路线", starts_at=chem.starts_at)
    db.session.commit()

    picker = client.get(f"/book?day={chem.local_day.isoformat()}").get_data(as_text=True)
    assert "化工体验路线" in picker and "制药体验路线" in picker
    assert "开放科普基地（化工体验路线）" in client.get(f"/book/{chem.id}").get_data(as_text=True)
    response = client.post(f"/book/{chem.id}", data=form_data(email="wang@school.cn"))
    booking = db.session.scalar(sa.select(Booking))
    pages = [client.get(response.location).get_data(as_text=True),
             client.get(f"/b/{booking.manage_token}").get_data(as_text=True),
             client.get(f"/ticket/{token_for(booking)}").get_data(as_text=True),
             client.get(f"/b/{booking.manage_token}/letter").get_data(as_text=True)]
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.booking_id == booking.id))
    for text in [*pages, mail.body_text, mail.body_html]:
        assert "开放科普基地（化工体验路线）" in text
        assert "精艺楼 · 精艺楼" not in text

    login(create_user())
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/reports/exports/bookings.xlsx?edition={event.edition.year}").get_data())).active
    [row, _total] = list(sheet.iter_rows(min_row=2, values_only=True))  # the booking, then 合计
    assert "开放科普基地（化工体验路线）" in row


def test_the_waiting_list_mail_and_a_slot_notice_name_the_route(client, db):
    venue = create_venue("全国化学会科普基地·精艺楼", building="精艺楼")
    event = create_event(name="开放科普基地")
    pharma = create_slot(event, venue, capacity=42, label="制药体验路线")
    create_booking(pharma, students=40, teachers=2)
    db.session.commit()
    client.post(f"/book/{pharma.id}/waitlist", data=form_data(
        slot_id=str(pharma.id), students="20", teachers="2", leader_mobile="13800000009",
        email="wait@school.cn"))
    [joined] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "waitlist.joined")).all()
    assert "开放科普基地（制药体验路线）" in joined.subject
    assert "开放科普基地（制药体验路线）" in joined.body_text
    assert "开放科普基地（制药体验路线）" in joined.body_html
    notice = notices.send_notice(event.edition, "slot", "集合地点变更", "请在东门集合。", slot=pharma)
    assert notice.target_label.startswith("开放科普基地（制药体验路线）")
