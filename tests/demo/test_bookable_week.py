"""`make run` on any date serves a week that can be booked now: the seed, the /book picker and the
API agree on which week that is (programme.services.booking_edition), past weeks stay as history.

The moments are the ones that broke the demo: 13 May 2027 (the day after that year's experience
day: its booking has closed, the next is not yet in the database) and 1 January 2029 (every
date the plan and its first copies know is past).
"""
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from visitorapp.programme.models import Edition, Slot
from visitorapp.timeutil import TZ

AFTER_EXPERIENCE_DAY_2027 = datetime(2027, 5, 13, 10, 0, tzinfo=TZ)
NEW_YEAR_2029 = datetime(2029, 1, 1, 9, 0, tzinfo=TZ)
#: The day the issue saw the first seed (before the 2027 copy's week).
FIRST_SEED = datetime(2026, 12, 2, 9, 0, tzinfo=TZ)


def seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def picker_offers(client) -> tuple[set[int], str]:
    """Slot ids /book offers to book, over every day tab, and the page's first screen."""
    first = client.get("/book")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    days = set(re.findall(r'href="/book\?day=(\d{4}-\d{2}-\d{2})"', page)) or {None}
    offered = set()
    for day in days:
        text = client.get(f"/book?day={day}").get_data(as_text=True) if day else page
        offered |= {int(i) for i in re.findall(r'href="/book/(\d+)"', text)}
    return offered, page


def year_of(db, slot_ids) -> set[int]:
    return set(db.session.scalars(sa.select(Edition.year).join(Edition.events)
                                  .join(Slot).where(Slot.id.in_(slot_ids))))


def assert_one_bookable_week(client, db, year: int):
    offered, page = picker_offers(client)
    listed = client.get("/api/v1/slots").get_json()
    api = {s["id"] for s in listed}
    assert offered and offered == api, "the picker and the API offer different slots"
    assert year_of(db, offered) == {year}
    assert 'id="window-status"' not in page  # no "not yet open" / "closed" banner
    events = client.get("/api/v1/registration/slots").get_json()["events"]
    assert events and year_of(db, [s["id"] for e in events for s in e["slots"]]) == {year}
    # …and it really takes a booking now.
    slot_id = max(listed, key=lambda s: (s["remaining"], -s["id"]))["id"]
    response = client.post("/api/v1/bookings", json={
        "slot_id": slot_id, "school_name": "株洲市芦淞区建设小学", "school_stage": "primary",
        "students": 20, "teachers": 2, "leader_name": "周老师", "leader_mobile": "13973300001"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("moment, year", [(AFTER_EXPERIENCE_DAY_2027, 2028), (NEW_YEAR_2029, 2029)])
def test_a_fresh_demo_has_a_bookable_week(runner, client, db, time_machine, moment, year):
    time_machine.move_to(moment, tick=False)
    output = seed(runner)
    assert f"{year}年职业教育活动周" in output
    assert_one_bookable_week(client, db, year)


def test_a_demo_seeded_last_winter_moves_on_to_the_next_week(runner, client, db, time_machine):
    time_machine.move_to(FIRST_SEED, tick=False)
    seed(runner)
    assert_one_bookable_week(client, db, 2027)

    time_machine.move_to(AFTER_EXPERIENCE_DAY_2027, tick=False)
    seed(runner)
    assert_one_bookable_week(client, db, 2028)
    # 2026 and 2027 stay as history: their slots are still in the database, none is offered.
    assert set(db.session.scalars(sa.select(Edition.year))) == {2026, 2027, 2028}
