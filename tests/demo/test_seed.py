"""`flask seed-demo`: the 2026 plan as data, next May's copy open for booking, idempotent."""
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from visitorapp.booking import rules
from visitorapp.booking.models import Booking, BookingStatus
from visitorapp.checkin.models import Attendance, CheckIn
from visitorapp.demo import plan2026
from visitorapp.demo.programme import next_year
from visitorapp.demo.views import run_steps
from visitorapp.programme.models import (
    CampusDay,
    Department,
    Edition,
    Event,
    EventCategory,
    ParticipationMode,
    Slot,
    Venue,
)
from visitorapp.programme.services import edition_by_year
from visitorapp.registration.models import Registration, RegistrationStatus
from visitorapp.timeutil import TZ, at_local, local, local_today, utcnow
from visitorapp.waitlist.models import WaitlistEntry


def counts(db) -> dict:
    def n(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
    return {
        "departments": n(Department), "venues": n(Venue), "editions": n(Edition),
        "events": n(Event), "slots": n(Slot), "bookings": n(Booking),
        "cancelled": n(Booking, Booking.status == BookingStatus.CANCELLED),
        "booked": db.session.scalar(sa.select(sa.func.sum(Slot.booked))),
        "campus_days": sorted(db.session.execute(sa.select(CampusDay.day, CampusDay.booked)).all()),
    }


@pytest.fixture
def seeded(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "演示活动周：2026年职业教育活动周（往届）" in result.output
    assert "开放预约" in result.output
    return edition_by_year(2026)


def test_seeding_twice_changes_nothing(runner, db, seeded):
    first = counts(db)
    assert first["editions"] == 2 and first["bookings"] > 10 and first["cancelled"] >= 2
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert counts(db) == first


def test_2026_edition_as_planned(seeded):
    edition = seeded
    assert edition.title == "2026年职业教育活动周" and edition.theme == "一技在手 一生无忧"
    assert (edition.starts_on, edition.ends_on) == (date(2026, 5, 10), date(2026, 5, 16))
    assert [(td.name, td.day) for td in edition.theme_days] == [
        ("职教改革研讨日", date(2026, 5, 10)), ("技能成才宣讲日", date(2026, 5, 11)),
        ("产教融合示范日", date(2026, 5, 12)), ("职业技能体验日", date(2026, 5, 13)),
        ("职教志愿服务日", date(2026, 5, 14)), ("教授一分钟说专业/学院", date(2026, 5, 15)),
        ("地方特色活动日", date(2026, 5, 16))]
    assert edition.report_deadline == date(2026, 5, 18)
    assert edition.change_deadline_hours == 24
    assert (edition.students_per_teacher, edition.students_per_teacher_primary) == (20, 10)
    assert edition.booking_opens_at < edition.booking_closes_at < at_local(date(2026, 5, 13), time(0))
    assert edition.ends_on < local_today(), "the plan's week is a past edition"


def test_all_17_activities_with_their_days_modes_and_categories(seeded):
    events = {e.seq: e for e in seeded.events}
    assert sorted(events) == list(range(1, 18))
    assert events[1].theme_day.name == "职教改革研讨日"
    assert events[10].name == "开放全国化学会科普基地及精艺楼"
    assert "化工与制药类实训场地" in events[10].requirements
    assert "该活动由教务处统筹" in events[10].requirements
    assert {s for s, e in events.items() if e.mode == ParticipationMode.GROUP} == {10, 11, 12}
    assert {s for s, e in events.items() if e.mode == ParticipationMode.INDIVIDUAL} == {7, 8, 13, 15, 17}
    assert events[15].category == EventCategory.TWO_INTO
    assert {10, 11, 12, 13, 6} <= {s for s, e in events.items() if e.category == EventCategory.FOUR_OPEN}
    assert events[1].category == EventCategory.OTHER
    assert all(e.theme_day.name == "职业技能体验日" for s, e in events.items() if 10 <= s <= 14)


def names(departments):
    return [d.name for d in departments]


def test_departments_per_row(seeded):
    events = {e.seq: e for e in seeded.events}
    colleges = list(plan2026.COLLEGES)
    assert names(events[10].lead_departments) == ["教务处"]
    assert names(events[10].responsible_departments) == ["化学工程学院", "制药与生物工程学院"]
    assert names(events[12].responsible_departments) == ["马克思主义学院"]
    assert names(events[13].responsible_departments) == ["后勤处"]
    assert names(events[4].lead_departments) == ["校企合作处", "工会", "对外交流处"]  # the plan's order
    assert names(events[1].responsible_departments) == ["各党总支"]
    for seq in (11, 12, 13, 14):  # row 10's 教务处统筹 covers the day; no lead of their own
        assert events[seq].lead_departments == []
    assert sorted(names(events[3].responsible_departments)) == sorted(
        ["组织人事部", "科研产业处", "校企合作处", *colleges])
    assert sorted(names(events[16].lead_departments)) == sorted(colleges)
    assert names(events[16].responsible_departments) == ["宣传统战部"]
    # "宣传部" in row 17 is the 宣传统战部, and "各二级学院" is every college
    responsible = names(events[17].responsible_departments)
    assert "宣传统战部" in responsible and "宣传部" not in responsible
    assert set(colleges) <= set(responsible) and "保卫处" in responsible
    assert responsible[:6] == ["党政办公室", "宣传统战部", "学生工作部", "保卫处", "后勤处", "教务处"]
    assert names(events[15].lead_departments) == ["团委"]


def test_the_demo_report_adds_up_and_every_slot_has_a_host(seeded, client, login):
    """The simulated week of issue 11: no unit reports another's visitors, 教务处 coordinates."""
    from tests.factories import create_user
    from visitorapp.reports import layout, statistics
    from visitorapp.timeutil import utcnow
    college, units = statistics.all_reports(seeded, utcnow())
    assert college.unhosted == [] and layout.reconcile(college, units)[1] == []
    by_name = {r.department.name: r for r in units}
    assert by_name["教务处"].total.arrived == 0
    assert [r.coordinating for r in by_name["教务处"].rows if r.seq == 10] == [True]
    assert sum(r.total.arrived for r in units) == college.total.arrived
    login(create_user())
    page = client.get(f"/reports/college?edition={seeded.year}").get_data(as_text=True)
    assert "report-mismatch" not in page and "牵头：—；责任：宣传统战部" in page


def test_experience_day_venues_and_slots(seeded, db):
    venues = {v.name: v for v in db.session.scalars(sa.select(Venue))}
    assert venues["全国化学会科普基地·精艺楼"].host_department.name == "化学工程学院"
    assert venues["农学基地"].host_department.name == "后勤处"
    assert all("集合" in v.visitor_notes and "安全须知" in v.visitor_notes for v in venues.values())
    group = [s for e in seeded.events if e.mode == ParticipationMode.GROUP for s in e.slots]
    assert {s.local_day for s in group} == {date(2026, 5, 13)}
    assert {local(s.starts_at).strftime("%H:%M") for s in group} >= {"09:00", "14:30", "08:30"}
    durations = {(s.ends_at - s.starts_at) for s in group}
    assert timedelta(minutes=90) in durations and timedelta(minutes=150) in durations
    for slot in group:  # parallel slots never promise more than the building holds
        overlapping = sum(s.capacity for s in group if s.venue_id == slot.venue_id and s.overlaps(slot))
        assert overlapping <= slot.venue.safe_occupancy


def test_counters_equal_the_confirmed_bookings(seeded, db):
    for slot in db.session.scalars(sa.select(Slot)):
        confirmed = [b for b in db.session.scalars(sa.select(Booking).where(Booking.slot_id == slot.id))
                     if b.status == BookingStatus.CONFIRMED]
        # individual registrations take one place each; waiting-list offers hold theirs
        people = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
            Registration.slot_id == slot.id, Registration.status == RegistrationStatus.CONFIRMED))
        held = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(WaitlistEntry.headcount), 0))
                                 .where(WaitlistEntry.slot_id == slot.id,
                                        WaitlistEntry.status == "offered"))
        assert slot.booked == sum(b.headcount for b in confirmed) + people + held, slot.label
    for day in db.session.scalars(sa.select(CampusDay)):
        confirmed = db.session.scalars(sa.select(Booking).join(Booking.slot).join(Slot.event).where(
            Event.edition_id == day.edition_id, Booking.status == BookingStatus.CONFIRMED))
        assert day.booked == sum(b.headcount for b in confirmed if b.slot.local_day == day.day)
    stages = set(db.session.scalars(sa.select(Booking.school_stage)))
    assert len(stages) == 5


