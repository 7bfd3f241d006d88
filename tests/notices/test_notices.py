"""Change notices over HTTP: who sees them, who gets the mail, the audit, the one-tap move."""
from datetime import timedelta

import sqlalchemy as sa

from tests.booking.helpers import text
from tests.factories import create_booking, create_event, create_slot, create_user, create_venue
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry
from visitorapp.booking.models import BookingStatus
from visitorapp.notices import services
from visitorapp.notices.models import Notice, NoticeScope
from visitorapp.outbox.models import OutboxMessage


def _world(db):
    slot = create_slot(capacity=100)
    edition = slot.event.edition
    other = create_slot(event=slot.event, venue=slot.venue, capacity=100,
                        starts_at=slot.starts_at + timedelta(hours=3))
    elsewhere = create_slot(event=create_event(edition=edition, name="智能制造实训中心"),
                            venue=create_venue(), capacity=100,
                            starts_at=slot.starts_at + timedelta(days=1))
    return edition, slot, other, elsewhere


def test_closing_a_slot_notifies_its_groups_and_offers_a_move(client, db, login):
    edition, slot, other, elsewhere = _world(db)
    booking = create_booking(slot, email="wang@example.com", students=40, teachers=2)
    bystander = create_booking(other, email="li@example.com")
    organizer = create_user(role=Role.ORGANIZER)
    login(organizer)

    response = client.post(f"/console/slots/{slot.id}/close", data={"reason": "停电检修"})
    assert response.status_code == 302
    assert "变更通知已发给" in text(client.get(response.headers["Location"]))
    db.session.refresh(slot)
    assert not slot.is_open and slot.booked == 42  # nothing released by the closure itself

    notice = db.session.scalar(sa.select(Notice))
    assert notice.closes_slot and notice.scope == NoticeScope.SLOT and notice.mailed == 1
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "booking.notice")).all()
    assert mail.recipient == "wang@example.com" and "停电检修" in mail.subject
    assert booking.manage_token in mail.body_text
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "notice.send"))
    assert entry.actor == organizer.username and "1个团体" in entry.summary

    client.post("/logout")
    page = text(client.get(f"/b/{booking.manage_token}"))
    assert "场次暂停：停电检修" in page and "改约到此场次" in page
    assert "场次暂停" not in text(client.get(f"/b/{bystander.manage_token}"))

    response = client.post(f"/b/{booking.manage_token}/notice-move", data={"slot_id": other.id})
    assert response.status_code == 302
    assert "入场码不变" in text(client.get(response.headers["Location"]))
    db.session.refresh(booking), db.session.refresh(slot), db.session.refresh(other)
    assert booking.slot_id == other.id and slot.booked == 0 and other.booked == 42 + 42
    # Moved away from the closure: the notice and the offers no longer concern the group.
    assert "改约到此场次" not in text(client.get(f"/b/{booking.manage_token}"))


def test_the_one_tap_move_needs_a_closed_slot(client, db):
    _, slot, other, _ = _world(db)
    booking = create_booking(slot)
    db.session.commit()
    client.post(f"/b/{booking.manage_token}/notice-move", data={"slot_id": other.id})
    db.session.refresh(booking)
    assert booking.slot_id == slot.id


def test_a_full_target_leaves_the_group_where_it_was(client, db):
    _, slot, other, _ = _world(db)
    booking = create_booking(slot, students=40, teachers=2)
    create_booking(other, students=80, teachers=4)
    services.close_slot(slot, "暴雨")
    db.session.commit()
    response = client.post(f"/b/{booking.manage_token}/notice-move", data={"slot_id": other.id},
                           follow_redirects=True)
    assert "剩余名额不足" in text(response)
    db.session.refresh(booking)
    assert booking.slot_id == slot.id and booking.status == BookingStatus.CONFIRMED


def test_a_day_notice_reaches_groups_and_registrants_of_that_day_only(client, db, login):
    edition, slot, other, elsewhere = _world(db)
    a = create_booking(slot, email="a@example.com")
    b = create_booking(other, email="")
    c = create_booking(elsewhere, email="c@example.com")
    clinic = create_individual_slot(event=create_event(edition=edition, name="简历门诊",
                                                       mode="individual"),
                                    starts_at=slot.starts_at + timedelta(hours=1))
    reg = register(clinic)
    login(create_user(role=Role.ORGANIZER))
    response = client.post(f"/console/notices?year={edition.year}", data={
        "scope": "day", "day": slot.local_day.isoformat(), "title": "雨天方案",
        "body": "如遇降雨，集合地点改在图书馆一楼大厅。"})
    assert response.status_code == 302, text(response)
    recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient).where(
        OutboxMessage.kind.in_(["booking.notice", "registration.notice"]))))
    assert recipients == {"a@example.com", reg.email}
    client.post("/logout")
    for token, shown in ((a.manage_token, True), (b.manage_token, True), (c.manage_token, False)):
        assert ("雨天方案" in text(client.get(f"/b/{token}"))) is shown
    assert "图书馆一楼大厅" in text(client.get(f"/my/{reg.manage_token}"))
    assert "改约到此场次" not in text(client.get(f"/b/{a.manage_token}"))


