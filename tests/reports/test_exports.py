"""Bookings and attendance exports: XLSX opened with openpyxl, CSV for Excel, formula safety."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import create_booking, create_user
from tests.reports.helpers import check_in, past_week
from visitorapp.audit.models import AuditEntry
from visitorapp.booking.models import Booking

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "\t=1+1", "\r=1"]


@pytest.fixture
def week(db):
    return past_week()


@pytest.fixture
def organizer(db, login):
    user = create_user()
    login(user)
    return user


def xlsx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def csv_rows(response):
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_attendance_xlsx_has_frozen_header_real_numbers_and_dates(client, organizer, week, db):
    response = client.get(f"/reports/exports/attendance.xlsx?edition={week['edition'].year}")
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    ws = xlsx(response)
    header = [c.value for c in ws[1]]
    assert header[:7] == ["预约号", "日期", "时间", "活动", "场馆", "学校", "学段"]
    assert header[10:15] == ["实到学生", "实到教师", "实到合计", "签到时间", "到场情况"]
    assert ws.freeze_panes == "A2"
    *body, total = ws.iter_rows(min_row=2, values_only=True)
    rows = {r[0]: r for r in body}
    assert len(rows) == 4 and total[0] == "合计（4条）"
    assert total[12] == sum(r[12] for r in body) == 43 + 27 + 53
    for booking in week["bookings"]:
        row = rows[booking.reference]
        assert row[5] == booking.school_name
        assert isinstance(row[1], datetime)  # a real date cell, not text
        assert row[1].date() == booking.slot.local_day
        assert row[7] == booking.students and isinstance(row[7], int)
        assert row[8] == booking.teachers
    b1, b2, b3, b4 = week["bookings"]
    assert rows[b2.reference][10:13] == (25, 2, 27)
    assert rows[b3.reference][10:13] == (50, 3, 53)  # arrived as confirmed at the gate
    assert isinstance(rows[b1.reference][13], datetime)
    assert rows[b1.reference][13].strftime("%H:%M") == "09:05"  # Shanghai time
    assert rows[b4.reference][12] == 0 and rows[b4.reference][14] == "爽约"
    assert ws.column_dimensions["F"].width > 20


def test_bookings_csv_has_bom_masks_mobiles_and_matches_database(client, organizer, week, db):
    response = client.get(f"/reports/exports/bookings.csv?edition={week['edition'].year}")
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    rows = csv_rows(response)
    assert rows[0][:3] == ["预约号", "日期", "时间"]
    by_ref = {r[0]: r for r in rows[1:-1]}
    assert rows[-1][0] == "合计（4条）" and rows[-1][10] == str(sum(b.headcount for b in week["bookings"]))
    for booking in db.session.scalars(sa.select(Booking)):
        row = by_ref[booking.reference]
        assert row[1] == booking.slot.local_day.isoformat()
        assert row[8:11] == [str(booking.students), str(booking.teachers), str(booking.headcount)]
        assert row[12] == booking.leader_mobile[:3] + "****" + booking.leader_mobile[-4:]


def test_full_mobiles_only_on_request_and_the_export_is_audited(client, organizer, week, db):
    edition = week["edition"].year
    response = client.get(f"/reports/exports/bookings.xlsx?edition={edition}&full_mobile=y")
    ws = xlsx(response)
    mobiles = {r[12] for r in list(ws.iter_rows(min_row=2, values_only=True))[:-1]}
    assert mobiles == {b.leader_mobile for b in week["bookings"]}
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.full_mobile"))
    assert entry is not None and entry.actor == organizer.username


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_school_name_is_neutralised_in_xlsx_and_csv(client, organizer, week, db, hostile):
    slot = week["slots"][0]
    booking = create_booking(slot, school_name=hostile, leader_name="@王老师", students=10, teachers=1)
    check_in(booking)
    db.session.commit()
    edition = week["edition"].year
    for kind in ("bookings", "attendance"):
        ws = xlsx(client.get(f"/reports/exports/{kind}.xlsx?edition={edition}"))
        cells = [r for r in ws.iter_rows(min_row=2) if r[0].value == booking.reference][0]
        school = cells[5]
        assert school.data_type == "s"  # a string, never a formula
        # (openpyxl shows a CR as XML's _x000D_ escape: compare what follows the apostrophe)
        assert school.value.startswith("'") and school.value[1:].replace("_x000D_", "\r") == hostile
        rows = csv_rows(client.get(f"/reports/exports/{kind}.csv?edition={edition}"))
        row = [r for r in rows if r[0] == booking.reference][0]
        assert row[5] == "'" + hostile
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_filters_by_day_venue_stage_and_attendance_status(client, organizer, week, db):
    edition = week["edition"].year
    b1, b2, b3, b4 = week["bookings"]

    def refs(query):
        rows = csv_rows(client.get(f"/reports/exports/attendance.csv?edition={edition}&{query}"))
        return {r[0] for r in rows[1:-1]}

    assert refs(f"day={b1.slot.local_day.isoformat()}") == {b1.reference, b2.reference}
    assert refs(f"venue={week['pharm_lab'].id}") == {b3.reference, b4.reference}
    assert refs("stage=senior") == {b1.reference, b4.reference}
    assert refs("status=no_show") == {b4.reference}
    assert refs("status=arrived") == {b1.reference, b2.reference, b3.reference}
    assert refs(f"event={week['live'].id}") == set()


def test_a_malformed_filter_is_refused_in_chinese(client, organizer, week):
    response = client.get(f"/reports/exports/bookings.xlsx?edition={week['edition'].year}&day=13/05")
    assert response.status_code == 400
    assert "筛选条件有误" in response.get_data(as_text=True)
    assert client.get("/reports/exports/other.xlsx").status_code == 404


def test_exports_page_offers_the_four_downloads(client, organizer, week):
    page = client.get("/reports/exports").get_data(as_text=True)
    for label in ("预约明细 XLSX", "预约明细 CSV", "到场情况 XLSX", "到场情况 CSV"):
        assert label in page


def test_the_xlsx_temp_file_is_gone_after_download_or_hang_up(client, organizer, week, tmp_path,
                                                              monkeypatch):
    import tempfile
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    url = f"/reports/exports/attendance.xlsx?edition={week['edition'].year}"
    read = client.get(url)
    assert list(scratch.iterdir())  # written to disk, not held in memory
    assert read.get_data()[:2] == b"PK"
    read.close()
    hung_up = client.get(url)
    hung_up.close()  # the client went away before the first byte
    assert list(scratch.iterdir()) == []
