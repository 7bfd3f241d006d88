"""A teacher adds two buses with plates on the phone; the security office's list for that day
shows them, and the gate shows the plates with the group when its ticket is scanned."""
from playwright.sync_api import expect

from tests.browser.gate_helpers import blank_camera, gate_world, sign_in
from tests.factories import create_user
from visitorapp.accounts.models import Role


def test_two_buses_reach_the_security_list_and_the_gate(phone, page, gate_day, live_server, db,
                                                        fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, school_name="株洲市南方中学")
    create_user(role=Role.SECURITY, username="baowei")
    db.session.commit()

    phone.goto(f"{live_server}/b/{booking.manage_token}")
    section = phone.get_by_role("region", name="车辆信息")
    section.get_by_label("到校方式").select_option(label="大巴")
    section.get_by_label("车辆数").fill("2")
    section.get_by_label("车辆入口").select_option(label="北门")
    section.get_by_label("车牌号（每行一个，可稍后在管理页面补充）").fill("湘a·12345\n湘AD12345")
    section.get_by_role("button", name="保存车辆信息").click()
    expect(phone.locator(".flash-success")).to_contain_text("大巴 2辆：湘A12345、湘AD12345")

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("baowei")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="车辆清单")).to_be_visible()
    page.goto(f"{live_server}/staff/vehicles?day={booking.slot.local_day.isoformat()}")
    north = page.get_by_role("region", name="北门")
    expect(north).to_contain_text("北门（2辆）")
    row = north.locator(f"tr[data-reference='{booking.reference}']")
    expect(row).to_contain_text("湘A12345、湘AD12345")
    expect(row).to_contain_text("株洲市南方中学")

    gate = phone  # the gate's phone (the teacher's management page needs no sign-in)
    sign_in(gate, live_server)
    gate.keyboard.type(token, delay=5)
    gate.keyboard.press("Enter")
    expect(gate.locator("#outcome-title")).to_have_text("✔ 放行")
    expect(gate.locator("#outcome-booking")).to_contain_text("大巴 2辆：湘A12345、湘AD12345")