def test_a_notice_needs_its_target_and_refuses_hostile_text(client, db, login):
    edition, slot, *_ = _world(db)
    login(create_user(role=Role.ORGANIZER))
    response = client.post(f"/console/notices?year={edition.year}", data={
        "scope": "venue_day", "day": slot.local_day.isoformat(), "venue_id": "0",
        "title": "入口调整", "body": "改从北门入校。"})
    assert response.status_code == 422 and "请选择场馆。" in text(response)
    response = client.post(f"/console/notices?year={edition.year}", data={
        "scope": "day", "day": slot.local_day.isoformat(), "title": "=cmd|' /C calc'!A0",
        "body": "<script>alert(1)</script>"})
    assert response.status_code == 422 and "不能以 = + - @" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Notice.id))) == 0


def test_a_reopened_slot_no_longer_shows_its_closure(client, db, login):
    _, slot, *_ = _world(db)
    booking = create_booking(slot)
    services.close_slot(slot, "暴雨")
    db.session.commit()
    assert "场次暂停：暴雨" in text(client.get(f"/b/{booking.manage_token}"))
    login(create_user(role=Role.ORGANIZER))
    assert client.post(f"/console/slots/{slot.id}/reopen").status_code == 302
    client.post("/logout")
    assert "场次暂停" not in text(client.get(f"/b/{booking.manage_token}"))


def test_a_registrant_of_a_closed_slot_moves_in_one_tap_after_the_change_deadline(
        client, db, time_machine):
    clinic = create_event(name="简历门诊", mode="individual")
    closed = create_individual_slot(event=clinic, capacity=3)
    later = create_individual_slot(event=clinic, capacity=3,
                                   starts_at=closed.starts_at + timedelta(hours=3))
    create_individual_slot(capacity=3, starts_at=closed.starts_at + timedelta(hours=1))  # other event
    registration = register(closed)
    services.close_slot(closed, "停电检修")
    db.session.commit()
    [mail] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "registration.notice")).all()
    assert "一键改约" in mail.body_text and registration.manage_token in mail.body_text

    # Two hours before the slot: the registrant's own 改约 is closed (24 h), the closure's is not.
    time_machine.move_to(closed.starts_at - timedelta(hours=2), tick=False)
    page = text(client.get(f"/my/{registration.manage_token}"))
    assert "场次暂停：停电检修" in page and page.count("改约到此场次") == 1  # same event only
    assert "不改约，取消报名" in page
    response = client.post(f"/my/{registration.manage_token}/notice-move",
                           data={"slot_id": later.id})
    assert response.status_code == 302
    assert "改约成功" in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert registration.slot_id == later.id
    assert (closed.booked, later.booked) == (0, 1)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.move"))
    assert entry.actor == "报名人（变更通知一键改约）"
    assert "场次暂停" not in text(client.get(f"/my/{registration.manage_token}"))


def test_a_registrant_cannot_use_the_closure_move_on_an_open_slot(client, db):
    clinic = create_event(name="简历门诊", mode="individual")
    slot = create_individual_slot(event=clinic, capacity=3)
    later = create_individual_slot(event=clinic, capacity=3,
                                   starts_at=slot.starts_at + timedelta(hours=3))
    registration = register(slot)
    db.session.commit()
    response = client.post(f"/my/{registration.manage_token}/notice-move",
                           data={"slot_id": later.id}, follow_redirects=True)
    assert "原场次没有暂停" in text(response)
    db.session.expire_all()
    assert registration.slot_id == slot.id


def test_a_registrant_of_a_closed_slot_may_cancel_from_the_notice(client, db):
    slot = create_individual_slot(capacity=3)
    registration = register(slot)
    services.close_slot(slot, "暴雨")
    db.session.commit()
    page = text(client.get(f"/my/{registration.manage_token}"))
    assert "目前同一活动没有其他仍有名额的场次" in page
    response = client.post(f"/my/{registration.manage_token}/cancel", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert not registration.is_active and slot.booked == 0
