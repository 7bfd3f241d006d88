"""附件1 adds up: each participant counted once, in the sheet of the unit that hosted them.

A week like the plan's experience day: one venue shared by two routes of two host units
(化工体验路线 / 制药体验路线), 教务处 coordinating without hosting, a job fair with individual
registrations, re-entries, a cancelled booking and a no-show. The XLSX must add up in every
numeric column: Σ unit sheets = 全院汇总 = the check-ins' arrivals.
"""
import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import (
    create_booking,
    create_department,
    create_edition,
    create_event,
    create_slot,
    create_user,
    create_venue,
)
from tests.registration.helpers import person
from tests.reports.helpers import check_in
from visitorapp.booking.services import cancel_booking
from visitorapp.checkin.counts import arrivals
from visitorapp.database import atomic
from visitorapp.extensions import db
from visitorapp.programme.models import ParticipationMode
from visitorapp.registration.services import create_registration
from visitorapp.reports import layout, services
from visitorapp.timeutil import TZ, utcnow

#: The report is read on 20 May 2031, after a week of 11–17 May.
READ_AT = datetime(2031, 5, 20, 10, 0, tzinfo=TZ)
DAY = datetime(2031, 5, 14, tzinfo=TZ).date()


def at(hour, minute=0, day=DAY):
    return datetime.combine(day, time(hour, minute), TZ)


@pytest.fixture
def week(db, time_machine):
    time_machine.move_to(at(8, 0, DAY - timedelta(days=30)), tick=False)
    edition = create_edition(year=2031, starts_on=DAY - timedelta(days=3))
    chem = create_department("化学工程学院")
    pharma = create_department("制药与生物工程学院")
    academic = create_department("教务处", kind="office")
    jobs = create_department("招生就业处", kind="office")
    shared = create_venue("全国化学会科普基地", host_department_id=chem.id)
    jingyi = create_venue("精艺楼", host_department_id=pharma.id)
    hall = create_venue("体育馆")
    open_day = create_event(edition, "开放全国化学会科普基地以及精艺楼", seq=10)
    open_day.set_departments([academic], [chem, pharma])
    fair = create_event(edition, "举办精准招聘会", seq=7, mode=ParticipationMode.INDIVIDUAL)
    fair.set_departments([jobs], [chem, pharma])
    live = create_event(edition, "直播探校", seq=14, mode=ParticipationMode.NONE)
    live.set_departments([], [create_department("宣传统战部", kind="office")])
    # Two routes through the same venue, hosted by two units: the organizer set the host.
    chem_route = create_slot(open_day, shared, capacity=200, starts_at=at(9), label="化工体验路线",
                             host_department_id=chem.id)
    pharma_route = create_slot(open_day, shared, capacity=200, starts_at=at(9),
                               label="制药体验路线", host_department_id=pharma.id)
    # No host set: the venue's host runs the event, so it is theirs.
    afternoon = create_slot(open_day, jingyi, capacity=200, starts_at=at(14))
    fair_slot = create_slot(fair, hall, capacity=50, starts_at=at(13),
                            host_department_id=jobs.id)
    b1 = create_booking(chem_route, school_name="株洲市第二中学", school_stage="senior",
                        students=40, teachers=3)
    b2 = create_booking(pharma_route, school_name="天元区小学", school_stage="primary",
                        students=30, teachers=3)
    b3 = create_booking(pharma_route, school_name="株洲市第二中学", school_stage="junior",
                        students=20, teachers=2)
    b4 = create_booking(afternoon, school_name="醴陵市职业中专",
                        school_stage="secondary_vocational", students=25, teachers=2)
    b5 = create_booking(afternoon, school_name="攸县第一中学", students=10, teachers=1)
    cancelled = create_booking(chem_route, school_name="荷塘区中学", students=15, teachers=1)
    cancel_booking(cancelled, now=utcnow())
    internal = [create_registration(fair_slot, person(), enforce_window=False, now=utcnow())
                for _ in range(4)]
    external = [create_registration(fair_slot, person(internal=False), enforce_window=False, now=utcnow())
                for _ in range(2)]
    db.session.commit()
    time_machine.move_to(at(9, 5), tick=False)
    check_in(b1)
    check_in(b1, students=10, teachers=1, direction="out", at=at(9, 40))
    check_in(b1, at=at(9, 55), result="re_entry")                # back in: not arrived twice
    check_in(b2, students=27, teachers=3)                         # three pupils stayed home
    check_in(b3, at=at(9, 10))
    check_in(b4, at=at(14, 5))
    # b5 never came: a no-show. The job fair: three students and one visitor came.
    for r in internal[:3] + external[:1]:
        check_in(r, at=at(13, 10))
    db.session.commit()
    time_machine.move_to(READ_AT, tick=False)
    return dict(edition=edition, chem=chem, pharma=pharma, academic=academic, jobs=jobs,
                open_day=open_day, fair=fair, live=live, bookings=(b1, b2, b3, b4, b5),
                slots=(chem_route, pharma_route, afternoon, fair_slot))


def arrived_at_the_gates() -> int:
    arr = arrivals()
    return int(db.session.scalar(sa.select(sa.func.sum(arr.c.students + arr.c.teachers))) or 0)


COLUMNS = {c.key: i for i, c in enumerate(layout.header({}).columns)}


