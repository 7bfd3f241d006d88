"""应急名册: who is on site now, per venue, with the leader's full mobile; printable and exported."""
import csv
import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest

from tests.factories import (
    create_booking,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from tests.reports.helpers import check_in
from visitorapp.timeutil import TZ

#: The moment the roster is printed: 11:00 in Shanghai on a day of the week.
NOW = datetime(2031, 5, 14, 11, 0, tzinfo=TZ)


@pytest.fixture
def today_groups(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    edition = create_edition(starts_on=NOW.date() - timedelta(days=3))
    event = create_event(edition, "开放省级劳动教育实践基地")
    lab, farm = create_venue("劳动实践基地"), create_venue("农学基地")
    start = datetime.combine(NOW.date(), time(9, 0), TZ)
    s1 = create_slot(event, lab, starts_at=start, capacity=300, label="化工体验路线")
    s2 = create_slot(event, farm, starts_at=start, capacity=300)
    stay = create_booking(s1, school_name="荷塘区小学", school_stage="primary", students=30,
                          teachers=3, leader_name="李老师", leader_mobile="13812345678")
    left = create_booking(s1, school_name="芦淞区中学", students=20, teachers=1)
    partly = create_booking(s2, school_name="石峰区中学", students=40, teachers=2)
    check_in(stay, at=NOW - timedelta(minutes=30))
    check_in(left, at=NOW - timedelta(minutes=40))
    check_in(left, direction="out", at=NOW - timedelta(minutes=5))
    check_in(partly, at=NOW - timedelta(minutes=20))
    check_in(partly, students=10, teachers=0, direction="out", at=NOW - timedelta(minutes=2))
    # yesterday's group never scanned out: it is not on site today
    yesterday = create_slot(event, farm, starts_at=start - timedelta(days=1), capacity=300)
    old = create_booking(yesterday, school_name="昨日中学", students=10, teachers=1)
    check_in(old, at=NOW - timedelta(days=1, minutes=5))
    return dict(stay=stay, left=left, partly=partly, lab=lab, farm=farm)


def test_registrants_on_site_are_on_the_roster(client, login, today_groups):
    from tests.registration.helpers import create_individual_slot, register
    person = register(create_individual_slot(venue=today_groups["lab"], capacity=5,
                                             starts_at=NOW + timedelta(minutes=10)),
                      name="赵同学", mobile="13900001111")
    check_in(person, at=NOW)
    login(create_user())
    page = client.get("/reports/roster").get_data(as_text=True)
    assert "赵同学" in page and "13900001111" in page and "当前在场 <strong>66</strong> 人" in page


def test_roster_page_lists_who_is_on_site_with_full_mobiles(client, login, today_groups):
    login(create_user())
    page = client.get("/reports/roster").get_data(as_text=True)
    assert "当前在场 <strong>65</strong> 人" in page  # 33 + (42 − 10)
    assert "13812345678" in page and "138****5678" not in page
    assert "荷塘区小学" in page and "石峰区中学" in page
    assert "开放省级劳动教育实践基地（化工体验路线）" in page  # which route the group is on
    assert "芦淞区中学" not in page and "昨日中学" not in page
    assert "劳动实践基地（在场 33 人）" in page and "农学基地（在场 32 人）" in page
    assert 'data-print' in page


def test_roster_can_be_narrowed_to_one_venue(client, login, today_groups):
    login(create_user())
    page = client.get(f"/reports/roster?venue={today_groups['farm'].id}").get_data(as_text=True)
    assert "石峰区中学" in page and "荷塘区小学" not in page


def test_roster_xlsx_and_csv(client, login, today_groups):
    login(create_user())
    response = client.get("/reports/roster.xlsx")
    assert response.is_streamed
    ws = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert ws["A1"].value.startswith("应急名册")
    assert [c.value for c in ws[2]][:6] == ["场馆", "学校", "学段", "领队", "手机", "在场人数"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    by_school = {r[1]: r for r in rows}
    assert by_school["荷塘区小学"][4] == "13812345678"  # text, not 1.38E+10
    assert by_school["石峰区中学"][5] == 32 and isinstance(by_school["石峰区中学"][8], datetime)
    data = client.get("/reports/roster.csv").get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(lines) == 3 and lines[0][0] == "场馆"


def test_a_forged_venue_filter_is_refused(client, login, today_groups):
    login(create_user())
    response = client.get("/reports/roster?venue=1%20OR%201=1")
    assert response.status_code == 400 and "请求有误" in response.get_data(as_text=True)
    page = client.get("/reports/roster?venue=None").get_data(as_text=True)
    assert "荷塘区小学" in page and "石峰区中学" in page
