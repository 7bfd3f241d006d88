"""The live dashboard: figures per day, venue and slot, the campus total against the daily cap,
the self-refreshing panel and its JSON twin."""
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
    figures = live.day_figures(world.edition, world.slot.local_day, world.slot.starts_at)
    by_id = {s.slot_id: s for s in figures.slots}
    assert (by_id[world.slot.id].booked, by_id[world.slot.id].capacity) == (42, 100)
    assert (by_id[second.id].booked, by_id[second.id].groups) == (22, 1)
    assert figures.booked == 64 and figures.daily_cap == 1500
    assert [v.name for v in figures.venues] == ["化工实训中心"]


def test_no_show_counts_its_persons_once_the_slot_ended(db, world):
    during = live.day_figures(world.edition, world.slot.local_day, world.slot.starts_at)
    after = live.day_figures(world.edition, world.slot.local_day, world.slot.ends_at)
    assert (during.no_show, after.no_show) == (0, 42)


def test_dashboard_page_refreshes_itself_without_inline_script(client, world, organizer):
    day = world.slot.local_day.isoformat()
    response = client.get(f"/console/?day={day}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'src="/static/js/console-live.js"' in html
    assert 'data-refresh="10"' in html and f"/console/live/panel?edition={world.edition.year}" in html
    assert "<noscript><meta http-equiv=\"refresh\"" in html
    assert "onclick" not in html and "<script>" not in html
    assert "42/100" in html and "每日上限 1500" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_panel_follows_new_bookings(client, db, world, organizer):
    day = world.slot.local_day.isoformat()
    url = f"/console/live/panel?edition={world.edition.year}&day={day}"
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
    assert {"arrived", "no_show", "groups"} <= slot.keys()
    assert data["venues"][0]["name"] == "化工实训中心" and data["venues"][0]["on_site"] == 0


def test_hostile_names_are_escaped_on_the_dashboard(client, db, world, organizer):
    world.venue.name = "<img src=x onerror=alert(1)>"
    db.session.commit()
    html = client.get(f"/console/?day={world.slot.local_day.isoformat()}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_arrivals_and_on_site_from_check_ins(db, world):
    """Arrived counts the first entry (签到) once; on site follows exits and re-entries."""
    from tests.checkin.helpers import scan_at
    b, start = world.booking, world.slot.starts_at
    for minutes, direction, students, teachers in ((0, "in", 38, 2), (30, "out", 10, 1),
                                                   (40, "in", 10, 1), (50, "out", 10, 1)):
        scan_at(b, start + timedelta(minutes=minutes), direction, students, teachers)
    db.session.commit()
    figures = live.day_figures(world.edition, world.slot.local_day, start + timedelta(hours=1))
    assert (figures.arrived, figures.on_site, figures.venues[0].on_site) == (40, 29, 29)


def test_dashboard_opens_on_the_busiest_day_before_the_week(client, db, world, organizer):
    """Before the week (and with nothing today) the organizer lands on the day schools booked."""
    html = client.get("/console/").get_data(as_text=True)
    day = world.slot.local_day
    assert f'aria-current="page" class="current">{day.month}月{day.day}日' in html

