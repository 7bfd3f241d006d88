"""Offline at the gate: scans are decided and queued on the phone, then synced exactly once."""
from playwright.sync_api import expect

from tests.browser.gate_helpers import blank_camera, gate_world, sign_in, stored


def test_offline_scans_are_queued_and_synced_once(phone, gate_day, live_server, db,
                                                  fake_camera_file):
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, school_name="醴陵市第二中学", students=30, teachers=2)
    phone.clock.set_fixed_time(gate_day)  # the phone's day is the gate day too
    sign_in(phone, live_server)
    expect(phone.locator("#cache")).to_have_attribute("data-count", "1")
    # The page and its scripts come from the service worker once it controls the page.
    phone.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    phone.context.set_offline(True)
    phone.reload()  # even a reload works without the network
    expect(phone.locator("#gate")).to_have_attribute("data-ready", "1")
    expect(phone.locator("#net")).to_have_text("离线")
    for _ in range(2):
        phone.locator("#scan-input").focus()
        phone.keyboard.type(token)
        phone.keyboard.press("Enter")
        expect(phone.locator("#outcome-title")).not_to_have_text("请扫描入场码")
    expect(phone.locator("#outcome-title")).to_have_text("⚠ 已在场（离线）")
    expect(phone.locator("#queue")).to_have_text("待同步 2 条")
    assert stored(db) == []  # nothing reached the server

    phone.context.set_offline(False)
    expect(phone.locator("#net")).to_have_text("在线")
    expect(phone.locator("#queue")).to_have_text("待同步 0 条")
    rows = stored(db)
    assert [(r.result, r.offline, r.conflict) for r in rows] == [
        ("ok", True, False), ("already_inside", True, False)]
    assert rows[0].booking_id == booking.id and rows[0].persons == 32
    # Going offline and online again does not send the queue a second time.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_timeout(300)
    assert len(stored(db)) == 2


def test_unknown_code_is_refused_offline(phone, gate_day, live_server, db, fake_camera_file):
    blank_camera(fake_camera_file)
    gate_world(db)
    phone.clock.set_fixed_time(gate_day)
    sign_in(phone, live_server)
    expect(phone.locator("#cache")).to_have_attribute("data-count", "1")
    phone.context.set_offline(True)
    phone.locator("#scan-input").focus()
    phone.keyboard.type("HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA")
    phone.keyboard.press("Enter")
    expect(phone.locator("#outcome-title")).to_have_text("✘ 无效票码（离线）")
    expect(phone.locator("#queue")).to_have_text("待同步 1 条")
    phone.context.set_offline(False)
    expect(phone.locator("#queue")).to_have_text("待同步 0 条")
    assert [r.result for r in stored(db)] == ["forged"]


def test_offline_answers_show_the_groups_plates(phone, gate_day, live_server, db,
                                                fake_camera_file):
    from visitorapp.vehicles import services as vehicles
    blank_camera(fake_camera_file)
    _, _, booking, token = gate_world(db, school_name="株洲市南方中学")
    vehicles.set_transport(booking, vehicles.TransportDetails("coach", 2, ["湘A12345", "湘AD12345"],
                                                              "东门"))
    db.session.commit()
    phone.clock.set_fixed_time(gate_day)
    sign_in(phone, live_server)
    expect(phone.locator("#cache")).to_have_attribute("data-count", "1")
    phone.context.set_offline(True)
    expect(phone.locator("#net")).to_have_text("离线")
    phone.locator("#scan-input").focus()
    phone.keyboard.type(token)
    phone.keyboard.press("Enter")
    expect(phone.locator("#outcome-title")).to_have_text("✔ 放行（离线）")
    expect(phone.locator("#outcome-booking")).to_contain_text("大巴 2辆：湘A12345、湘AD12345")
    assert stored(db) == []  # decided on the phone, from the cached list