def test_next_edition_is_open_for_booking_from_today(seeded, db):
    upcoming = db.session.scalar(sa.select(Edition).where(Edition.year > 2026))
    assert upcoming.year == next_year(seeded, utcnow())
    assert upcoming.starts_on > local_today() and upcoming.starts_on.month == 5
    assert upcoming.starts_on.weekday() == seeded.starts_on.weekday()
    assert upcoming.booking_opens_at == at_local(local_today(), time(0, 0))
    planned = [e for e in upcoming.events if e.is_published]  # the rehearsal event is not
    assert len(planned) == 17
    group = [s for e in planned if e.mode == ParticipationMode.GROUP for s in e.slots]
    assert len(group) == len([s for e in seeded.events if e.mode == ParticipationMode.GROUP
                              for s in e.slots])
    for slot in group:
        rules.check_bookable(slot, utcnow())  # raises RuleError when outside the booking window
    assert any(b.slot.event.edition_id == upcoming.id
               for b in db.session.scalars(sa.select(Booking)))


@pytest.mark.parametrize("today, year", [
    (date(2026, 11, 29), 2027), (date(2027, 3, 1), 2027), (date(2027, 5, 20), 2028),
    (date(2026, 4, 1), 2027), (date(2028, 1, 2), 2028),
    (date(2027, 5, 15), 2027), (date(2027, 5, 16), 2028),  # the 2027 copy's week is 9–15 May
])
def test_next_year_without_a_closing_time_follows_the_week(db, today, year):
    past = Edition(year=2026, title="t", starts_on=date(2026, 5, 10), ends_on=date(2026, 5, 16))
    assert next_year(past, at_local(today, time(12, 0))) == year


