"""The statistics report (附件1) adds up to the check-ins; purging personal data changes nothing."""
import io
from dataclasses import asdict
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import create_edition, create_user
from tests.reports.helpers import check_in, past_week
from visitorapp.booking.models import Booking
from visitorapp.checkin.counts import arrivals
from visitorapp.checkin.models import CheckIn
from visitorapp.database import atomic
from visitorapp.errors import DomainError
from visitorapp.extensions import db
from visitorapp.reports import purge, services, statistics
from visitorapp.timeutil import utcnow


def accepted_entries_total() -> int:
    """Persons who arrived at the gates (签到), from the check-in feature's one arrivals figure."""
    arr = arrivals()
    return int(db.session.scalar(sa.select(sa.func.sum(arr.c.students + arr.c.teachers))) or 0)


@pytest.fixture
def week(db):
    return past_week()


def test_college_totals_equal_the_sums_of_check_ins(week, db):
    b1, b2, b3, b4 = week["bookings"]
    check_in(b2, result="already_inside")  # a second scan lets nobody in twice
    check_in(b1, students=10, teachers=1, direction="out",  # leaving does not un-arrive them
             at=b1.slot.starts_at + timedelta(minutes=40))
    check_in(b1, at=b1.slot.starts_at + timedelta(minutes=55), result="re_entry")  # nor coming back
    report = statistics.college_report(week["edition"], utcnow())
    total = report.total
    assert total.arrived == accepted_entries_total() == 43 + 27 + 53
    ok_in = db.session.scalars(sa.select(CheckIn).where(CheckIn.result.in_(("ok", "re_entry")),
                                                        CheckIn.direction == "in")).all()
    assert total.students == sum(c.arrived_students for c in ok_in)
    assert total.teachers == sum(c.arrived_teachers for c in ok_in)
    assert sum(total.by_stage.values()) == total.arrived
    assert total.by_stage == {"primary": 27, "junior": 0, "senior": 43,
                              "secondary_vocational": 53, "higher_vocational": 0}
    assert total.booked == sum(b.headcount for b in week["bookings"])
    assert total.no_show == b4.headcount
    assert total.schools == 3 and total.slots == 2
    assert total.arrived == sum(r.arrived for r in report.rows)


def test_a_joint_activity_is_split_by_who_hosts_the_venue(week):
    chem = statistics.department_report(week["edition"], week["chem"], utcnow()).total
    pharma = statistics.department_report(week["edition"], week["pharma"], utcnow()).total
    college = statistics.college_report(week["edition"], utcnow()).total
    assert chem.arrived == 43 + 27 and pharma.arrived == 53
    assert chem.arrived + pharma.arrived == college.arrived
    assert pharma.no_show == week["bookings"][3].headcount
    office = statistics.department_report(week["edition"], week["office"], utcnow())
    assert [r.name for r in office.rows] == ["直播探校"]


def _enter(week, department, user, **values):
    base = dict.fromkeys(services.ENTRY_FIELDS, 0) | {"links": "", "highlights": "",
                                                      "typical_case": ""}
    return atomic(services.save_entry, week["open_day"], department, base | values, user, now=utcnow())


def test_college_row_adds_up_what_each_department_entered(week, db):
    organizer = create_user()
    _enter(week, week["chem"], organizer, media_city=2, online_views=100, highlights="化学魔术")
    _enter(week, week["pharma"], organizer, media_city=1, online_views=50, highlights="制药体验",
           internal_students=30)
    row = statistics.college_report(week["edition"], utcnow()).rows[0]
    assert row.media["city"] == 3 and row.online_views == 150 and row.internal_students == 30
    assert "【化学工程学院】化学魔术" in row.highlights and "【制药与生物工程学院】制药体验" in row.highlights


def test_an_activity_the_department_does_not_run_cannot_be_entered(week):
    with pytest.raises(DomainError) as exc:
        _enter(week, week["office"], create_user())
    assert exc.value.code == "not_your_activity"


