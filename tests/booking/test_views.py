"""The public booking pages over HTTP: picker and form, every rule a teacher can meet, in the words
they see."""
import re
from datetime import timedelta

import pytest

from tests.booking.helpers import HOSTILE_SCRIPT, bookings, form_data, text
from tests.factories import (
    create_booking,
    create_department,
    create_edition,
    create_event,
    create_slot,
    create_venue,
)
from visitorapp.booking.models import BookingStatus


def test_slot_picker_shows_venue_remaining_full_and_closed_reason(client, db):
    event = create_event()
    venue = create_venue("全国化学会科普基地", building="精艺楼",
                         host_department=create_department("化学工程学院"))
    day = event.edition.starts_on + timedelta(days=3)
    open_slot = create_slot(event, venue, capacity=60)
    start = open_slot.starts_at
    full = create_slot(event, venue, capacity=42, starts_at=start + timedelta(hours=2))
    create_booking(full, students=40, teachers=2)
    closed = create_slot(event, venue, capacity=50, starts_at=start + timedelta(hours=4),
                         is_open=False, closed_reason="雷雨天气，室外场地关闭")
    db.session.commit()

    page = text(client.get(f"/book?day={day.isoformat()}"))

    assert "全国化学会科普基地" in page and "精艺楼" in page and "承办：化学工程学院" in page
    assert "剩余 <strong>60</strong> 人" in page
    assert "已约满" in page
    assert "暂停预约：雷雨天气，室外场地关闭" in page
    assert f'href="/book/{open_slot.id}"' in page
    assert f'href="/book/{full.id}"' not in page
    assert f'href="/book/{closed.id}"' not in page


def test_slot_picker_tabs_switch_days(client, db):
    event = create_event()
    first = create_slot(event, capacity=30)
    second = create_slot(event, capacity=30, starts_at=first.starts_at + timedelta(days=1))
    db.session.commit()
    page = text(client.get("/book"))
    assert f"/book?day={second.local_day.isoformat()}" in page
    assert f'href="/book/{first.id}"' in page and f'href="/book/{second.id}"' not in page
    page = text(client.get(f"/book?day={second.local_day.isoformat()}"))
    assert f'href="/book/{second.id}"' in page and f'href="/book/{first.id}"' not in page


def test_window_not_open_shows_opening_time_and_refuses_bookings(client, db, pinned):
    edition = create_edition(booking_opens_at=pinned + timedelta(days=2))
    slot = create_slot(create_event(edition))
    db.session.commit()

    picker = text(client.get("/book"))
    assert "预约将于" in picker and "开放" in picker
    assert f'href="/book/{slot.id}"' not in picker
    form_page = text(client.get(f"/book/{slot.id}"))
    assert "预约将于" in form_page and "提交预约" not in form_page

    response = client.post(f"/book/{slot.id}", data=form_data())
    assert response.status_code == 422
    assert "预约将于" in text(response)
    assert bookings(db) == []


def test_window_closed_refuses_bookings(client, db, pinned):
    edition = create_edition(booking_opens_at=pinned - timedelta(days=5),
                             booking_closes_at=pinned - timedelta(hours=1))
    slot = create_slot(create_event(edition))
    db.session.commit()
    assert "本届预约已于" in text(client.get("/book"))
    response = client.post(f"/book/{slot.id}", data=form_data())
    assert response.status_code == 422 and "预约已截止" in text(response)
    assert bookings(db) == []


def test_booking_form_shows_labels_ratio_and_privacy_notice(client, slot):
    page = text(client.get(f"/book/{slot.id}"))
    for label in ("学校名称", "学段", "年级", "学生人数", "带队教师人数", "领队教师姓名",
                  "领队教师手机号", "我已阅读并同意《个人信息保护说明》"):
        assert label in page
    assert "每 20 名学生至少配备 1 名带队教师（小学每 10 名）" in page
    assert "不收集学生姓名、身份证号" in page
    assert "身份证" not in re.sub(r"不收集学生姓名、身份证号", "", page)  # no such field
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None  # CSP: external scripts only
    assert 'src="/static/js/booking.js"' in page


def test_valid_booking_takes_places_and_shows_reference_and_manage_link(client, db, slot):
    response = client.post(f"/book/{slot.id}", data=form_data())
    assert response.status_code == 302
    booking = bookings(db)[0]
    assert response.headers["Location"] == f"/b/{booking.manage_token}/confirmed"

    page = text(client.get(response.headers["Location"]))
    assert "预约成功" in page and booking.reference in page
    assert f"http://localhost/b/{booking.manage_token}" in page
    assert "复制链接" in page
    db.session.refresh(slot)
    assert slot.booked == 42
    assert (booking.school_name, booking.students, booking.teachers) == ("株洲市第二中学", 40, 2)


