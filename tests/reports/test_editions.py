"""Editions are independent: 2027's changes never touch 2026's report; ``?edition=`` is the year
everywhere; a copy leaves the gate rehearsal behind and stays inside its year."""
import io
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from tests.factories import create_event, create_slot, create_user
from tests.reports.test_attribution import COLUMNS, at, week  # noqa: F401 - the fixture
from visitorapp.extensions import db
from visitorapp.programme.models import Edition, Event


@pytest.fixture
def organizer(client, login, week):  # noqa: F811
    user = create_user()
    login(user)
    return user


def xlsx_bytes(client, year) -> bytes:
    response = client.get(f"/reports/college.xlsx?edition={year}")
    assert response.status_code == 200
    return response.get_data()


def test_a_change_for_next_year_leaves_this_years_report_byte_identical(client, week, organizer):  # noqa: F811
    rehearsal = create_event(week["edition"], "入口核验演练", seq=99, is_published=False)
    create_slot(rehearsal, week["slots"][0].venue, capacity=30, starts_at=at(7), is_rehearsal=True)
    db.session.commit()
    before = xlsx_bytes(client, 2031)
    assert xlsx_bytes(client, 2031) == before  # the same report twice is the same file
    start = week["edition"].starts_on + timedelta(days=364)
    response = client.post("/console/editions/copy?edition=2031",
                           data={"year": 2032, "starts_on": start.isoformat()})
    assert response.status_code == 302
    nxt = db.session.scalar(sa.select(Edition).where(Edition.year == 2032))
    assert "入口核验演练" not in [e.name for e in nxt.events]  # the rehearsal is not copied
    # 2032's template words 实到 differently, with a title that looks like a formula …
    titles = client.get("/reports/settings?edition=2032")
    assert titles.status_code == 200
    client.post("/reports/settings?edition=2032", data={"arrived": '=HYPERLINK("http://x","实到")'})
    client.post("/reports/settings?edition=2032",
                data={"deadline-report_deadline": (start + timedelta(days=20)).isoformat()})
    # … and the open day's slots in 2032 are all hosted by the chemistry college.
    open_day = next(e for e in nxt.events if e.seq == 10)
    client.post(f"/console/events/{open_day.id}/host",
                data={"department_id": week["chem"].id, "scope": "all"})
    db.session.expire_all()
    assert all(s.host_department_id == week["chem"].id for s in open_day.slots)
    assert xlsx_bytes(client, 2031) == before
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(client, 2032)))
    title = book["全院汇总"].cell(row=4, column=COLUMNS["arrived"] + 1)
    assert title.data_type == "s" and title.value == '\'=HYPERLINK("http://x","实到")'
    rows = [r[COLUMNS["name"]] for r in book["全院汇总"].iter_rows(min_row=5, values_only=True)]
    assert "入口核验演练" not in rows


def test_the_console_refuses_a_copy_starting_in_another_year(client, week, organizer):  # noqa: F811
    response = client.post("/console/editions/copy?edition=2031",
                           data={"year": 2032, "starts_on": "2033-01-02"}, follow_redirects=True)
    assert "不在2032年内" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Edition).where(Edition.year == 2032)) is None


def test_a_slot_outside_its_editions_week_is_refused(client, week, organizer):  # noqa: F811
    event = week["open_day"]
    outside = week["edition"].ends_on + timedelta(days=1)
    response = client.post(f"/console/events/{event.id}/slots/new", data={
        "event_id": event.id, "venue_id": 0, "day": outside.isoformat(), "starts": "09:00",
        "ends": "10:00", "capacity": 20, "label": ""})
    assert "场次日期须在2031年活动周期间内" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 3
    assert len(event.slots) == 3


@pytest.mark.parametrize("url", [
    "/reports/college", "/reports/college.xlsx", "/reports/", "/reports/settings",
    "/reports/exports/bookings.csv", "/submissions/overview", "/submissions/export.zip",
    "/console/events", "/console/bookings", "/console/settings",
])
@pytest.mark.parametrize("query", ["edition=99999999999999999999999", "edition=2031abc",
                                   "year=99999999999999999999999", "edition=%EF%BC%92%EF%BC%90"])
def test_an_edition_no_week_can_have_is_a_chinese_400_or_404(client, week, organizer, url, query):  # noqa: F811
    response = client.get(f"{url}?{query}")
    assert response.status_code in (400, 404), response.status_code
    text = response.get_data(as_text=True)
    assert "年度" in text or "活动周" in text or "年度" in text


def test_old_links_redirect_to_the_year(client, week, organizer):  # noqa: F811
    edition = week["edition"]
    old = client.get(f"/console/events?year={edition.year}")
    assert old.status_code == 308 and old.location.endswith(f"/console/events?edition={edition.year}")
    by_id = client.get(f"/reports/exports/bookings.csv?edition={edition.id}&stage=senior")
    assert by_id.status_code == 308
    assert f"edition={edition.year}" in by_id.location and "stage=senior" in by_id.location
    assert client.get(by_id.location).status_code == 200


def test_a_past_editions_submissions_stay_reachable(client, week, organizer, db):  # noqa: F811
    page = client.get("/submissions/overview?edition=2031")
    assert page.status_code == 200 and "2031" in page.get_data(as_text=True)
    assert client.get("/submissions/export.zip?edition=2031").status_code == 200
