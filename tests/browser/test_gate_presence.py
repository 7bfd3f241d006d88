"""The gate in Chromium with presence as movements: out and back in (再次入场), a partial exit,
a ticket of another venue asking first, and 统一退场 asking before it exits everyone."""
import re

from playwright.sync_api import expect

from tests.browser.gate_helpers import blank_camera, gate_world, sign_in, stored


def scan(page, token, direction="in"):
    """Choose the direction, then type a ticket into the scanner field as a gun would."""
    page.locator(f"input[name=direction][value={direction}]").check()
    page.locator("#scan-input").focus()
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    expect(page.locator("#scan-input")).to_have_value("")


def test_a_group_goes_out_and_comes_back_in_green(phone, gate_day, live_server, db,
                                                   fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, school_name="株洲市南方中学", students=38, teachers=3)
    sign_in(phone, live_server)
    on_site = phone.locator("#campus-on-site")
    scan(phone, token)
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(on_site).to_have_text("41")
    scan(phone, token, "out")
    expect(phone.locator("#outcome-title")).to_have_text("✔ 离场")
    expect(phone.locator("#outcome-message")).to_contain_text("仍在场 0 人")
    expect(on_site).to_have_text("0")
    scan(phone, token, "in")
    expect(phone.locator("#outcome-title")).to_have_text("✔ 再次入场")
    expect(phone.locator("#outcome")).to_have_class(re.compile(r"\bok\b"))  # green
    expect(phone.locator("#outcome-message")).to_contain_text("再次入场")
    expect(on_site).to_have_text("41")
    rows = stored(db)
    assert [(r.result, r.direction, r.persons) for r in rows] == [
        ("ok", "in", 41), ("ok", "out", 41), ("re_entry", "in", 41)]
    assert sum(r.arrived_students + r.arrived_teachers for r in rows) == 41  # arrived once


def test_part_of_a_group_leaves_early(phone, gate_day, live_server, db, fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, students=18, teachers=2)
    sign_in(phone, live_server)
    scan(phone, token)
    expect(phone.locator("#campus-on-site")).to_have_text("20")
    scan(phone, token, "out")
    expect(phone.locator("#numbers-hint")).to_contain_text("离场人数")
    phone.fill("#num-students", "6")
    phone.fill("#num-teachers", "1")
    phone.get_by_role("button", name="更新人数").click()
    expect(phone.locator("#outcome-message")).to_contain_text("仍在场 13 人")
    expect(phone.locator("#campus-on-site")).to_have_text("13")
    scan(phone, token, "out")  # the rest leave later
    expect(phone.locator("#outcome-message")).to_contain_text("13人；仍在场 0 人")
    expect(phone.locator("#campus-on-site")).to_have_text("0")


def test_a_ticket_of_another_venue_asks_first(phone, gate_day, live_server, db, fake_camera_file):
    from tests.checkin.helpers import booking_today
    from tests.factories import create_venue
    blank_camera(fake_camera_file)
    venue, _, _, _ = gate_world(db)
    _, theirs = booking_today(create_venue(name="精艺楼"), school_name="湘潭县第一中学",
                              students=20, teachers=2)
    db.session.commit()
    sign_in(phone, live_server)
    scan(phone, theirs)
    expect(phone.locator("#outcome-title")).to_have_text("⚠ 需确认")
    expect(phone.locator("#outcome")).to_have_class(re.compile(r"\bwarn\b"))
    expect(phone.locator("#outcome-message")).to_contain_text("精艺楼")
    expect(phone.locator("#campus-on-site")).to_have_text("0")
    phone.get_by_role("button", name="已核实，确认放行").click()
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(phone.locator("#outcome-warnings")).to_contain_text("精艺楼")
    expect(phone.locator("#counts")).to_contain_text(venue.name)
    expect(phone.locator("#campus-on-site")).to_have_text("22")  # counted at this gate's venue
    assert [(r.result, r.venue_id) for r in stored(db)] == [
        ("confirm_required", venue.id), ("ok", venue.id)]


def test_everyone_out_lists_who_is_inside_before_exiting(phone, gate_day, live_server, db,
                                                         fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, _, token = gate_world(db, school_name="醴陵市第二中学", students=30, teachers=2)
    sign_in(phone, live_server)
    scan(phone, token)
    expect(phone.locator("#campus-on-site")).to_have_text("32")
    phone.get_by_role("button", name="全部离场…").click()
    expect(phone.locator("#inside")).to_contain_text("醴陵市第二中学")
    phone.get_by_role("button", name="确认 32 人全部离场").click()
    expect(phone.locator("body")).to_contain_text("共 32 人登记离场")
    expect(phone.locator("#campus-on-site")).to_have_text("0")


def test_a_booking_reference_typed_by_hand(phone, gate_day, live_server, db, fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, _ = gate_world(db, school_name="攸县第一中学", students=20, teachers=1)
    sign_in(phone, live_server)
    scan(phone, booking.reference.lower())
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(phone.locator("#outcome-booking")).to_contain_text("攸县第一中学")
    expect(phone.locator("#campus-on-site")).to_have_text("21")
