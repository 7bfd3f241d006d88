"""The ticket page and its QR images over HTTP."""
import pytest

from tests.factories import create_booking, create_slot, create_venue
from tests.mailserver import decode_qr
from visitorapp.booking import services
from visitorapp.database import atomic
from visitorapp.tickets import tokens
from visitorapp.timeutil import utcnow

NOTES = "集合地点：精艺楼一楼大厅。\n进入实验室须穿平底鞋，不得触摸化学试剂。"


@pytest.fixture
def booking(db):
    venue = create_venue(name="全国化学会科普基地", building="精艺楼", visitor_notes=NOTES)
    slot = create_slot(venue=venue, capacity=120)
    booking = create_booking(slot, school_name="株洲市第二中学", students=40, teachers=3,
                             leader_name="李老师", leader_mobile="13912345678")
    db.session.commit()
    return booking


def test_ticket_page_shows_the_qr_and_everything_the_school_needs(client, booking):
    response = client.get(f"/ticket/{tokens.token_for(booking)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    slot = booking.slot
    for text in ("入场确认函", "株洲市第二中学", booking.reference, "学生 40 人，教师 3 人，共 43 人",
                 "全国化学会科普基地 · 精艺楼", "集合地点：精艺楼一楼大厅。", "不得触摸化学试剂",
                 "请携带", "安全要求", "09:00–10:30", f"{slot.local_day.month}月{slot.local_day.day}日",
                 "139****5678"):
        assert text in html, text
    assert '<svg' in html and 'class="qr"' in html
    assert "13912345678" not in html  # the ticket may be forwarded: the mobile is masked


def test_ticket_page_allows_no_changes(client, booking):
    html = client.get(f"/ticket/{tokens.token_for(booking)}").get_data(as_text=True)
    assert booking.manage_token not in html
    assert "/b/" not in html and "<form" not in html
    assert client.post(f"/ticket/{tokens.token_for(booking)}").status_code == 405


def test_qr_on_the_page_is_the_ticket_token(client, booking):
    token = tokens.token_for(booking)
    png = client.get(f"/ticket/{token}.png")
    assert decode_qr(png.data) == [token]


def test_lower_case_token_redirects_to_the_canonical_ticket(client, booking):
    token = tokens.token_for(booking)
    response = client.get(f"/ticket/{token.lower()}")
    assert response.status_code == 301 and response.location.endswith(f"/ticket/{token}")


def test_cancelled_ticket_shows_void_without_a_qr(client, booking, db):
    token = tokens.token_for(booking)
    atomic(services.cancel_booking, booking, now=utcnow())
    response = client.get(f"/ticket/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已作废" in html and "不能用于入场" in html and "<svg" not in html
    assert "打印确认函" not in html
    png = client.get(f"/ticket/{token}.png")
    assert png.status_code == 404 and "作废" in png.get_data(as_text=True)
    assert client.get(f"/ticket/{token}.svg").status_code == 404


@pytest.mark.parametrize("bad, message", [
    ("HC1-AAAAAAAAAAAAAAAA-AAAAAAAAAAAAA", "票码校验失败"),
    ("nonsense", "无法识别的票码"),
    ("<script>alert(1)<script>", "无法识别的票码"),
])
def test_unknown_or_forged_ticket_is_a_chinese_404(client, db, bad, message):
    response = client.get(f"/ticket/{bad}")
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)
    assert "<script>alert" not in response.get_data(as_text=True)


def test_png_and_svg_have_types_and_cache_headers(client, booking):
    token = tokens.token_for(booking)
    png = client.get(f"/ticket/{token}.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG")
    assert "private" in png.headers["Cache-Control"] and "max-age=86400" in png.headers["Cache-Control"]
    etag = png.headers["ETag"]
    again = client.get(f"/ticket/{token}.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    svg = client.get(f"/ticket/{token}.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    assert svg.headers["ETag"] != etag
    download = client.get(f"/ticket/{token}.png?download=1")
    assert f'filename="ticket-{booking.reference}.png"' in download.headers["Content-Disposition"]


def test_ticket_page_is_revalidated_and_registers_an_offline_copy(client, booking):
    response = client.get(f"/ticket/{tokens.token_for(booking)}")
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'data-service-worker="/ticket/sw.js"' in response.get_data(as_text=True)
    worker = client.get("/ticket/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert b"caches" in worker.data


def test_headcount_change_keeps_the_ticket_url(client, booking):
    url = f"/ticket/{tokens.token_for(booking)}"
    atomic(services.change_headcount, booking, 30, 2, enforce_deadline=False, now=utcnow())
    assert "学生 30 人，教师 2 人" in client.get(url).get_data(as_text=True)
