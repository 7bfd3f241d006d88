"""Gate, conflicts and devices pages: who may see what."""
import sqlalchemy as sa

from tests.checkin.helpers import booking_today
from tests.factories import create_user, create_venue
from visitorapp.accounts.models import Role
from visitorapp.checkin.models import GateDevice


def test_gate_page_lists_only_own_venues(client, login, db):
    mine = create_venue(name="精艺楼实训中心")
    create_venue(name="图书馆")
    login(create_user(Role.GATE, venues=[mine]))
    page = client.get("/gate").get_data(as_text=True)
    assert "精艺楼实训中心" in page and "图书馆" not in page
    assert 'capture="environment"' in page and "jsQR.js" in page
    assert "onclick" not in page


def test_gate_account_cannot_reach_organizer_pages(client, login, db):
    login(create_user(Role.GATE, venues=[create_venue()]))
    for url in ("/checkins/conflicts", "/checkins/devices"):
        assert client.get(url).status_code == 403


def test_reporter_cannot_open_the_gate(client, login, db):
    login(create_user(Role.REPORTER))
    assert client.get("/gate").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    r = client.get("/gate")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_organizer_creates_and_revokes_a_device(client, login, db):
    venue = create_venue(name="东门")
    _, ticket = booking_today(venue)
    login(create_user(Role.ORGANIZER))
    page = client.post("/checkins/devices", data={"name": "东门1号机", "venue_id": venue.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "只显示这一次" in page
    token = page.split('id="device-token">')[1].split("<")[0]
    device = db.session.scalar(sa.select(GateDevice))
    assert device.token_hash != token and token not in device.token_hash
    auth = {"Authorization": f"Bearer {token}"}
    ok = client.post("/api/v1/checkins", json={"token": ticket, "client_id": "device-test-1"},
                     headers=auth)
    assert ok.get_json()["result"] == "ok"
    client.post(f"/checkins/devices/{device.id}/revoke", data={})
    again = client.post("/api/v1/checkins", json={"token": ticket, "client_id": "device-test-2"},
                        headers=auth)
    assert again.status_code == 401


def test_service_worker_is_scoped_to_the_gate(client, db):
    r = client.get("/gate/sw.js")
    assert r.status_code == 200 and r.headers["Service-Worker-Allowed"] == "/gate"
    assert "javascript" in r.headers["Content-Type"]
    assert client.get("/gate/manifest.webmanifest").get_json()["start_url"] == "/gate"


def test_everyone_out_asks_first_then_counts_once(client, login, db):
    venue = create_venue(name="创新楼")
    _, token = booking_today(venue, school_name="株洲市第一中学", students=18, teachers=2)
    login(create_user(Role.GATE, venues=[venue]))
    client.post("/api/v1/checkins", json={"token": token, "client_id": "everyone-in-1"})
    client.post("/api/v1/checkins", json={"token": token, "client_id": "everyone-out-1",
                                          "direction": "out", "students": 6, "teachers": 1})
    form = {"venue_id": venue.id, "batch_id": "closing-batch-1"}
    page = client.post("/gate/everyone-out", data=form).get_data(as_text=True)
    assert "株洲市第一中学" in page and "确认 13 人全部离场" in page
    assert client.get("/api/v1/checkins/summary").get_json()["campus"]["on_site"] == 13
    done = client.post("/gate/everyone-out", data={**form, "confirm": "y"}, follow_redirects=True)
    assert "1 个团队/个人共 13 人登记离场" in done.get_data(as_text=True)
    again = client.post("/gate/everyone-out", data={**form, "confirm": "y"}, follow_redirects=True)
    assert "0 个团队/个人共 0 人" in again.get_data(as_text=True)
    assert client.get("/api/v1/checkins/summary").get_json()["campus"]["on_site"] == 0
    assert "目前无人在场" in client.post("/gate/everyone-out", data=form).get_data(as_text=True)


def test_gate_page_titles_every_result(client, login, db):
    import json
    import re

    from visitorapp.checkin.models import CheckInResult
    login(create_user(Role.GATE, venues=[create_venue()]))
    page = client.get("/gate").get_data(as_text=True)
    titles = json.loads(re.search(r"data-titles='([^']*)'", page).group(1))
    assert {r.value for r in CheckInResult} <= set(titles)
    assert titles["re_entry"] == "✔ 再次入场" and titles["already_inside"] == "⚠ 已在场"


def test_gate_page_ignores_a_date_it_cannot_use(client, login, db):
    login(create_user(Role.GATE, venues=[create_venue()]))
    for day in ("0001-01-01", "9999-12-31", "x"):
        assert client.get(f"/gate?date={day}").status_code == 200


def test_conflicts_page_shows_both_decisions(client, login, db):
    from datetime import timedelta

    from tests.checkin.helpers import MOMENT
    from visitorapp.checkin.actors import Actor
    from visitorapp.checkin.services import check_in
    venue = create_venue(name="化工馆")
    booking, token = booking_today(venue, school_name="湘潭市第一中学")
    gates = [Actor(user=create_user(Role.GATE, venues=[venue])) for _ in range(2)]
    for i, actor in enumerate(gates):
        check_in(token, venue, "in", None, None, f"offline-gate-{i}", actor, now=MOMENT,
                 offline=True, scanned_at=MOMENT - timedelta(minutes=3), local_result="ok")
    login(create_user(Role.ORGANIZER))
    page = client.get("/checkins/conflicts").get_data(as_text=True)
    assert "湘潭市第一中学" in page and "⚠ 已在场" in page and page.count("<tr>") == 2
