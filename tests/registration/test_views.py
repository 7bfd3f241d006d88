"""Registration over HTTP: the form, hostile input, CV uploads, the manage link, moves."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import create_slot, create_user
from tests.registration.helpers import create_individual_slot, register
from visitorapp.accounts.models import Role
from visitorapp.registration.models import QuestionKind, Registration, RegistrationQuestion

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(**kw):
    data = {"name": "张三", "mobile": "13912345678", "email": "zs@example.com", "identity": "internal",
            "student_number": "2024010203", "college": "化学工程学院", "class_name": "应化2401班",
            "privacy": "y"}
    data.update(kw)
    return data


def cv_question(slot, **kw):
    q = RegistrationQuestion(event_id=slot.event_id, label="简历", kind=QuestionKind.FILE, required=True,
                             file_types="pdf,doc,docx", max_kb=kw.pop("max_kb", 100))
    from visitorapp.extensions import db
    db.session.add(q)
    db.session.flush()
    return q


def test_events_page_lists_individual_slots_and_full_ones_offer_the_waiting_list(client, db):
    open_slot = create_individual_slot(capacity=2, name="模拟面试")
    full = create_individual_slot(event=open_slot.event, capacity=1,
                                  starts_at=open_slot.starts_at + timedelta(hours=1))
    register(full)
    db.session.commit()
    page = client.get("/events").get_data(as_text=True)
    assert "模拟面试" in page and "剩余 <strong>2</strong> 人" in page
    assert f"/r/{full.id}/waitlist" in page and "加入候补" in page


def test_register_over_http_shows_the_ticket_on_the_manage_page(client, db):
    slot = create_individual_slot(capacity=2)
    db.session.commit()
    response = client.post(f"/r/{slot.id}", data=form())
    assert response.status_code == 302 and "/my/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "报名成功" in page and "HC1-" in page
    registration = db.session.scalar(sa.select(Registration))
    assert registration.student_number == "2024010203" and registration.college == "化学工程学院"


@pytest.mark.parametrize("field, value, message", [
    ("name", "<script>alert(1)</script>", "姓名只能包含"),
    ("name", "=cmd|' /C calc'!A0", "姓名只能包含"),
    ("mobile", "12345", "11位手机号"),
    ("student_number", "", "请填写学号"),
    ("student_number", "2024'; DROP TABLE--", "学号应为"),
    ("college", "=HYPERLINK(\"x\")", "二级学院只能包含"),
])
def test_hostile_input_is_refused_in_chinese_and_nothing_is_stored(client, db, field, value, message):
    slot = create_individual_slot(capacity=2)
    db.session.commit()
    response = client.post(f"/r/{slot.id}", data=form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "<script>alert(1)</script>" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    db.session.refresh(slot)
    assert slot.booked == 0


def test_visitors_give_an_organisation_instead_of_a_student_number(client, db):
    slot = create_individual_slot(capacity=2)
    db.session.commit()
    response = client.post(f"/r/{slot.id}", data=form(identity="external", student_number="",
                                                      organisation=""))
    assert response.status_code == 422 and "请填写学校或单位名称" in response.get_data(as_text=True)
    response = client.post(f"/r/{slot.id}", data=form(identity="external", organisation="湘潭大学"))
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    assert registration.organisation == "湘潭大学" and registration.student_number == ""


def test_second_slot_for_the_same_student_is_refused(client, db):
    slot = create_individual_slot(capacity=5)
    other = create_individual_slot(event=slot.event, capacity=5,
                                   starts_at=slot.starts_at + timedelta(hours=1))
    db.session.commit()
    assert client.post(f"/r/{slot.id}", data=form()).status_code == 302
    response = client.post(f"/r/{other.id}", data=form(student_number="2024999999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "每人限报一个场次" in page
    assert 'href="/recover"' in page and "BM-" not in page
    # the same student number from another mobile is not refused (it is not a key)
    assert client.post(f"/r/{other.id}", data=form(mobile="13700001111")).status_code == 302


def test_cv_upload_accepts_a_pdf_and_keeps_it_out_of_static(client, db, app, login):
    slot = create_individual_slot(capacity=2)
    q = cv_question(slot)
    db.session.commit()
    data = form(**{q.field_name: (io.BytesIO(PDF), "我的简历.pdf")})
    response = client.post(f"/r/{slot.id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration))
    meta = registration.answers[q.field_name]
    assert meta["original_name"] == "我的简历.pdf" and meta["content_type"] == "application/pdf"
    assert client.get(f"/static/{meta['stored_name']}").status_code == 404
    login(create_user(role=Role.ORGANIZER))
    download = client.get(f"/staff/registration/{registration.id}/files/{q.field_name}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("content, filename, message", [
    (b"MZ\x90\x00 this is an exe", "简历.pdf", "只接受 PDF、DOC、DOCX"),
    (PDF, "简历.exe", "只接受 PDF、DOC、DOCX"),
    (b"PK\x03\x04 not really a docx", "简历.docx", "只接受 PDF、DOC、DOCX"),
    (b"%PDF-" + b"x" * (101 * 1024), "简历.pdf", "不能超过100KB"),
])
def test_cv_upload_refuses_wrong_type_and_size(client, db, app, content, filename, message):
    import os
    slot = create_individual_slot(capacity=2)
    q = cv_question(slot, max_kb=100)
    db.session.commit()
    data = form(**{q.field_name: (io.BytesIO(content), filename)})
    response = client.post(f"/r/{slot.id}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    cv_dir = os.path.join(app.instance_path, "uploads", "cv")
    assert not os.path.isdir(cv_dir) or os.listdir(cv_dir) == []


def test_a_missing_required_cv_is_asked_for(client, db):
    slot = create_individual_slot(capacity=2)
    cv_question(slot)
    db.session.commit()
    response = client.post(f"/r/{slot.id}", data=form(), content_type="multipart/form-data")
    assert response.status_code == 422 and "请上传“简历”" in response.get_data(as_text=True)


def test_cancel_and_move_through_the_manage_link(client, db):
    slot = create_individual_slot(capacity=1)
    later = create_individual_slot(event=slot.event, capacity=1,
                                   starts_at=slot.starts_at + timedelta(hours=1))
    registration = register(slot)
    db.session.commit()
    page = client.get(f"/my/{registration.manage_token}/move").get_data(as_text=True)
    assert "改约到此场" in page
    response = client.post(f"/my/{registration.manage_token}/move", data={"slot_id": later.id})
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.slot_id == later.id
    client.post(f"/my/{registration.manage_token}/cancel")
    db.session.refresh(registration)
    db.session.refresh(later)
    assert not registration.is_active and later.booked == 0
    assert client.get("/my/forged-token").status_code == 404


def test_organizer_defines_extra_questions_and_others_may_not(client, db, login):
    slot = create_individual_slot(capacity=2)
    db.session.commit()
    assert client.get(f"/staff/registration/events/{slot.event_id}").status_code == 302  # to login
    login(create_user(role=Role.REPORTER))
    assert client.get(f"/staff/registration/events/{slot.event_id}").status_code == 403
    client.post("/logout")
    login(create_user(role=Role.ORGANIZER))
    response = client.post(f"/staff/registration/events/{slot.event_id}",
                           data={"label": "意向岗位", "kind": "text", "file_types": "pdf", "max_kb": 100})
    assert response.status_code == 302
    assert "意向岗位" in client.get(f"/r/{slot.id}").get_data(as_text=True)


def test_staff_index_lists_individual_events(client, db, login):
    slot = create_individual_slot(capacity=2, name="创业沙龙")
    db.session.commit()
    login(create_user(role=Role.ORGANIZER))
    page = client.get("/staff/registration/").get_data(as_text=True)
    assert "创业沙龙" in page and f"/staff/registration/events/{slot.event_id}" in page



def test_programme_page_links_individual_events_to_registration(client, db):
    slot = create_individual_slot(capacity=2, name="创业沙龙")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "/events" in page and f"/events#event-{slot.event_id}" in page


def test_group_slots_have_no_registration_form(client, db):
    slot = create_slot(capacity=50)
    db.session.commit()
    assert client.get(f"/r/{slot.id}").status_code == 404
    assert client.post(f"/r/{slot.id}", data=form()).status_code == 404
