"""家长告知书 over HTTP: filled in from the visit, the organizers' template per edition."""
import sqlalchemy as sa

from tests.booking.helpers import text
from tests.factories import create_booking, create_edition, create_event, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.audit.models import AuditEntry


def test_the_letter_is_filled_in_from_the_visit(client, db):
    booking = create_booking(create_slot(), school_name="醴陵市第一中学", students=38, teachers=2,
                             leader_name="刘老师", leader_mobile="13812345678")
    db.session.commit()
    response = client.get(f"/b/{booking.manage_token}/letter")
    page = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    slot = booking.slot
    assert "致家长的一封信" in page and "醴陵市第一中学将于" in page
    assert f"{slot.local_day.month}月{slot.local_day.day}日" in page and "学生38名" in page
    assert slot.venue.name in page and "带队教师：刘老师，电话：13812345678" in page
    assert "回　执" in page and "家长签名" in page and "【" not in page
    assert "打印家长告知书" in text(client.get(f"/b/{booking.manage_token}"))


def test_a_cancelled_booking_has_no_letter(client, db):
    booking = create_booking(create_slot())
    db.session.commit()
    client.post(f"/b/{booking.manage_token}/cancel", data={})
    response = client.get(f"/b/{booking.manage_token}/letter")
    assert response.status_code == 302
    assert client.get("/b/forged-token/letter").status_code == 404


def test_organizer_edits_the_template_of_one_edition(client, db, login):
    slot = create_slot()
    other = create_slot(event=create_event(edition=create_edition()))
    booking, elsewhere = create_booking(slot), create_booking(other)
    edition = slot.event.edition
    login(create_user(role=Role.ORGANIZER))
    form = client.get(f"/console/letter?year={edition.year}")
    assert "【学校】" in text(form)
    data = {"title": "告家长书", "body": "【学校】学生将于【日期】参观【地点】。",
            "safety": "注意安全\n<script>x</script>", "contact": "电话：【领队电话】",
            "return_slip": "家长签名：____"}
    response = client.post(f"/console/letter?year={edition.year}", data=data)
    assert response.status_code == 200 and "不能包含网页代码" in text(response)
    data["safety"] = "注意安全\n不离队"
    response = client.post(f"/console/letter?year={edition.year}", data={**data, "body": "【校名】"})
    assert "不认识的占位符：【校名】" in text(response)
    assert client.post(f"/console/letter?year={edition.year}", data=data).status_code == 302
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "letter.template"))
    client.post("/logout")
    page = text(client.get(f"/b/{booking.manage_token}/letter"))
    assert "告家长书" in page and f"{booking.school_name}学生将于" in page and "不离队" in page
    assert "致家长的一封信" in text(client.get(f"/b/{elsewhere.manage_token}/letter"))