def test_college_xlsx_has_the_report_layout(client, login, week, db):
    _enter(week, week["chem"], create_user(), media_provincial=1, highlights="=HYPERLINK(\"x\")")
    login(create_user())
    response = client.get(f"/reports/college.xlsx?edition={week['edition'].year}")
    assert response.status_code == 200 and response.is_streamed
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames[0] == "全院汇总"
    assert {"化学工程学院", "制药与生物工程学院", "宣传统战部"} <= set(book.sheetnames)
    ws = book["全院汇总"]
    assert ws["A1"].value == f"{week['edition'].year}年职业教育活动周活动情况报表"
    assert ws["A2"].value.startswith("填报单位：")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A4" in merged  # 序号 spans both header rows
    header = [c.value for c in ws[3]]
    sub = [c.value for c in ws[4]]
    stage_col = header.index("参与人数（按学段，人）")
    assert sub[stage_col:stage_col + 5] == ["小学", "初中", "高中", "中职", "高职"]
    arrived_col = sub.index("实到")
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    total, check, verdict = rows[-3:]
    assert total[2] == "合计" and check[2] == "核对：各单位分表合计之和"
    assert total[arrived_col] == check[arrived_col] == accepted_entries_total()
    assert verdict[0].startswith("一致")
    assert isinstance(rows[0][arrived_col], int)
    highlights_col = header.index("活动亮点")
    assert rows[0][highlights_col] == "'=HYPERLINK(\"x\")"
    assert ws.freeze_panes == "D5"


def test_purging_personal_data_leaves_the_report_unchanged(week, db, runner):
    before = [asdict(r) for r in statistics.college_report(week["edition"], utcnow()).rows]
    before_depts = [asdict(statistics.department_report(week["edition"], d, utcnow()).total)
                    for d in (week["chem"], week["pharma"])]
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data", "--edition", str(week["edition"].year),
                                 "--force"])
    assert result.exit_code == 0, result.output
    assert "已匿名 4 条预约" in result.output
    bookings = db.session.scalars(sa.select(Booking)).all()
    assert all(b.anonymized and b.leader_name == "（已匿名）" and "1" != b.leader_mobile[:1]
               and b.email == "" for b in bookings)
    assert len({b.leader_mobile for b in bookings}) == 4
    after = [asdict(r) for r in statistics.college_report(week["edition"], utcnow()).rows]
    assert after == before
    assert [asdict(statistics.department_report(week["edition"], d, utcnow()).total)
            for d in (week["chem"], week["pharma"])] == before_depts
    again = runner.invoke(args=["purge-personal-data", "--edition", str(week["edition"].year),
                                "--force"])
    assert "已匿名 0 条预约" in again.output


def test_a_week_that_is_not_over_is_never_purged(db, runner):
    from tests.factories import create_booking, create_event, create_slot
    edition = create_edition()
    booking = create_booking(create_slot(create_event(edition)))
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data", "--edition", str(edition.year), "--force"])
    assert result.exit_code != 0 and "尚未结束" in result.output
    db.session.refresh(booking)
    assert not booking.anonymized and booking.leader_name == "王老师"
    with pytest.raises(DomainError):
        purge.purge_edition(edition, today=edition.starts_on, retention_days=0, force=True)


def test_without_an_edition_only_finished_weeks_are_purged(week, db, runner):
    from tests.factories import create_booking, create_event, create_slot
    upcoming = create_edition(starts_on=week["edition"].starts_on + timedelta(days=400))
    kept = create_booking(create_slot(create_event(upcoming)))
    db.session.commit()
    result = runner.invoke(args=["purge-personal-data", "--force"])
    assert result.exit_code == 0, result.output
    db.session.refresh(kept)
    assert not kept.anonymized
    assert all(b.anonymized for b in week["bookings"])


def test_a_gate_rehearsal_is_not_an_activity_of_the_report(week, db):
    from tests.factories import create_event, create_slot
    rehearsal = create_event(week["edition"], "入口核验演练", is_published=False)
    create_slot(rehearsal, week["lab"], capacity=30, is_rehearsal=True)
    db.session.commit()
    names = [r.name for r in statistics.college_report(week["edition"], utcnow()).rows]
    assert "入口核验演练" not in names and "直播探校" in names