def workbook(client, login, year):
    login(create_user())
    response = client.get(f"/reports/college.xlsx?edition={year}")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def body(ws) -> list[tuple]:
    """The activity rows and the 合计 row of a sheet (what follows 合计 is the check)."""
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    end = next(i for i, r in enumerate(rows) if r[COLUMNS["name"]] == "合计")
    return rows[:end + 1]


def test_unit_sheets_add_up_to_the_college_and_the_college_to_the_gates(week, client, login):
    book = workbook(client, login, 2031)
    college = body(book["全院汇总"])
    units = [body(book[name]) for name in book.sheetnames[1:]]
    assert {"化学工程学院", "制药与生物工程学院", "教务处", "招生就业处"} <= set(book.sheetnames)
    for key in layout.number_keys():
        col = COLUMNS[key]
        assert sum(u[-1][col] or 0 for u in units) == (college[-1][col] or 0), key
    gates = arrived_at_the_gates()
    assert college[-1][COLUMNS["arrived"]] == gates == 43 + 30 + 22 + 27 + 4
    check = list(book["全院汇总"].iter_rows(min_row=5, values_only=True))
    assert check[len(college)][COLUMNS["arrived"]] == gates
    assert check[len(college) + 1][0].startswith("一致")


def test_each_participant_is_in_the_sheet_of_the_unit_that_hosted_them(week, client, login):
    book = workbook(client, login, 2031)
    arrived, booked = COLUMNS["arrived"], COLUMNS["booked"]
    chem, pharma = body(book["化学工程学院"]), body(book["制药与生物工程学院"])
    assert chem[-1][arrived] == 43                       # the chemistry route, re-entry once
    assert pharma[-1][arrived] == 30 + 22 + 27           # its route + the venue it hosts
    assert pharma[-1][COLUMNS["no_show"]] == 11          # 攸县第一中学 never came
    assert chem[-1][booked] == 43                        # the cancelled group is not booked
    # 株洲市第二中学 came on both routes: one school for each host unit.
    assert chem[-1][COLUMNS["schools"]] == 1 and pharma[-1][COLUMNS["schools"]] == 3
    # 教务处 coordinates the day: the activity's figures for reference, its 合计 untouched.
    academic = body(book["教务处"])
    assert "统筹" in academic[0][COLUMNS["name"]]
    assert academic[0][arrived] == 43 + 79 and academic[-1][arrived] == 0
    # 序号 is the plan's number on every sheet.
    assert [r[COLUMNS["seq"]] for r in body(book["全院汇总"])[:-1]] == [7, 10, 14]
    assert [r[COLUMNS["seq"]] for r in chem[:-1]] == [7, 10]


def test_the_job_fair_counts_its_arrived_registrations(week, client, login):
    book = workbook(client, login, 2031)
    fair = next(r for r in body(book["全院汇总"]) if r[COLUMNS["name"]] == "举办精准招聘会")
    assert fair[COLUMNS["arrived"]] == 4 and fair[COLUMNS["booked"]] == 6
    assert fair[COLUMNS["internal_students"]] == 3 and fair[COLUMNS["students"]] == 1
    assert body(book["招生就业处"])[-1][COLUMNS["arrived"]] == 4
    # An activity nobody books or scans keeps its figures blank, not 0, until someone enters them.
    live = next(r for r in body(book["全院汇总"]) if r[COLUMNS["name"]] == "直播探校")
    assert live[COLUMNS["arrived"]] is None and live[COLUMNS["online_views"]] is None


def test_a_coordinators_own_entries_count_once(week, client, login):
    organizer = create_user()
    values = dict.fromkeys(services.ENTRY_FIELDS) | {"links": "", "highlights": "", "typical_case": ""}
    atomic(services.save_entry, week["open_day"], week["academic"], values | {"media_city": 2},
           organizer, now=utcnow())
    atomic(services.save_entry, week["open_day"], week["chem"], values | {"media_city": 1},
           organizer, now=utcnow())
    book = workbook(client, login, 2031)
    col = COLUMNS["media_city"]
    assert body(book["全院汇总"])[-1][col] == 3
    assert body(book["教务处"])[-1][col] == 2 and body(book["化学工程学院"])[-1][col] == 1
    assert body(book["制药与生物工程学院"])[-1][col] is None  # nobody in pharma said anything


def test_a_slot_nobody_hosts_is_a_red_warning_not_a_silent_number(week, client, login):
    login(create_user())
    page = client.get("/reports/college?edition=2031").get_data(as_text=True)
    assert "各单位分表合计之和与全院汇总一致" in page and "report-mismatch" not in page
    orphan = create_slot(week["open_day"], create_venue("创新楼"), capacity=50, starts_at=at(15))
    booking = create_booking(orphan, students=9, teachers=1)
    db.session.commit()
    check_in(booking, at=at(15, 5))
    db.session.commit()
    page = client.get("/reports/college?edition=2031").get_data(as_text=True)
    assert "report-mismatch" in page and "没有接待单位的场次" in page and "创新楼" in page
    book = workbook(client, login, 2031)
    college = body(book["全院汇总"])
    verdict = list(book["全院汇总"].iter_rows(min_row=5, values_only=True))[len(college) + 1][0]
    assert verdict.startswith("不一致") and "1个场次没有接待单位" in verdict