@pytest.mark.parametrize("moment, year", [
    ((2027, 5, 11, 16, 59), 2027),  # the 2027 copy closes 17:00 the day before its experience day
    ((2027, 5, 11, 17, 1), 2028), ((2027, 5, 13, 23, 55), 2028), ((2029, 1, 1, 0, 0), 2029),
])
def test_next_year_follows_the_booking_closing_time(db, moment, year):
    past = Edition(year=2026, title="t", starts_on=date(2026, 5, 10), ends_on=date(2026, 5, 16),
                   booking_closes_at=at_local(date(2026, 5, 12), time(17, 0)))
    assert next_year(past, datetime(*moment, tzinfo=TZ)) == year


def test_seed_with_a_given_moment(db):
    from visitorapp.database import atomic
    ctx = atomic(run_steps, at_local(date(2027, 6, 1), time(9, 0)))
    assert ctx.upcoming.year == 2028 and ctx.past.year == 2026
    assert local(ctx.upcoming.booking_opens_at).date() == date(2027, 6, 1)


def test_a_sample_that_no_longer_fits_is_skipped_without_touching_counters(runner, db, seeded):
    """An organizer shrank a slot and cancelled its bookings: seeding again leaves it alone."""
    from visitorapp.booking import services
    slot = next(s for e in seeded.events if e.seq == 11 for s in e.slots)
    for booking in db.session.scalars(sa.select(Booking).where(Booking.slot_id == slot.id)):
        if booking.is_active:
            services.cancel_booking(booking, actor="组织者", now=utcnow())
    ids = sa.select(Booking.id).where(Booking.slot_id == slot.id)
    db.session.execute(sa.delete(CheckIn).where(CheckIn.booking_id.in_(ids)))
    db.session.execute(sa.delete(Attendance).where(Attendance.booking_id.in_(ids)))
    db.session.execute(sa.delete(Booking).where(Booking.slot_id == slot.id))
    slot.capacity = 20
    db.session.commit()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "示例预约未添加" in result.output and "剩余名额不足" in result.output
    db.session.expire_all()
    assert slot.booked == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Booking)
                             .where(Booking.slot_id == slot.id)) == 0
    days = {d.day: d.booked for d in db.session.scalars(sa.select(CampusDay))}
    confirmed = [b for b in db.session.scalars(sa.select(Booking)) if b.is_active]
    assert days[date(2026, 5, 13)] == sum(b.headcount for b in confirmed
                                          if b.slot.local_day == date(2026, 5, 13))
