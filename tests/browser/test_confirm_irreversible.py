"""Confirm before the irreversible: cancelling a registration and moving a booking ask first, and
saying no changes nothing (phone, Chromium)."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.factories import create_booking, create_event, create_slot
from tests.registration.helpers import create_individual_slot, register
from visitorapp.booking.models import BookingStatus
from visitorapp.registration.models import RegistrationStatus


def answer_dialogs(page, answers: list[bool], seen: list[str]):
    def handle(dialog):
        seen.append(dialog.message)
        dialog.accept() if answers.pop(0) else dialog.dismiss()
    page.on("dialog", handle)


def test_cancelling_a_registration_asks_first(phone, live_server, db):
    registration = register(create_individual_slot(capacity=5))
    db.session.commit()
    seen = []
    answer_dialogs(phone, [False, True], seen)
    phone.goto(f"{live_server}/my/{registration.manage_token}")
    phone.get_by_role("button", name="确认取消报名").click()
    phone.wait_for_timeout(300)
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED and "不能恢复" in seen[0]
    phone.get_by_role("button", name="确认取消报名").click()
    expect(phone.locator(".flash-success")).to_contain_text("报名已取消")
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CANCELLED


def test_moving_a_booking_asks_first_naming_the_new_slot(phone, live_server, db):
    event = create_event(name="开放科普基地")
    first = create_slot(event, capacity=100, label="化工体验路线")
    other = create_slot(event, first.venue, capacity=100, label="制药体验路线",
                        starts_at=first.starts_at + timedelta(hours=2))
    booking = create_booking(first)
    db.session.commit()
    seen = []
    answer_dialogs(phone, [False, True], seen)
    phone.goto(f"{live_server}/b/{booking.manage_token}/move")
    phone.get_by_role("button", name="改约到此场").click()
    phone.wait_for_timeout(300)
    db.session.refresh(booking)
    assert booking.slot_id == first.id and "制药体验路线" in seen[0]
    phone.get_by_role("button", name="改约到此场").click()
    expect(phone.locator(".flash-success")).to_contain_text("改约成功")
    db.session.refresh(booking)
    assert booking.slot_id == other.id and booking.status == BookingStatus.CONFIRMED
