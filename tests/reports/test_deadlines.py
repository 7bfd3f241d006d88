"""Deadlines that mean something: late texts are marked 逾期 (or refused, as the edition says),
and handing in a mostly empty 附件1 asks for a confirmation first."""
import pytest
import sqlalchemy as sa

from tests.factories import create_user
from tests.reports.test_attribution import READ_AT, week  # noqa: F401 - the fixture
from visitorapp.database import atomic
from visitorapp.extensions import db
from visitorapp.programme.models import Department
from visitorapp.reports.models import DepartmentReport
from visitorapp.submissions import services as submissions
from visitorapp.submissions.models import SubmissionKind


@pytest.fixture
def organizer(client, login, week):  # noqa: F811
    user = create_user()
    login(user)
    return user


def intro(department):
    """一分钟说专业 (due 12 May in this week), handed in on 20 May."""
    item = atomic(submissions.start, week_edition(), department, SubmissionKind.MAJOR_INTRO, "t")
    atomic(submissions.save, item, title="应用化工技术", body="专业介绍" * 10,
           video_url="https://example.com/v.mp4", submit=True, actor="t", now=READ_AT)
    return item


def week_edition():
    from visitorapp.programme.models import Edition
    return db.session.scalar(sa.select(Edition).where(Edition.year == 2031))


def test_a_text_after_its_deadline_is_marked_late(client, week, organizer):  # noqa: F811
    item = intro(week["chem"])
    assert item.is_late
    overview = client.get("/submissions/overview?edition=2031").get_data(as_text=True)
    assert "逾期 1" in overview
    page = client.get(f"/submissions/departments/{week['chem'].id}?edition=2031")
    assert "逾期" in page.get_data(as_text=True)


def test_the_edition_may_refuse_late_texts(client, week, organizer):  # noqa: F811
    response = client.post("/reports/settings?edition=2031", data={
        "deadline-report_deadline": "2031-05-19"})  # the box unticked: late ones refused
    assert response.status_code == 302 and not week["edition"].accept_late_submissions
    from visitorapp.errors import DomainError
    with pytest.raises(DomainError) as refused:
        intro(week["pharma"])
    assert refused.value.code == "deadline_passed" and "5月12日截止" in refused.value.message


def test_a_mostly_empty_report_asks_before_it_is_submitted(client, week, organizer):  # noqa: F811
    office = db.session.scalar(sa.select(Department).where(Department.name == "宣传统战部"))
    url = f"/reports/department/{office.id}/submit?edition=2031"
    first = client.post(url, follow_redirects=True)
    text = first.get_data(as_text=True)
    assert "尚无任何数据" in text and 'id="confirm-empty"' in text
    assert db.session.scalar(sa.select(DepartmentReport)) is None
    client.post(url, data={"confirm_empty": "1"})
    assert db.session.scalar(sa.select(DepartmentReport)).department_id == office.id
