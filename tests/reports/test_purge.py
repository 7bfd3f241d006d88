"""The privacy promise kept: after `flask purge-personal-data` on a week with group bookings, individual
registrations (with a CV upload and answers), waiting lists, mails and audit entries, no name,
mobile, e-mail, student number, answer or uploaded file is left — in any text column of any table,
nor anywhere under instance/ (the SQLite file lives there, as in production) — and 附件1 is the
same file, byte for byte. Everything is made over HTTP as users would, at pinned moments."""
import io
import json
import os
import shutil
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.booking.helpers import form_data
from tests.conftest import PG_URL
from tests.factories import (
    create_department,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from tests.registration.helpers import create_individual_slot
from visitorapp.accounts.models import Role
from visitorapp.booking.models import Booking
from visitorapp.programme.models import ParticipationMode
from visitorapp.registration.models import QuestionKind, Registration, RegistrationQuestion
from visitorapp.timeutil import TZ
from visitorapp.waitlist.models import WaitlistEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEEK_STARTS = date(2031, 5, 10)          # the week runs 10–16 May 2031
BOOKING_TIME = datetime(2031, 4, 20, 10, 0, tzinfo=TZ)
RETENTION_DAYS = 90

#: Everything personal the week collects; none of it may survive the purge.
LEADER = dict(leader_name="欧阳明轩", leader_mobile="13712340001", email="ouyang.mx@school-a.cn",
              notes="有学生欧阳小明需要轮椅通道")
WAITER = dict(leader_name="诸葛文博", leader_mobile="13712340002", email="zhuge.wb@school-b.cn")
STUDENT = dict(name="司马静怡", mobile="13712340003", email="sima.jy@stu.example.cn",
               student_number="2024990123", class_name="应化2499班")
VISITOR = dict(name="上官云飞", mobile="13712340004", email="shangguan.yf@example.org")
CV_ANSWER = "擅长化工仪表维修与PLC编程"
PLATE = "湘AD88888"  # the leader's own car: its plate names its owner
CV_NAME = "司马静怡的简历.pdf"
NEW_NOTES = "已电话确认：欧阳小明需要轮椅通道"
SECRETS = [*LEADER.values(), *WAITER.values(), *STUDENT.values(), *VISITOR.values(), CV_ANSWER,
           CV_NAME, NEW_NOTES, "欧阳小明", "王守仁", "13712340005", PLATE]


@pytest.fixture
def app_config(app_config, tmp_path, database_url):
    """On SQLite the database file lives in instance/, where production keeps it."""
    if PG_URL:
        return {**app_config, "RETENTION_DAYS": RETENTION_DAYS}
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    path = instance / "visitorapp.sqlite3"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
    return {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RETENTION_DAYS": RETENTION_DAYS}


@pytest.fixture
def week(client, db, login, time_machine):
    """A whole week made through the pages, then the clock moved to after it."""
    time_machine.move_to(BOOKING_TIME, tick=False)
    edition = create_edition(year=2031, starts_on=WEEK_STARTS)
    college = create_department("化学工程学院")
    venue = create_venue("全国化学会科普基地", safe_occupancy=400, host_department_id=college.id)
    visit = create_event(edition, "开放全国化学会科普基地", seq=10)
    visit.set_departments([], [college])
    day = datetime.combine(WEEK_STARTS + timedelta(days=3), datetime.min.time(), TZ)
    roomy = create_slot(visit, venue, capacity=200, starts_at=day.replace(hour=9))
    small = create_slot(visit, venue, capacity=42, starts_at=day.replace(hour=14))
    clinic_event = create_event(edition, "简历门诊", seq=11, mode=ParticipationMode.INDIVIDUAL)
    clinic_event.set_departments([college], [])
    clinic = create_individual_slot(clinic_event, capacity=1, starts_at=day.replace(hour=10), venue=venue)
    cv = RegistrationQuestion(event_id=clinic_event.id, label="简历", kind=QuestionKind.FILE, required=True)
    skills = RegistrationQuestion(event_id=clinic_event.id, label="特长", kind=QuestionKind.TEXT)
    db.session.add_all([cv, skills])
    organizer = create_user(Role.ORGANIZER, username="jiaowu")
    gate = create_user(Role.GATE, username="gate1", venues=[venue])
    db.session.commit()

    # A teacher books on the web form, another through the JSON API fills the afternoon slot.
    assert client.post(f"/book/{roomy.id}", data=form_data(
        school_name="株洲市第二中学", students="40", teachers="2", **LEADER,
        arrival="car", vehicle_count="1", plates=PLATE, entrance="东门")).status_code == 302
    assert client.post("/api/v1/bookings", json={
        "slot_id": small.id, "school_name": "天元区小学", "school_stage": "primary", "students": 36,
        "teachers": 6, "leader_name": "王守仁", "leader_mobile": "13712340005"}).status_code == 201
    # A third school waits for the full slot.
    assert client.post(f"/book/{small.id}/waitlist", data=form_data(
        school_name="醴陵市职业中专", school_stage="secondary_vocational", students="20",
        teachers="1", **WAITER)).status_code == 302
    # A student registers for the clinic with a CV; a visitor queues for it.
    response = client.post(f"/r/{clinic.id}", content_type="multipart/form-data", data={
        **STUDENT, "identity": "internal", "college": "化学工程学院",
        "privacy": "y", cv.field_name: (io.BytesIO(PDF), CV_NAME), skills.field_name: CV_ANSWER})
    assert response.status_code == 302, response.get_data(as_text=True)
    visitor = {**VISITOR, "identity": "external", "organisation": "株洲市第八中学", "privacy": "y"}
    assert client.post(f"/r/{clinic.id}/waitlist", data=visitor).status_code == 302
    # The leader lost the link and asks for it again; the mails go out.
    client.post("/recover", data={"mobile": LEADER["leader_mobile"], "email": LEADER["email"]})
    login(organizer)
    booking = db.session.scalar(sa.select(Booking).where(Booking.leader_mobile == LEADER["leader_mobile"]))
    details = {"school_name": booking.school_name, "school_stage": "junior", "grades": booking.grades,
               "leader_name": "欧阳明轩", "leader_mobile": LEADER["leader_mobile"],
               "email": LEADER["email"], "notes": NEW_NOTES}
    assert client.post(f"/console/bookings/{booking.id}/details", data=details).status_code == 302
    runner = client.application.test_cli_runner()
    assert runner.invoke(args=["mail", "send-outbox"]).exit_code == 0

    # The day: both groups and the student arrive at the gate.
    time_machine.move_to(day.replace(hour=9, minute=5), tick=False)
    client.post("/logout")
    login(gate)
    from visitorapp.tickets.tokens import token_for
    registration = db.session.scalar(sa.select(Registration))
    for n, ticket in enumerate([*map(token_for, db.session.scalars(
            sa.select(Booking).order_by(Booking.id))), token_for(registration)]):
        scan = client.post("/api/v1/checkins", json={"token": ticket, "direction": "in",
                                                      "client_id": f"gate-purge-{n:04d}", "confirm": True})
        assert scan.get_json()["result"] == "ok", scan.get_json()
    client.post("/logout")
    login(organizer)
    time_machine.move_to(datetime(2031, 5, 20, 9, 0, tzinfo=TZ), tick=False)
    db.session.commit()
    uploads = os.path.join(client.application.instance_path, "uploads", "cv")
    assert os.listdir(uploads), "the CV is on disk before the purge"
    return edition


def report_xlsx(client, edition) -> bytes:
    response = client.get(f"/reports/college.xlsx?edition={edition.year}")
    assert response.status_code == 200
    return response.get_data()


def leftovers(db) -> list[str]:
    """Every personal string still found in any text column of any table."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found += [f"{table.name}.{column.name}: {s}" for s in SECRETS if s in text]
    return found


def files_with_secrets(root: str) -> list[str]:
    """Files under instance/ holding a personal string (as UTF-8, or JSON-escaped), or a CV."""
    needles = [s.encode() for s in SECRETS] + [json.dumps(s)[1:-1].encode() for s in SECRETS]
    hits = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                data = f.read()
            if data.startswith(b"%PDF") or any(n in data for n in needles):
                hits.append(os.path.relpath(path, root))
    return hits


def test_before_the_retention_date_the_purge_refuses_without_force(client, db, runner, week):
    result = runner.invoke(args=["purge-personal-data", "--edition", "2031"])
    assert result.exit_code != 0 and "保留至2031-08-14" in result.output and "--force" in result.output
    assert runner.invoke(args=["purge-personal-data"]).output.strip() == ""  # nothing due yet
    db.session.expire_all()
    assert leftovers(db), "nothing was purged"


def test_purge_leaves_no_personal_data_and_the_same_report(client, db, runner, week, app):
    before = report_xlsx(client, week)
    assert leftovers(db)  # the week really holds the data the test looks for
    db.session.commit()

    result = runner.invoke(args=["purge-personal-data", "--edition", "2031", "--force"])
    assert result.exit_code == 0, result.output
    assert "已匿名 2 条预约、1 条报名、2 条候补" in result.output and "删除 1 个上传文件" in result.output

    db.session.expire_all()
    assert leftovers(db) == []
    assert files_with_secrets(app.instance_path) == []
    assert os.listdir(os.path.join(app.instance_path, "uploads", "cv")) == []
    after = report_xlsx(client, week)
    assert after == before, "附件1 changed"
    # Counts the report stands on are still there.
    bookings = db.session.scalars(sa.select(Booking)).all()
    assert sorted(b.headcount for b in bookings) == [42, 42] and all(b.anonymized for b in bookings)
    registration = db.session.scalar(sa.select(Registration))
    assert registration.is_internal and registration.college == "化学工程学院" and registration.answers == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)) == 2
    again = runner.invoke(args=["purge-personal-data", "--edition", "2031", "--force"])
    assert "已匿名 0 条预约、0 条报名、0 条候补" in again.output


def test_on_the_retention_date_the_daily_run_purges_without_force(client, db, runner, week,
                                                                   time_machine):
    time_machine.move_to(datetime(2031, 8, 14, 2, 0, tzinfo=TZ), tick=False)
    result = runner.invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "2031年：已匿名 2 条预约" in result.output, result.output
    db.session.expire_all()
    assert leftovers(db) == []


def test_privacy_page_gives_the_same_date_the_purge_uses(client, week):
    page = client.get("/privacy").get_data(as_text=True)
    assert "2031年8月14日" in page and f"{RETENTION_DAYS} 天" in page
    for words in ("团体预约", "个人报名", "候补", "邮件通知", "上传的文件从服务器上删除",
                  "学号不作为报名限制"):
        assert words in page
