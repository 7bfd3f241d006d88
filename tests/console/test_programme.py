"""Managing events, venues, slots, theme days and settings over HTTP: the DB changes as the
organizer expects, bad input changes nothing, and every change leaves an audit entry."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.console.conftest import audit_actions
from tests.factories import create_department, create_user
from visitorapp.accounts.models import Role
from visitorapp.programme.models import Edition, Event, ParticipationMode, Slot, Venue


@pytest.fixture
def organizer(client, login, world):
    user = create_user(Role.ORGANIZER, username="xuanchuan")
    login(user)
    return user


def test_create_event_with_departments(client, db, world, organizer):
    lead, helper = create_department("宣传统战部", "office"), create_department("化学工程学院")
    db.session.commit()
    response = client.post(f"/console/events/new?edition={world.edition.year}", data={
        "seq": 18, "name": "非遗技艺展示", "theme_day_id": world.edition.theme_days[0].id,
        "content": "现场展示", "audience": "中小学生", "mode": "group", "category": "two_into",
        "lead_ids": [lead.id], "responsible_ids": [helper.id], "is_published": "y"})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event).where(Event.name == "非遗技艺展示"))
    assert event.mode == ParticipationMode.GROUP and event.category.value == "two_into"
    assert [d.name for d in event.lead_departments] == ["宣传统战部"]
    assert [d.name for d in event.responsible_departments] == ["化学工程学院"]
    entry = audit_actions(db, "event.create")[-1]
    assert entry.actor == "xuanchuan" and entry.user_id == organizer.id
    assert entry.after["name"] == "非遗技艺展示"


def test_edit_event_logs_before_and_after(client, db, world, organizer):
    response = client.post(f"/console/events/{world.event.id}/edit", data={
        "seq": world.event.seq, "name": "开放科普基地（化工）", "theme_day_id": 0,
        "mode": "group", "category": "four_open"})
    assert response.status_code == 302
    db.session.refresh(world.event)
    assert world.event.name == "开放科普基地（化工）" and world.event.is_published is False
    entry = audit_actions(db, "event.update")[-1]
    assert entry.before["name"] == "开放科普基地" and entry.after["name"] == "开放科普基地（化工）"


def test_hostile_event_name_is_refused_and_nothing_changes(client, db, world, organizer):
    response = client.post(f"/console/events/{world.event.id}/edit", data={
        "seq": 1, "name": "=cmd|' /C calc'!A0", "theme_day_id": 0, "mode": "group",
        "category": "other"})
    assert response.status_code == 200
    assert "不能以 = + - @ 开头" in response.get_data(as_text=True)
    db.session.refresh(world.event)
    assert world.event.name == "开放科普基地"


def test_script_in_venue_notes_is_refused_and_names_are_escaped(client, db, world, organizer):
    response = client.post("/console/venues/new", data={
        "name": "<b>实训楼</b>", "building": "精艺楼", "host_department_id": 0,
        "safe_occupancy": 80, "visitor_notes": "<script>alert(1)</script>", "is_active": "y"})
    assert response.status_code == 200
    assert "不能包含网页代码" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Venue).where(Venue.safe_occupancy == 80)) is None
    response = client.post("/console/venues/new", data={
        "name": "实训楼<1号>&2号", "building": "精艺楼", "host_department_id": 0,
        "safe_occupancy": 80, "visitor_notes": "请在精艺楼一楼大厅集合", "is_active": "y"})
    assert response.status_code == 302
    venue = db.session.scalar(sa.select(Venue).where(Venue.safe_occupancy == 80))
    html = client.get("/console/venues").get_data(as_text=True)
    assert "实训楼&lt;1号&gt;&amp;2号" in html and "<1号>" not in html
    assert audit_actions(db, "venue.create")[-1].object_id == venue.id


@pytest.mark.parametrize("occupancy, message", [("0", "安全容量（人）应为1–5000"),
                                                ("abc", "安全容量（人）")])
def test_venue_safe_occupancy_must_be_at_least_one(client, db, world, organizer, occupancy, message):
    response = client.post(f"/console/venues/{world.venue.id}/edit", data={
        "name": world.venue.name, "host_department_id": 0, "safe_occupancy": occupancy})
    assert message in response.get_data(as_text=True)
    db.session.refresh(world.venue)
    assert world.venue.safe_occupancy == 300


def test_edit_venue(client, db, world, organizer):
    response = client.post(f"/console/venues/{world.venue.id}/edit", data={
        "name": "化工实训中心", "building": "厚德楼", "host_department_id": 0,
        "safe_occupancy": 250, "visitor_notes": "请在一楼大厅集合", "is_active": "y"})
    assert response.status_code == 302
    db.session.refresh(world.venue)
    assert (world.venue.building, world.venue.safe_occupancy) == ("厚德楼", 250)
    entry = audit_actions(db, "venue.update")[-1]
    assert entry.before["safe_occupancy"] == 300 and entry.after["safe_occupancy"] == 250


def test_create_single_slot_and_refuse_end_before_start(client, db, world, organizer):
    day = world.edition.starts_on + timedelta(days=1)
    url = f"/console/events/{world.event.id}/slots/new"
    bad = client.post(url, data={"venue_id": world.venue.id, "day": day.isoformat(),
                                 "starts": "10:00", "ends": "09:00", "capacity": 50})
    assert "结束时间必须晚于开始时间" in bad.get_data(as_text=True)
    ok = client.post(url, data={"venue_id": world.venue.id, "day": day.isoformat(),
                                "starts": "14:00", "ends": "15:30", "capacity": 50})
    assert ok.status_code == 302
    slots = db.session.scalars(sa.select(Slot).where(Slot.event_id == world.event.id)).all()
    assert len(slots) == 2
    assert audit_actions(db, "slot.create")


def test_capacity_cannot_go_below_booked(client, db, world, organizer):
    assert world.slot.booked == 42
    response = client.post(f"/console/slots/{world.slot.id}/edit",
                           data={"capacity": 30, "label": ""})
    assert "容量不能低于已预约人数（42人）" in response.get_data(as_text=True)
    db.session.refresh(world.slot)
    assert world.slot.capacity == 100
    assert not audit_actions(db, "slot.capacity")
    response = client.post(f"/console/slots/{world.slot.id}/edit",
                           data={"capacity": 42, "label": "上午场"})
    assert response.status_code == 302
    db.session.refresh(world.slot)
    assert (world.slot.capacity, world.slot.label) == (42, "上午场")
    entry = audit_actions(db, "slot.capacity")[-1]
    assert (entry.before["capacity"], entry.after["capacity"]) == (100, 42)


def test_theme_day_reorder_and_redate(client, db, world, organizer):
    td = world.edition.theme_days[0]
    new_day = world.edition.starts_on + timedelta(days=5)
    response = client.post(f"/console/theme-days/{td.id}", data={
        f"td{td.id}-position": 3, f"td{td.id}-name": "职业技能体验日", f"td{td.id}-day": new_day})
    assert response.status_code == 302
    db.session.refresh(td)
    assert (td.position, td.day) == (3, new_day)
    outside = world.edition.ends_on + timedelta(days=3)
    client.post(f"/console/theme-days/{td.id}", data={
        f"td{td.id}-position": 3, f"td{td.id}-name": "职业技能体验日", f"td{td.id}-day": outside})
    db.session.refresh(td)
    assert td.day == new_day
    assert audit_actions(db, "theme_day.update")


def settings_data(**kw):
    data = {"daily_cap": 1200, "students_per_teacher": 15, "students_per_teacher_primary": 8,
            "max_group_size": 100, "booking_opens_at": "2026-04-20T09:00",
            "booking_closes_at": "2026-05-12T18:00", "change_deadline_hours": 48,
            "report_deadline": "2026-05-18", "max_persons_per_mobile_day": 200,
            "max_persons_per_school_day": 300, "approval_threshold": "", "approval_hours": 48}
    data.update(kw)
    return data


def test_settings_update(client, db, world, organizer):
    response = client.post(f"/console/settings?edition={world.edition.year}", data=settings_data())
    assert response.status_code == 302
    db.session.refresh(world.edition)
    e = world.edition
    assert (e.daily_cap, e.students_per_teacher, e.max_group_size, e.change_deadline_hours) == \
        (1200, 15, 100, 48)
    assert e.booking_opens_at.isoformat() == "2026-04-20T01:00:00+00:00"  # 09:00 Shanghai
    assert audit_actions(db, "settings.update")[-1].after["daily_cap"] == 1200


@pytest.mark.parametrize("override, message", [
    ({"booking_closes_at": "2026-04-01T09:00"}, "预约截止时间必须晚于开放时间"),
    ({"daily_cap": 10}, "每日接待上限不能低于已预约最多的一天（42人）"),
    ({"daily_cap": 0}, "应为1–100000之间的整数"),
])
def test_settings_refuse_bad_values(client, db, world, organizer, override, message):
    response = client.post(f"/console/settings?edition={world.edition.year}",
                           data=settings_data(**override))
    assert message in response.get_data(as_text=True)
    db.session.refresh(world.edition)
    assert world.edition.daily_cap == 1500


def test_copy_edition_for_next_year(client, db, world, organizer):
    year = world.edition.year + 1
    start = world.edition.starts_on.replace(year=year, day=10)  # a start inside the new year
    response = client.post(f"/console/editions/copy?edition={world.edition.year}",
                           data={"year": year, "starts_on": start.isoformat()})
    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Edition).where(Edition.year == year))
    assert copy.starts_on == start and [e.name for e in copy.events] == ["开放科普基地"]
    assert len(copy.events[0].slots) == 1 and copy.events[0].slots[0].booked == 0
    assert audit_actions(db, "edition.copy")[-1].object_id == copy.id
    again = client.post(f"/console/editions/copy?edition={world.edition.year}",
                        data={"year": year, "starts_on": start.isoformat()}, follow_redirects=True)
    assert f"{year}年活动周已存在" in again.get_data(as_text=True)


def test_year_switcher_after_copy(client, db, world, organizer):
    year = world.edition.year + 1
    client.post(f"/console/editions/copy?edition={world.edition.year}",
                data={"year": year, "starts_on": world.edition.starts_on.replace(year=year, day=10)})
    html = client.get(f"/console/events?edition={world.edition.year}").get_data(as_text=True)
    assert f'href="/console/events?edition={year}"' in html
    newer = client.get(f"/console/events?edition={year}").get_data(as_text=True)
    assert "开放科普基地" in newer
    assert client.get("/console/events?edition=1999").status_code == 404


def test_slot_capacity_cannot_exceed_the_venue_safe_occupancy(client, db, world, organizer):
    response = client.post(f"/console/slots/{world.slot.id}/edit",
                           data={"capacity": 301, "label": ""})
    assert "每场容量不能超过场地安全容量（300人）" in response.get_data(as_text=True)
    db.session.refresh(world.slot)
    assert world.slot.capacity == 100