def test_full_width_digits_and_spaces_in_mobile_are_accepted(client, db, slot):
    response = client.post(f"/book/{slot.id}", data=form_data(leader_mobile="１３８ 1234-5678"))
    assert response.status_code == 302
    assert bookings(db)[0].leader_mobile == "13812345678"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("school_name", "", "请填写学校名称。"),
    ("school_name", "甲", "学校名称应为2–50个字。"),
    ("school_name", "学" * 51, "学校名称应为2–50个字。"),
    ("school_name", "=cmd|' /C calc'!A0", "学校名称只能包含汉字、字母、数字、空格和括号等常用符号。"),
    ("school_name", HOSTILE_SCRIPT, "学校名称只能包含汉字、字母、数字、空格和括号等常用符号。"),
    ("school_stage", "", "请选择学段。"),
    ("school_stage", "university", "请从列表中选择学段。"),
    ("students", "", "请填写学生人数。"),
    ("students", "abc", "学生人数"),
    ("students", "0", "学生人数应为1–1000之间的整数。"),
    ("teachers", "", "请填写带队教师人数。"),
    ("leader_name", "", "请填写领队教师姓名。"),
    ("leader_name", "@王老师", "领队教师姓名只能包含"),
    ("leader_mobile", "", "请填写领队教师手机号。"),
    ("leader_mobile", "12812345678", "请填写正确的11位手机号码"),
    ("leader_mobile", "1381234567", "请填写正确的11位手机号码"),
    ("leader_mobile", "138123456789", "请填写正确的11位手机号码"),
    ("email", "not-an-email", "电子邮箱格式不正确。"),
    ("email", "=cmd|x@evil.cn", "电子邮箱格式不正确。"),
    ("grades", "@SUM(1+1)*cmd|' /C calc'!A0", "年级不能以 = + - @ 等符号开头"),
    ("notes", "=HYPERLINK(\"http://evil\",\"点我\")", "备注不能以 = + - @ 等符号开头"),
    ("notes", HOSTILE_SCRIPT, "备注不能包含网页代码（如 <script>）"),
    ("notes", "很长" * 251, "备注不能超过500个字"),
    ("privacy", None, "请阅读并同意个人信息保护说明。"),
])
def test_invalid_input_is_refused_in_chinese_and_nothing_is_stored(client, db, slot, field, value,
                                                                    message):
    response = client.post(f"/book/{slot.id}", data=form_data(**{field: value}))

    assert response.status_code == 422
    page = text(response)
    assert f'<p class="error" id="{field}-error">' in page
    escaped = message.replace("<", "&lt;").replace(">", "&gt;")
    assert escaped in page
    assert HOSTILE_SCRIPT not in page  # echoed back only escaped
    assert bookings(db) == []
    db.session.refresh(slot)
    assert slot.booked == 0


@pytest.mark.parametrize(("stage", "students", "teachers", "message"), [
    ("junior", "41", "2", "初中团队每20名学生至少配备1名带队教师：41名学生需要至少3名教师。"),
    ("primary", "21", "2", "小学团队每10名学生至少配备1名带队教师：21名学生需要至少3名教师。"),
    ("senior", "115", "6", "单个团队（学生+教师）不超过120人"),
])
def test_group_rules_are_checked_and_shown_beside_the_field(client, db, slot, stage, students,
                                                             teachers, message):
    response = client.post(f"/book/{slot.id}", data=form_data(
        school_stage=stage, students=students, teachers=teachers))
    assert response.status_code == 422
    assert message in text(response)
    assert bookings(db) == []


def test_ratio_and_group_size_come_from_the_edition_settings(client, db):
    edition = create_edition(students_per_teacher=15, max_group_size=30)
    slot = create_slot(create_event(edition))
    db.session.commit()
    page = text(client.get(f"/book/{slot.id}"))
    assert 'data-ratio="15"' in page and 'data-max-group="30"' in page
    response = client.post(f"/book/{slot.id}", data=form_data(students="16", teachers="1"))
    assert "每15名学生至少配备1名带队教师" in text(response)
    response = client.post(f"/book/{slot.id}", data=form_data(students="28", teachers="2"))
    assert response.status_code == 302


def test_slot_without_enough_room_names_other_slots_with_room(client, db):
    event = create_event()
    small = create_slot(event, capacity=50)
    create_booking(small, students=30, teachers=2)
    later = create_slot(event, capacity=100, starts_at=small.starts_at + timedelta(hours=3))
    db.session.commit()

    response = client.post(f"/book/{small.id}", data=form_data())

    assert response.status_code == 422
    page = text(response)
    assert "该场次剩余名额不足：剩余18人，本次需要42人。" in page
    # The alternative carries what was typed over (issue 12): a carry-over POST, not a bare link.
    assert "以下场次仍有名额" in page and f'action="/book/{later.id}"' in page
    assert 'name="carry" value="1"' in page and 'value="株洲市第二中学"' in page
    assert len(bookings(db)) == 1
    db.session.refresh(small)
    assert small.booked == 32


