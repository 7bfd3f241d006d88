"""Exports an office can use as they are: a 合计 row, 路线/场次 and 备注 columns, cancelled
bookings out unless asked for (then with 0 places), a registrations export with arrivals, titles
typed by organizers always text, a charset named once and a readable ASCII file name."""
import csv
import io

import openpyxl
import pytest

from tests.factories import create_user
from tests.reports.test_attribution import week  # noqa: F401 - the fixture
from visitorapp.extensions import db
from visitorapp.reports.spreadsheet import ascii_fallback

FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def organizer(client, login, week):  # noqa: F811
    user = create_user()
    login(user)
    return user


def sheet(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_bookings_export_adds_up_and_leaves_cancelled_ones_out(client, week, organizer):  # noqa: F811
    ws = sheet(client, "/reports/exports/bookings.xlsx?edition=2031")
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["路线/场次", "备注"]
    *rows, total = ws.iter_rows(min_row=2, values_only=True)
    assert len(rows) == 5 and "荷塘区中学" not in [r[5] for r in rows]
    persons = header.index("合计")
    assert total[0] == "合计（5条）"
    assert total[persons] == sum(r[persons] for r in rows) == 43 + 33 + 22 + 27 + 11
    routes = {r[5]: r[-2] for r in rows}
    assert routes["天元区小学"] == "制药体验路线" and routes["醴陵市职业中专"] is None
    with_cancelled = sheet(client, "/reports/exports/bookings.xlsx?edition=2031&status=with_cancelled")
    *rows, total = with_cancelled.iter_rows(min_row=2, values_only=True)
    cancelled = next(r for r in rows if r[5] == "荷塘区中学")
    assert cancelled[8:11] == (0, 0, 0) and "原预约15名学生、1名教师" in cancelled[-1]
    assert total[persons] == 43 + 33 + 22 + 27 + 11


def test_registrations_export_lists_each_person_with_the_arrival(client, week, organizer):  # noqa: F811
    rows = csv_rows(client, "/reports/exports/registrations.csv?edition=2031")
    header, *body, total = rows
    assert header[:3] == ["报名号", "日期", "时间"] and "实到" in header
    assert len(body) == 6
    arrived = header.index("实到")
    assert total[arrived] == "4" and sum(int(r[arrived]) for r in body) == 4
    assert sorted(r[header.index("身份")] for r in body) == ["校内学生"] * 4 + ["校外"] * 2
    assert all("****" in r[header.index("手机")] for r in body)


def test_a_formula_shaped_title_is_text_in_every_export(client, week, organizer):  # noqa: F811
    chem_route, *_ = week["slots"]
    chem_route.label = FORMULA
    week["fair"].name = FORMULA
    db.session.commit()
    client.post("/reports/settings?edition=2031", data={"arrived": FORMULA})
    for kind in ("bookings", "attendance", "registrations"):
        ws = sheet(client, f"/reports/exports/{kind}.xlsx?edition=2031")
        cells = [c for row in ws.iter_rows() for c in row if c.value and FORMULA in str(c.value)]
        # A string cell, never a formula: where the title leads the cell it is neutralised.
        assert cells and all(c.data_type == "s" and not c.value.startswith("=") for c in cells), kind
        assert any(c.value == "'" + FORMULA for c in cells), kind
        rows = csv_rows(client, f"/reports/exports/{kind}.csv?edition=2031")
        assert not any(cell.startswith("=") for row in rows for cell in row), kind
    response = client.get("/reports/college.xlsx?edition=2031")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value and FORMULA in str(c.value)]
    assert len(found) > len(book.worksheets)  # the title on every sheet, names in rows
    assert all(c.data_type == "s" for c in found)
    assert b"<f>" not in _sheet_xml(response.get_data())  # not one formula in the workbook


def _sheet_xml(data: bytes) -> bytes:
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_file_names_stay_readable_for_browsers_that_need_ascii(client, week, organizer):  # noqa: F811
    response = client.get("/reports/exports/attendance.csv?edition=2031")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="export-' in disposition and "filename*=UTF-8''" in disposition
    assert ascii_fallback("预约明细-20310520.csv") == "export-20310520.csv"
    assert ascii_fallback("应急名册.xlsx") == "export.xlsx"
