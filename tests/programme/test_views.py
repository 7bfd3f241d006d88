"""The public programme page: the week by theme day, and how to take part in each event."""
import re
from datetime import timedelta

from tests.booking.helpers import text
from tests.factories import (
    create_department,
    create_edition,
    create_event,
    create_slot,
)
from visitorapp.programme.models import ParticipationMode, ThemeDay


def test_programme_lists_theme_days_in_order_with_departments_and_how_to_take_part(client, db):
    edition = create_edition(title="2099年职业教育活动周")
    first = ThemeDay(position=0, name="职教改革研讨日", day=edition.starts_on)
    edition.theme_days.append(first)
    db.session.flush()
    lead = create_department("宣传统战部", kind="office")
    talk = create_event(edition, name="开展专题研讨", mode=ParticipationMode.NONE, theme_day=first)
    talk.set_departments([lead], [])
    clinic = create_event(edition, name="简历门诊", mode=ParticipationMode.INDIVIDUAL)
    visit = create_event(edition, name="开放全国化学会科普基地")
    slot = create_slot(visit)
    db.session.commit()

    page = text(client.get("/"))

    assert "2099年职业教育活动周" in page and "一技在手 一生无忧" in page
    headings = re.findall(r'<h2 id="day-\d+-title">([^<]+)', page)
    assert headings == ["职教改革研讨日", "职业技能体验日"]
    assert "牵头部门：宣传统战部" in page
    for name in ("开展专题研讨", "简历门诊", "开放全国化学会科普基地"):
        assert name in page
    assert "无需报名" in page and "个人报名" in page and "团体预约" in page
    assert f"/book?day={slot.local_day.isoformat()}" in page
    assert clinic.name in page


def test_programme_without_an_edition_says_so(client):
    assert "活动安排尚未发布" in text(client.get("/"))


def test_programme_shows_every_theme_day_even_before_its_events_are_published(client, db):
    edition = create_edition()
    edition.theme_days.append(ThemeDay(position=2, name="职教志愿服务日",
                                       day=edition.starts_on + timedelta(days=4)))
    create_event(edition, name="内部活动", is_published=False)
    db.session.commit()
    page = text(client.get("/"))
    assert re.findall(r'<h2 id="day-\d+-title">([^<]+)', page) == ["职业技能体验日", "职教志愿服务日"]
    assert page.count("具体活动安排稍后公布") == 2
    assert "内部活动" not in page

