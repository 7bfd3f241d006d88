"""Bulk slot generation (preview, create, overlap refusal, limits) and closing a slot for the
emergency plan: the reason reaches the public picker and booking is blocked until reopened."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.console.conftest import audit_actions
from tests.factories import create_user
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking
from visitorapp.programme.models import Slot
from visitorapp.timeutil import local


@pytest.fixture
def organizer(client, login, world):
    login(create_user(Role.ORGANIZER))


def bulk_data(world, **kw):
    days = [world.edition.starts_on + timedelta(days=i) for i in (1, 2)]
    data = {"event_id": world.event.id, "venue_id": world.venue.id,
            "days": [d.isoformat() for d in days], "first_start": "09:00", "minutes": 60,
            "gap": 30, "count": 3, "capacity": 80, "label": ""}
    data.update(kw)
    return data


def slot_count(db, world):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Slot)
                             .where(Slot.event_id == world.event.id))


def test_preview_shows_the_slots_and_creates_nothing(client, db, world, organizer):
    response = client.post("/console/slots/bulk", data={**bulk_data(world), "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "预览：共 6 个场次" in html
    assert "09:00–10:00" in html and "10:30–11:30" in html and "12:00–13:00" in html
    assert "确认生成 6 个场次" in html
    assert slot_count(db, world) == 1


def test_create_makes_every_slot_and_logs_once(client, db, world, organizer):
    response = client.post("/console/slots/bulk", data={**bulk_data(world), "create": "1"})
    assert response.status_code == 302
    slots = db.session.scalars(sa.select(Slot).where(Slot.event_id == world.event.id,
                                                     Slot.id != world.slot.id)
                               .order_by(Slot.starts_at)).all()
    assert len(slots) == 6
    assert [local(s.starts_at).strftime("%H:%M") for s in slots[:3]] == ["09:00", "10:30", "12:00"]
    assert all(s.capacity == 80 and s.venue_id == world.venue.id for s in slots)
    entry = audit_actions(db, "slot.bulk_create")[-1]
    assert entry.after["count"] == 3 and len(entry.after["slot_ids"].split(",")) == 6


def test_overlapping_duplicates_are_refused(client, db, world, organizer):
    client.post("/console/slots/bulk", data={**bulk_data(world), "create": "1"})
    again = client.post("/console/slots/bulk", data={**bulk_data(world, first_start="09:30"),
                                                     "preview": "1"})
    html = again.get_data(as_text=True)
    assert "与已有场次" in html and "重叠" in html and "确认生成" not in html
    forced = client.post("/console/slots/bulk", data={**bulk_data(world, first_start="09:30"),
                                                      "create": "1"})
    assert "未生成任何场次" in forced.get_data(as_text=True)
    assert slot_count(db, world) == 7


def test_existing_slot_of_the_theme_day_clashes(client, db, world, organizer):
    day = local(world.slot.starts_at).date()
    response = client.post("/console/slots/bulk", data={
        **bulk_data(world, days=[day.isoformat()], first_start="08:30", count=1), "create": "1"})
    assert "未生成任何场次" in response.get_data(as_text=True)
    assert slot_count(db, world) == 1


@pytest.mark.parametrize("override, message", [
    ({"count": 21}, "每天场次数应为1–20之间的整数"),
    ({"minutes": 5}, "每场时长（分钟）应为10–480之间的整数"),
    ({"capacity": 0}, "每场容量（人）应为1–5000之间的整数"),
    ({"capacity": 301}, "每场容量不能超过场地安全容量（300人）"),
    ({"first_start": "22:00", "count": 3}, "最后一场须在当天结束"),
    ({"days": []}, "请至少选择一天"),
])
def test_bulk_limits(client, db, world, organizer, override, message):
    response = client.post("/console/slots/bulk", data={**bulk_data(world, **override),
                                                         "create": "1"})
    assert message in response.get_data(as_text=True)
    assert slot_count(db, world) == 1


def test_closed_slot_shows_reason_on_picker_and_refuses_bookings(client, db, world, organizer):
    response = client.post(f"/console/slots/{world.slot.id}/close",
                           data={"reason": "雷雨大风预警，暂停室外参观"})
    assert response.status_code == 302
    db.session.refresh(world.slot)
    assert not world.slot.is_open
    entry = audit_actions(db, "slot.close")[-1]
    assert entry.after["closed_reason"] == "雷雨大风预警，暂停室外参观"

    day = local(world.slot.starts_at).date().isoformat()
    picker = client.get(f"/book?day={day}").get_data(as_text=True)
    assert "暂停预约" in picker and "雷雨大风预警，暂停室外参观" in picker
    assert f'href="/book/{world.slot.id}"' not in picker

    before = db.session.scalar(sa.select(sa.func.count()).select_from(Booking))
    attempt = client.post(f"/book/{world.slot.id}", data={
        "slot_id": world.slot.id, "school_name": "株洲市第九中学", "school_stage": "junior",
        "students": 20, "teachers": 2, "leader_name": "李老师", "leader_mobile": "13900001111",
        "privacy": "y"})
    assert "该场次已暂停预约" in attempt.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)) == before

    client.post(f"/console/slots/{world.slot.id}/reopen")
    db.session.refresh(world.slot)
    assert world.slot.is_open and world.slot.closed_reason == ""
    assert audit_actions(db, "slot.reopen")


def test_closing_needs_a_reason(client, db, world, organizer):
    response = client.post(f"/console/slots/{world.slot.id}/close", data={"reason": " "},
                           follow_redirects=True)
    assert "请填写暂停原因" in response.get_data(as_text=True)
    db.session.refresh(world.slot)
    assert world.slot.is_open
