"""The admin's audit log page: every staff change listed with who and before/after, filtered."""
from tests.factories import create_user
from visitorapp.accounts.models import Role


def test_admin_browses_and_filters_the_log(client, login, db, world):
    organizer = create_user(Role.ORGANIZER, username="zhangsan")
    login(organizer)
    client.post(f"/console/slots/{world.slot.id}/edit", data={"capacity": 90, "label": ""})
    client.post(f"/console/slots/{world.slot.id}/close", data={"reason": "雷雨 <1小时> & 大风"})
    client.post("/logout")
    login(create_user(Role.ADMIN))
    html = client.get("/audit/").get_data(as_text=True)
    assert "slot.capacity" in html and "slot.close" in html and "zhangsan" in html
    assert "雷雨 &lt;1小时&gt; &amp; 大风" in html and "<1小时>" not in html
    only_close = client.get("/audit/", query_string={"action": "slot.close"}).get_data(as_text=True)
    assert "<code>slot.close</code>" in only_close and "<code>slot.capacity</code>" not in only_close
    nobody = client.get("/audit/", query_string={"user": "lisi"}).get_data(as_text=True)
    assert "没有记录" in nobody
    future = client.get("/audit/", query_string={"since": "2999-01-01"}).get_data(as_text=True)
    assert "没有记录" in future
    assert client.get("/audit/", query_string={"since": "garbage", "page": "x"}).status_code == 200
