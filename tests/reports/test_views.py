"""Who may open which report page: anonymous and gate refused, reporters their own department."""
from datetime import date, timedelta

import pytest

from tests.factories import create_department, create_user
from tests.reports.helpers import past_week
from visitorapp.accounts.models import Role
from visitorapp.reports.models import ActivityReportEntry, DepartmentReport
from visitorapp.timeutil import local_today


@pytest.fixture
def week(db):
    return past_week(report_deadline=local_today() + timedelta(days=2))


def organizer_pages(w):
    year = w["edition"].year
    return [f"/reports/?edition={year}", f"/reports/college?edition={year}",
            f"/reports/college.xlsx?edition={year}", f"/reports/settings?edition={year}",
            "/reports/exports", f"/reports/exports/bookings.csv?edition={w['edition'].year}",
            f"/reports/exports/attendance.xlsx?edition={w['edition'].year}",
            "/reports/roster", "/reports/roster.xlsx", "/reports/roster.csv",
            f"/reports/department/{w['pharma'].id}?edition={year}",
            f"/reports/department/{w['chem'].id}/event/{w['open_day'].id}"]


def test_anonymous_visitors_are_sent_to_sign_in(client, week):
    for url in organizer_pages(week):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_gate_staff_are_refused_everywhere(client, login, week):
    login(create_user(Role.GATE, venues=[week["lab"]]))
    for url in organizer_pages(week):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.get_data(as_text=True)


def test_organizer_opens_every_page(client, login, week):
    login(create_user(Role.ORGANIZER))
    for url in organizer_pages(week):
        assert client.get(url).status_code == 200, url


def test_reporter_lands_on_their_own_department_and_nowhere_else(client, login, week):
    login(week["reporter"])
    year = week["edition"].year
    home = client.get(f"/reports/?edition={year}").get_data(as_text=True)
    assert "化学工程学院" in home and "开放全国化学会科普基地以及精艺楼" in home
    assert client.get(f"/reports/department/{week['chem'].id}?edition={year}").status_code == 200
    assert client.get(f"/reports/department/{week['pharma'].id}?edition={year}").status_code == 403
    assert client.get(f"/reports/department/{week['pharma'].id}/event/{week['open_day'].id}") \
        .status_code == 403
    assert client.post(f"/reports/department/{week['pharma'].id}/submit?edition={year}") \
        .status_code == 403
    for url in organizer_pages(week)[1:11]:  # everything but home and their own entry page
        assert client.get(url).status_code == 403, url
    assert client.get(organizer_pages(week)[11]).status_code == 200


def test_reporter_without_department_is_refused(client, login, week):
    login(create_user(Role.REPORTER))
    assert client.get("/reports/").status_code == 403


def test_reporter_enters_figures_and_submits_then_organizer_sees_who_is_missing(
        client, login, week, db):
    login(week["reporter"])
    year = week["edition"].year
    chem, event = week["chem"], week["open_day"]
    form = {"internal_teachers": "6", "internal_students": "40", "media_national": "0",
            "media_provincial": "1", "media_city": "2", "media_school": "3",
            "online_views": "12000", "links": "https://example.cn/a", "highlights": "化学魔术秀",
            "typical_case": "一所小学的职业启蒙课"}
    response = client.post(f"/reports/department/{chem.id}/event/{event.id}", data=form)
    assert response.status_code == 302
    entry = db.session.query(ActivityReportEntry).one()
    assert (entry.media_city, entry.online_views, entry.highlights) == (2, 12000, "化学魔术秀")
    page = client.get(f"/reports/department/{chem.id}?edition={year}").get_data(as_text=True)
    assert "12000" in page and "尚未提交" in page
    client.post(f"/reports/department/{chem.id}/submit?edition={year}")
    assert db.session.query(DepartmentReport).count() == 1
    client.post("/logout")
    login(create_user(Role.ORGANIZER))
    overview = client.get(f"/reports/?edition={year}").get_data(as_text=True)
    assert "未提交 2 个" in overview  # 制药与生物工程学院 and 宣传统战部
    assert "已提交" in overview


@pytest.mark.parametrize("field,value,message", [
    ("media_city", "-1", "应为0或正整数"),
    ("online_views", "很多", "整数"),
    ("highlights", "a\x00b", "无法识别的字符"),
])
def test_bad_entries_are_refused_in_chinese_and_nothing_is_stored(
        client, login, week, db, field, value, message):
    login(week["reporter"])
    form = {"internal_teachers": "0", "internal_students": "0", "media_national": "0",
            "media_provincial": "0", "media_city": "0", "media_school": "0", "online_views": "0",
            "links": "", "highlights": "", "typical_case": "", field: value}
    response = client.post(f"/reports/department/{week['chem'].id}/event/{week['open_day'].id}",
                           data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.query(ActivityReportEntry).count() == 0


def test_after_the_deadline_reporters_can_no_longer_change_the_report(client, login, week, db):
    week["edition"].report_deadline = local_today() - timedelta(days=1)
    login(week["reporter"])
    year = week["edition"].year
    response = client.post(f"/reports/department/{week['chem'].id}/submit?edition={year}",
                           follow_redirects=True)
    assert "填报已于" in response.get_data(as_text=True)
    assert db.session.query(DepartmentReport).count() == 0


def test_organizer_moves_the_deadline_and_renames_a_column(client, login, week, db):
    login(create_user(Role.ORGANIZER))
    year = week["edition"].year
    new_day = local_today() + timedelta(days=9)
    client.post(f"/reports/settings?edition={year}",
                data={"deadline-report_deadline": new_day.isoformat()})
    db.session.refresh(week["edition"])
    assert week["edition"].report_deadline == new_day
    client.post(f"/reports/settings?edition={year}", data={"arrived": "实际参与人数"})
    page = client.get(f"/reports/college?edition={year}").get_data(as_text=True)
    assert "实际参与人数" in page


def test_entry_for_an_activity_the_department_does_not_run_is_not_found(client, login, week):
    other = create_department("机械工程学院")
    login(create_user(Role.ORGANIZER))
    assert client.get(f"/reports/department/{other.id}/event/{week['open_day'].id}").status_code == 404


def test_without_a_set_deadline_reports_are_due_two_days_after_the_week(week, db):
    from visitorapp.reports import services
    edition = week["edition"]
    edition.report_deadline = None
    assert services.deadline(edition) == edition.ends_on + timedelta(days=2)
    edition.ends_on = date(2027, 5, 16)  # a Sunday: 附件1 is due on Tuesday the 18th, inclusive
    assert not services.deadline_passed(edition, date(2027, 5, 18))
    assert services.deadline_passed(edition, date(2027, 5, 19))


def test_submitting_is_judged_and_dated_at_the_callers_moment(week, db):
    """``submit`` reads no clock: the caller's ``now`` decides the deadline and is the record's
    time (the deadline here is the day after tomorrow on the machine's calendar)."""
    from datetime import datetime

    from visitorapp.errors import DomainError
    from visitorapp.reports import services
    from visitorapp.timeutil import TZ
    reporter = create_user(Role.REPORTER, department=week["pharma"])
    deadline = services.deadline(week["edition"])
    last_evening = datetime.combine(deadline, datetime.min.time(), tzinfo=TZ).replace(hour=23, minute=50)
    report = services.submit(week["edition"], week["pharma"], reporter, last_evening)
    assert report.submitted_at == last_evening
    with pytest.raises(DomainError) as late:
        services.submit(week["edition"], week["pharma"], reporter, last_evening + timedelta(minutes=15))
    assert late.value.code == "deadline_passed"
