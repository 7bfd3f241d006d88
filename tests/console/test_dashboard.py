"""The live dashboard: figures per day, venue and slot, the campus total against the daily cap,
the self-refreshing panel and its JSON twin."""
import uuid
from datetime import timedelta

import pytest

from tests.factories import create_booking, create_slot, create_user
from visitorapp.accounts.models import Role
from visitorapp.console import live


@pytest.fixture
def organizer(client, login, world):
    login(create_user(Role.ORGANIZER))


def test_day_figures_per_slot_and_campus(db, world):
    second = create_slot(world.event, world.venue, capacity=50,
                         starts_at=world.slot.starts_at + timedelta(hours=3))
    create_booking(second, students=20, teachers=2)
    db.session.commit()
    figures = live.day_figures(world.edition, world.slot.local_day)
    by_id = {s.slot_id: s for s in figures.slots}
    assert (by_id[world.slot.id].booked, by_id[world.slot.id].capacity) == (42, 100)
    assert (by_id[second.id].booked, by_id[second.id].groups) == (22, 1)
    assert figures.booked == 64 and figures.daily_cap == 1500
    assert list(figures.venues()) == ["化工实训中心"]


def test_marked_no_show_counts_its_persons(db, world):
    world.booking.no_show = True
    db.session.commit()
    figures = live.day_figures(world.edition, world.slot.local_day)
    assert figures.no_show == 42


def test_dashboard_page_refreshes_itself_without_inline_script(client, world, organizer):
    day = world.slot.local_day.isoformat()
    response = client.get(f"/console/?day={day}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'src="/static/js/console-live.js"' in html
    assert 'data-refresh="10"' in html and f"/console/live/panel?year={world.edition.year}" in html
    assert "<noscript><meta http-equiv=\"refresh\"" in html
    assert "onclick" not in html and "<script>" not in html
    assert "42/100" in html and "每日上限 1500" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_panel_follows_new_bookings(client, db, world, organizer):
    day = world.slot.local_day.isoformat()
    url = f"/console/live/panel?year={world.edition.year}&day={day}"
    assert "42/100" in client.get(url).get_data(as_text=True)
    create_booking(world.slot, students=10, teachers=1)
    db.session.commit()
    panel = client.get(url).get_data(as_text=True)
    assert "53/100" in panel and "<html" not in panel


def test_json_figures(client, world, organizer):
    day = world.slot.local_day.isoformat()
    data = client.get(f"/console/live.json?day={day}").get_json()
    assert data["day"] == day and data["booked"] == 42 and data["daily_cap"] == 1500
    slot = data["slots"][0]
    assert slot["slot_id"] == world.slot.id and slot["booked"] == 42
    assert {"arrived", "on_site", "no_show"} <= slot.keys()


def test_hostile_names_are_escaped_on_the_dashboard(client, db, world, organizer):
    world.venue.name = "<img src=x onerror=alert(1)>"
    db.session.commit()
    html = client.get(f"/console/?day={world.slot.local_day.isoformat()}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_arrivals_and_on_site_from_check_ins(db, world):
    """Runs once check-in is merged: the seam reads admitted entries and exits."""
    checkin = pytest.importorskip("visitorapp.checkin.models")
    b = world.booking
    for direction, students, teachers in (("in", 38, 2), ("out", 10, 1)):
        db.session.add(checkin.CheckIn(client_id=uuid.uuid4().hex, booking_id=b.id,
                                       venue_id=world.venue.id, direction=direction,
                                       students=students, teachers=teachers, result="ok"))
    db.session.add(checkin.CheckIn(client_id=uuid.uuid4().hex, booking_id=b.id,
                                   venue_id=world.venue.id, direction="in", students=40,
                                   teachers=2, result="already_checked_in"))
    db.session.commit()
    figures = live.day_figures(world.edition, world.slot.local_day)
    assert (figures.arrived, figures.on_site) == (40, 29)


def test_dashboard_opens_on_the_busiest_day_before_the_week(client, db, world, organizer):
    """Before the week (and with nothing today) the organizer lands on the day schools booked."""
    html = client.get("/console/").get_data(as_text=True)
    day = world.slot.local_day
    assert f'aria-current="page" class="current">{day.month}月{day.day}日' in html

