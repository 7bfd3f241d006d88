"""The gate page in headless Chromium: camera, scanner gun, photo and search check groups in."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import INSECURE_HOST
from tests.browser.fakecam import qr_image
from tests.browser.gate_helpers import DECODE_TIMEOUT_MS, blank_camera, gate_world, sign_in, stored


def test_ticket_qr_on_camera_checks_the_group_in(phone, gate_day, live_server, db, show_on_camera):
    _, _, booking, token = gate_world(db, school_name="株洲市南方中学", students=38, teachers=3)
    show_on_camera(token)
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(phone, live_server)
    expect(phone.locator("#outcome")).to_have_class(re.compile(r"\bok\b"), timeout=DECODE_TIMEOUT_MS)
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(phone.locator("#outcome-booking")).to_contain_text("株洲市南方中学")
    expect(phone.locator("#outcome-booking")).to_contain_text("38 名学生，3 名教师")
    expect(phone.locator("#campus-on-site")).to_have_text("41")
    # The code stays in view: the page does not count the group again.
    phone.wait_for_timeout(600)
    rows = stored(db)
    assert [(r.result, r.booking_id, r.persons) for r in rows] == [("ok", booking.id, 41)]
    assert errors == []


def test_scanner_gun_types_and_enters_twice(phone, gate_day, live_server, db, fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, _, token = gate_world(db)
    sign_in(phone, live_server)
    scan = phone.locator("#scan-input")
    expect(scan).to_be_focused()
    phone.keyboard.type(token.lower(), delay=5)  # a gun behind a lower-case / IME layout
    phone.keyboard.press("Enter")
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(scan).to_have_value("")
    expect(scan).to_be_focused()
    phone.keyboard.type(token, delay=5)
    phone.keyboard.press("Enter")
    expect(phone.locator("#outcome-title")).to_have_text("⚠ 已在场")
    expect(phone.locator("#outcome")).to_have_class(re.compile(r"\bwarn\b"))
    expect(phone.locator("#outcome-message")).to_contain_text("无需再次放行")
    assert [r.result for r in stored(db)] == ["ok", "already_inside"]


def test_staff_correct_arrived_numbers(phone, gate_day, live_server, db, fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, students=40, teachers=3)
    sign_in(phone, live_server)
    phone.keyboard.type(token)
    phone.keyboard.press("Enter")
    expect(phone.locator("#num-students")).to_have_value("40")
    phone.fill("#num-students", "36")
    phone.get_by_role("button", name="更新人数").click()
    expect(phone.locator("#outcome-message")).to_contain_text("36名学生")
    expect(phone.locator("#campus-on-site")).to_have_text("39")
    assert stored(db)[0].students == 36


def test_plain_http_lan_origin_falls_back_to_photo_and_search(browser, gate_day, live_server, db, tmp_path):
    from tests.browser.conftest import PHONE
    _, _, booking, token = gate_world(db, school_name="湘潭县第一中学", leader_mobile="13800004321")
    port = live_server.rsplit(":", 1)[1]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        sign_in(page, f"http://{INSECURE_HOST}:{port}")
        assert page.evaluate("isSecureContext") is False
        expect(page.locator("#camera-error")).to_contain_text("需要 HTTPS")
        expect(page.locator("#scan-input")).to_be_focused()
        photo = tmp_path / "ticket.png"
        qr_image(token).save(photo)
        page.set_input_files("#photo", str(photo))
        expect(page.locator("#outcome-title")).to_have_text("✔ 放行")
        page.fill("#search-input", "4321")
        page.get_by_role("button", name="查找").click()
        expect(page.locator("#search-results")).to_contain_text("湘潭县第一中学")
        expect(page.locator("#search-results")).to_contain_text("在场 42 人")
        page.locator("#search-results").get_by_role("button", name="入场").click()
        expect(page.locator("#outcome-title")).to_have_text("⚠ 已在场")
    finally:
        context.close()
    assert [r.result for r in stored(db)] == ["ok", "already_inside"]


def test_full_venue_asks_before_letting_more_in(phone, gate_day, live_server, db, fake_camera_file):
    from datetime import timedelta

    from tests.checkin.helpers import booking_today, slot_now
    from tests.factories import create_user, create_venue
    from visitorapp.accounts.models import Role
    blank_camera(fake_camera_file)
    venue = create_venue(name="小实训室", safe_occupancy=50)
    create_user(Role.GATE, username="gate1", venues=[venue])
    _, first = booking_today(venue, students=30, teachers=2, slot=slot_now(venue, minutes=60))
    later = slot_now(venue, starts_in=timedelta(minutes=80), minutes=60)
    _, second = booking_today(venue, students=20, teachers=2, slot=later)
    db.session.commit()
    sign_in(phone, live_server)
    phone.keyboard.type(first)
    phone.keyboard.press("Enter")
    expect(phone.locator("#outcome")).to_have_attribute("data-result", "ok")
    expect(phone.locator("#scan-input")).to_be_focused()  # the gun's field is ready for the next code
    phone.keyboard.type(second)
    phone.keyboard.press("Enter")
    # Waits for the second answer itself (the first one already showed "ok").
    expect(phone.locator("#outcome-title")).to_have_text("⚠ 需确认", timeout=20_000)
    expect(phone.locator("#outcome-message")).to_contain_text("安全上限")
    phone.get_by_role("button", name="已核实，确认放行").click()
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(phone.locator("#outcome-warnings")).to_contain_text("安全上限")
    expect(phone.locator("#campus-on-site")).to_have_text("54", timeout=20_000)
    assert [r.result for r in stored(db)] == ["ok", "confirm_required", "ok"]