def test_full_slot_page_says_full_and_offers_alternatives_instead_of_the_form(client, db):
    event = create_event()
    full = create_slot(event, capacity=42)
    create_booking(full, students=40, teachers=2)
    other = create_slot(event, capacity=60, starts_at=full.starts_at + timedelta(hours=3))
    db.session.commit()
    page = text(client.get(f"/book/{full.id}"))
    assert "已约满" in page and "提交预约" not in page
    assert f'href="/book/{other.id}"' in page


def test_closed_slot_shows_reason_and_refuses(client, db):
    slot = create_slot(is_open=False, closed_reason="场馆检修")
    db.session.commit()
    assert "场馆检修" in text(client.get(f"/book/{slot.id}"))
    response = client.post(f"/book/{slot.id}", data=form_data())
    assert response.status_code == 422
    assert "该场次已暂停预约。原因：场馆检修" in text(response)
    assert bookings(db) == []


def test_slot_that_started_cannot_be_booked(client, db, pinned):
    slot = create_slot(starts_at=pinned - timedelta(minutes=5))
    db.session.commit()
    response = client.post(f"/book/{slot.id}", data=form_data())
    assert response.status_code == 422
    assert "该场次已开始或已结束" in text(response)
    assert bookings(db) == []


def test_unknown_or_rehearsal_slot_is_not_found(client, db):
    rehearsal = create_slot(is_rehearsal=True)
    db.session.commit()
    assert client.get("/book/999999").status_code == 404
    response = client.get(f"/book/{rehearsal.id}")
    assert response.status_code == 404 and "未发布" in text(response)


def test_second_booking_by_same_mobile_says_nothing_about_the_first(client, db, slot):
    client.post(f"/book/{slot.id}", data=form_data())
    first = bookings(db)[0]

    response = client.post(f"/book/{slot.id}", data=form_data(school_name="另一所学校",
                                                                leader_name="李老师"))

    assert response.status_code == 422
    page = text(response)
    assert "该手机号已预约此场次" in page and "找回预约/报名" in page
    assert 'href="/recover"' in page
    for secret in (first.reference, first.manage_token, first.school_name, first.leader_name):
        assert secret not in page
    assert 'href="/b/' not in page
    assert len(bookings(db)) == 1
    db.session.refresh(slot)
    assert slot.booked == 42


def test_privacy_page_says_what_why_and_how_long(client):
    page = text(client.get("/privacy"))
    for words in ("我们收集什么", "为什么收集", "保存多久", "90 天", "不收集学生姓名、身份证号",
                  "学号不作为报名限制", "上传的文件从服务器上删除"):
        assert words in page


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused_in_chinese_and_stores_nothing(self, client, db, slot):
        response = client.post(f"/book/{slot.id}", data=form_data())
        assert response.status_code == 400
        assert "页面已过期或来源不明" in text(response)
        assert bookings(db) == []

    def test_post_with_the_page_token_books(self, client, db, slot):
        page = text(client.get(f"/book/{slot.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(f"/book/{slot.id}", data=form_data(csrf_token=token))
        assert response.status_code == 302
        assert len(bookings(db)) == 1

    def test_cancel_without_token_changes_nothing(self, client, db, slot):
        booking = create_booking(slot)
        db.session.commit()
        response = client.post(f"/b/{booking.manage_token}/cancel", data={})
        assert response.status_code == 400
        db.session.refresh(booking)
        assert booking.status == BookingStatus.CONFIRMED


def test_ratio_is_shown_together_with_other_field_errors(client, db, slot):
    response = client.post(f"/book/{slot.id}", data=form_data(
        students="41", teachers="2", leader_mobile="123", privacy=None))
    page = text(response)
    assert response.status_code == 422
    for field in ("teachers", "leader_mobile", "privacy"):
        assert f'id="{field}-error"' in page
    assert "41名学生需要至少3名教师" in page
    assert bookings(db) == []


def test_picker_without_any_edition_says_booking_is_not_published(client):
    response = client.get("/book")
    assert response.status_code == 200
    assert "预约尚未发布" in text(response)


def test_picker_with_an_unknown_day_shows_the_first_day(client, db, slot):
    for day in ("2001-01-01", "not-a-date"):
        page = text(client.get(f"/book?day={day}"))
        assert f'href="/book/{slot.id}"' in page


class TestRateLimit:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC_FORM": "2 per minute"}

    def test_too_many_submissions_are_refused_in_chinese(self, client, db, slot):
        for _ in range(2):
            client.post(f"/book/{slot.id}", data=form_data(leader_mobile="123"))
        response = client.post(f"/book/{slot.id}", data=form_data())
        assert response.status_code == 429
        assert "操作过于频繁" in text(response) and "秒后再试" in text(response)
        assert bookings(db) == []
        assert client.get(f"/book/{slot.id}").status_code == 200  # reading is not limited

